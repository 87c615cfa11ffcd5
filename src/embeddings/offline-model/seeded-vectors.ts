/**
 * Deterministic pseudo-random vectors keyed by a string. Only integer arithmetic and
 * exact float operations are used (no Math.random, no sin/log), so the same key gives
 * bit-identical vectors on every machine and Node version; the offline model build
 * depends on that to be reproducible.
 */

/** 32-bit FNV-1a hash of a string's UTF-16 code units. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a small, well-mixed 32-bit generator; returns integers in [0, 2^32). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/**
 * A unit vector of `dims` components for `key`. Components are an Irwin–Hall sum of
 * three uniforms (close enough to Gaussian for random indexing), then normalised.
 */
export function seededUnitVector(key: string, dims: number): Float64Array {
  const next = mulberry32(hashString(key));
  const v = new Float64Array(dims);
  for (let i = 0; i < dims; i++) {
    v[i] = (next() + next() + next()) / 4294967296 - 1.5;
  }
  return normalizeInPlace(v);
}

/** Scales `v` to unit length (leaves a zero vector as is) and returns it. */
export function normalizeInPlace(v: Float64Array): Float64Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  if (sum > 0) {
    const inv = 1 / Math.sqrt(sum);
    for (let i = 0; i < v.length; i++) v[i]! *= inv;
  }
  return v;
}

/** `target += scale * source`, in place. */
export function addScaled(target: Float64Array, source: Float64Array, scale: number): void {
  for (let i = 0; i < target.length; i++) target[i]! += scale * source[i]!;
}
