/**
 * Maps from a key to the list of values filed under it (titles by pair, spellings by
 * first character, characters by sound): one way to add to them.
 */

/** Adds `value` to the list under `key`, starting the list when there is none. */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
