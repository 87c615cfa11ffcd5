/**
 * Values worked out from an object once and kept as long as the object lives (a corpus's
 * directory, a document's parts, an item's squashed text): one way to keep them.
 */

/** The value kept in `values` for `key`, computing and keeping it on first use. */
export function keptIn<K extends object, V>(values: WeakMap<K, V>, key: K, compute: (key: K) => V): V {
  if (values.has(key)) return values.get(key)!;
  const value = compute(key);
  values.set(key, value);
  return value;
}
