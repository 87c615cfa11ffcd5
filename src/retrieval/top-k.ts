/**
 * The best `limit` entries of a scored set, best first, ties by lower index: a bounded
 * heap over the candidates (O(n log k)), instead of sorting every scored passage to keep 60.
 */

/** One ranked entry. */
export interface Ranked {
  index: number;
  score: number;
}

/** Whether a ranks below b: lower score, or equal score and higher index. */
const below = (a: Ranked, b: Ranked) => a.score < b.score || (a.score === b.score && a.index > b.index);

/**
 * The top `limit` of `candidates` (indices into `scores`) whose score passes `keep`,
 * sorted best first. Each candidate index must appear once.
 */
export function topK(
  candidates: ArrayLike<number>,
  scores: ArrayLike<number>,
  limit: number,
  keep: (score: number) => boolean = (s) => s > 0,
): Ranked[] {
  if (limit <= 0) return [];
  // A min-heap of the best so far: its root is the weakest kept entry.
  const heap: Ranked[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const index = candidates[i]!;
    const score = scores[index]!;
    if (!keep(score)) continue;
    // Most candidates rank below the heap's weakest: tested before an entry is made for them.
    if (heap.length === limit && (score < heap[0]!.score || (score === heap[0]!.score && index > heap[0]!.index))) continue;
    const entry = { index, score };
    if (heap.length < limit) {
      heap.push(entry);
      let at = heap.length - 1;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (!below(heap[at]!, heap[parent]!)) break;
        [heap[at], heap[parent]] = [heap[parent]!, heap[at]!];
        at = parent;
      }
    } else if (below(heap[0]!, entry)) {
      heap[0] = entry;
      let at = 0;
      for (;;) {
        const l = 2 * at + 1;
        const r = l + 1;
        let least = at;
        if (l < heap.length && below(heap[l]!, heap[least]!)) least = l;
        if (r < heap.length && below(heap[r]!, heap[least]!)) least = r;
        if (least === at) break;
        [heap[at], heap[least]] = [heap[least]!, heap[at]!];
        at = least;
      }
    }
  }
  return heap.sort((a, b) => b.score - a.score || a.index - b.index);
}
