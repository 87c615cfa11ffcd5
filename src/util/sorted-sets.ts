/**
 * Sets of numbers kept as ascending arrays (item and passage numbers), combined by
 * merging: cheaper than Sets for the tens of thousands of numbers a corpus's lists hold.
 */

/**
 * A set this many times smaller than the other is intersected with it by galloping (each of
 * its numbers searched for in the other from where the last one was found), not merging.
 * Against 352,000 numbers: 8 times smaller, even (1.8–2.2 ms); 16 times, 0.66 against 1.33
 * ms; 64 times, 0.26 against 1.82 (a unit's items among the numbered ones: 15 times).
 */
const GALLOP_FROM = 8;

/** Numbers in both ascending sets, ascending. */
export function intersect(a: ArrayLike<number>, b: ArrayLike<number>): Uint32Array {
  if (a.length * GALLOP_FROM < b.length) return gallop(a, b);
  if (b.length * GALLOP_FROM < a.length) return gallop(b, a);
  const out = new Uint32Array(Math.min(a.length, b.length));
  let n = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i]! < b[j]!) i++;
    else if (a[i]! > b[j]!) j++;
    else {
      out[n++] = a[i]!;
      i++;
      j++;
    }
  }
  return out.subarray(0, n);
}

/**
 * The numbers of `small` in `large` (both ascending): each searched for from the place of the
 * last, by steps that double, then by halving. A unit's 24,000 items among 352,000 numbered
 * ones at 10,000 circulars: a merge steps through all 376,000.
 */
function gallop(small: ArrayLike<number>, large: ArrayLike<number>): Uint32Array {
  const out = new Uint32Array(small.length);
  let n = 0;
  let lo = 0;
  for (let i = 0; i < small.length && lo < large.length; i++) {
    const x = small[i]!;
    // Everything before lo is below x; find hi with large[hi] ≥ x (or the end), doubling the step.
    let hi = lo;
    for (let step = 1; hi < large.length && large[hi]! < x; step *= 2) {
      lo = hi + 1;
      hi += step;
    }
    if (hi > large.length) hi = large.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (large[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    if (large[lo] === x) out[n++] = x;
  }
  return out.subarray(0, n);
}

/** How many numbers two ascending sets share. */
export function countShared(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i]! < b[j]!) i++;
    else if (a[i]! > b[j]!) j++;
    else {
      n++;
      i++;
      j++;
    }
  }
  return n;
}

/** The sets one after the other: ascending when each set's numbers all follow the one before's. */
export function concat(sets: readonly ArrayLike<number>[]): Uint32Array {
  const all = new Uint32Array(sets.reduce((n, s) => n + s.length, 0));
  let at = 0;
  for (const s of sets) {
    all.set(s, at);
    at += s.length;
  }
  return all;
}

/** Numbers in any of the ascending sets, ascending. */
export function union(sets: readonly ArrayLike<number>[]): Uint32Array {
  if (sets.length === 1) return Uint32Array.from(sets[0]!);
  const all = concat(sets).sort();
  let n = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[n++] = all[i]!;
  return all.subarray(0, n);
}
