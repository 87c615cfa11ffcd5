/**
 * A Map that holds at most `capacity` entries and forgets the oldest first. The bot
 * remembers recent things (answers that can be voted on, update ids it took, updates it
 * finished) without growing for ever; a Map iterates in insertion order, so the first
 * key is the oldest. Setting a key again makes it the newest.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(readonly capacity: number) {
    super();
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a whole number ≥ 1, got ${capacity}`);
  }

  override set(key: K, value: V): this {
    super.delete(key);
    super.set(key, value);
    if (this.size > this.capacity) super.delete(this.keys().next().value as K);
    return this;
  }
}
