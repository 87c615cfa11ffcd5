/**
 * Sets of numbers kept as ascending arrays (item and passage numbers), combined by
 * merging: cheaper than Sets for the tens of thousands of numbers a corpus's lists hold.
 */

/** Numbers in both ascending sets, ascending. */
export function intersect(a: ArrayLike<number>, b: ArrayLike<number>): Uint32Array {
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
