/**
 * Numbers unsigned 32-bit keys densely (0, 1, 2, … in first-seen order) with an
 * open-addressing table in typed arrays. Index builds number tens of millions of
 * character pairs; a JavaScript Map spends most of that time hashing and collecting
 * garbage, this spends a multiply and a probe.
 */
export class Uint32Index {
  private keys: Uint32Array;
  private ids: Int32Array;
  /** 32 minus the table's size in bits: the hash is the product's high bits (its low bits ignore the key's high bits). */
  private shift: number;
  private count = 0;

  constructor(capacity = 1 << 16) {
    let bits = 10;
    while (1 << bits < capacity * 2) bits++;
    this.keys = new Uint32Array(1 << bits);
    this.ids = new Int32Array(1 << bits).fill(-1);
    this.shift = 32 - bits;
  }

  /** Number of distinct keys seen. */
  get size(): number {
    return this.count;
  }

  /** The id of `key`, or -1 when it was never added. */
  get(key: number): number {
    const mask = this.keys.length - 1;
    for (let at = Math.imul(key, 0x9e3779b1) >>> this.shift; ; at = (at + 1) & mask) {
      const id = this.ids[at]!;
      if (id < 0 || this.keys[at] === key) return id;
    }
  }

  /** The id of `key`, numbering it if new. */
  add(key: number): number {
    if (this.count * 2 >= this.keys.length) this.grow();
    const mask = this.keys.length - 1;
    for (let at = Math.imul(key, 0x9e3779b1) >>> this.shift; ; at = (at + 1) & mask) {
      const id = this.ids[at]!;
      if (id < 0) {
        this.keys[at] = key;
        this.ids[at] = this.count;
        return this.count++;
      }
      if (this.keys[at] === key) return id;
    }
  }

  /** Every key, by id. */
  keysById(): Uint32Array {
    const out = new Uint32Array(this.count);
    for (let at = 0; at < this.keys.length; at++) if (this.ids[at]! >= 0) out[this.ids[at]!] = this.keys[at]!;
    return out;
  }

  private grow(): void {
    const keys = this.keys;
    const ids = this.ids;
    this.keys = new Uint32Array(keys.length * 2);
    this.ids = new Int32Array(keys.length * 2).fill(-1);
    this.shift--;
    const mask = this.keys.length - 1;
    for (let i = 0; i < keys.length; i++) {
      if (ids[i]! < 0) continue;
      let at = Math.imul(keys[i]!, 0x9e3779b1) >>> this.shift;
      while (this.ids[at]! >= 0) at = (at + 1) & mask;
      this.keys[at] = keys[i]!;
      this.ids[at] = ids[i]!;
    }
  }
}

/** A growable array of unsigned 32-bit numbers. */
export class Uint32List {
  private data: Uint32Array;
  length = 0;

  constructor(capacity = 1 << 16) {
    this.data = new Uint32Array(capacity);
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Uint32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }

  get(i: number): number {
    return this.data[i]!;
  }

  set(i: number, value: number): void {
    this.data[i] = value;
  }

  /** The values so far (a view: valid until the next push). */
  view(): Uint32Array {
    return this.data.subarray(0, this.length);
  }
}

/** Bytes a number below 2^35 takes as a varint (7 bits per byte). */
export function varintBytes(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}

/** Writes `value` (below 2^32) as a varint at `at`; returns the position after it. */
export function writeVarint(out: Uint8Array, at: number, value: number): number {
  let v = value >>> 0;
  while (v >= 0x80) {
    out[at++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  out[at++] = v;
  return at;
}
