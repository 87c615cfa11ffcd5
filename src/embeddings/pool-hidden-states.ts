/**
 * Pools a model's token vectors into one vector per text (mean over unmasked tokens,
 * or the first token) and optionally normalises it. Same result as transformers.js's
 * pipeline pooling, which converts every mask entry from BigInt once per dimension
 * and so spends far longer pooling than the offline model spends computing.
 */

export type Pooling = "mean" | "cls";

/** A [batch, seq, dims] float tensor and its [batch, seq] int64 attention mask. */
export interface HiddenStates {
  readonly dims: readonly number[];
  readonly data: ArrayLike<number>;
}
export interface AttentionMask {
  readonly data: ArrayLike<bigint | number>;
}

/** One vector per batch row. */
export function poolHiddenStates(hidden: HiddenStates, mask: AttentionMask, pooling: Pooling, normalize: boolean): number[][] {
  const [batch, seq, dims] = hidden.dims as [number, number, number];
  const data = hidden.data;
  const out: number[][] = [];
  for (let b = 0; b < batch; b++) {
    const sum = new Float64Array(dims);
    let count = 0;
    const tokens = pooling === "cls" ? Math.min(1, seq) : seq;
    for (let s = 0; s < tokens; s++) {
      if (pooling === "mean" && Number(mask.data[b * seq + s]) === 0) continue;
      count++;
      const offset = (b * seq + s) * dims;
      for (let d = 0; d < dims; d++) sum[d]! += data[offset + d]!;
    }
    out.push(finishPooling(sum, count, normalize));
  }
  return out;
}

/** The pooled vector from the sum of `count` token vectors: their mean, or the unit vector along it. */
export function finishPooling(sum: Float64Array, count: number, normalize: boolean): number[] {
  let scale = count > 0 ? 1 / count : 0;
  if (normalize) {
    let sq = 0;
    for (let d = 0; d < sum.length; d++) sq += sum[d]! * sum[d]!;
    scale = sq > 0 ? 1 / Math.sqrt(sq) : 0;
  }
  return Array.from(sum, (x) => x * scale);
}
