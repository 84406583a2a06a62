/**
 * Strings held compactly, for the hundreds of thousands of keys a run keeps to its end (the report's keys,
 * a Bulk query's index of the object): their UTF-8 bytes end to end in one buffer, found through an
 * open-addressing hash table of typed arrays — about 30 bytes a key where a `Map` of strings takes over 80,
 * and nothing on the JavaScript heap for the garbage collector to trace (docs/performance.md, "Memory").
 * Keys are compared byte for byte, so two keys never collide into one.
 */
const FIRST_CAPACITY = 1 << 12;

/** What the table will hold, when the caller knows it: it is then allocated once, never copied to grow. */
export interface ExpectedKeys {
  keys: number;
  /** An upper bound of their UTF-8 bytes (pages never written cost no memory). */
  bytes: number;
}

export class CompactKeyTable {
  private bytes: Buffer;
  private used = 0;
  /** Per key, in insertion order: where its bytes start (they end where the next key's start). */
  private starts: Uint32Array<ArrayBuffer>;
  private count = 0;
  /** Hash slots: 0 is empty, else the key's index + 1. Kept at most half full. */
  private slots: Uint32Array<ArrayBuffer>;
  private scratch = Buffer.allocUnsafe(1024);
  /** Whether the last `insert` added its key. */
  added = false;

  constructor(expected?: ExpectedKeys) {
    const keys = Math.max(FIRST_CAPACITY, expected?.keys ?? 0);
    this.bytes = Buffer.allocUnsafe(Math.max(keys * 32, expected?.bytes ?? 0));
    this.starts = new Uint32Array(keys + 1);
    this.slots = new Uint32Array(2 ** Math.ceil(Math.log2(keys * 2 + 1)));
  }

  /** Keys held; each key's index is its position in insertion order, from 0. */
  get size(): number {
    return this.count;
  }

  /** The key's index, or -1. */
  find(key: string): number {
    const length = this.encode(key);
    const mask = this.slots.length - 1;
    for (let slot = fnv1a(this.scratch, length) & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot];
      if (entry === 0) return -1;
      if (this.equals(entry - 1, length)) return entry - 1;
    }
  }

  /** The key's index, the key added first when new (then `added` is true). */
  insert(key: string): number {
    const length = this.encode(key);
    const mask = this.slots.length - 1;
    for (let slot = fnv1a(this.scratch, length) & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot];
      if (entry === 0) {
        this.add(length);
        this.slots[slot] = this.count;
        if (this.count * 2 > this.slots.length) this.rehash();
        this.added = true;
        return this.count - 1;
      }
      if (this.equals(entry - 1, length)) {
        this.added = false;
        return entry - 1;
      }
    }
  }

  /** Writes `key` as UTF-8 into the scratch buffer (grown as needed); its byte length. */
  private encode(key: string): number {
    if (key.length * 3 > this.scratch.length) this.scratch = Buffer.allocUnsafe(key.length * 3);
    return this.scratch.write(key, 0, 'utf8');
  }

  private equals(index: number, length: number): boolean {
    const start = this.starts[index];
    if (this.starts[index + 1] - start !== length) return false;
    return this.bytes.compare(this.scratch, 0, length, start, start + length) === 0;
  }

  private add(length: number): void {
    if (this.count + 1 >= this.starts.length) this.starts = grown(this.starts, this.starts.length * 2);
    if (this.used + length > this.bytes.length) {
      const bytes = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + length));
      this.bytes.copy(bytes, 0, 0, this.used);
      this.bytes = bytes;
    }
    this.scratch.copy(this.bytes, this.used, 0, length);
    this.used += length;
    this.count += 1;
    this.starts[this.count] = this.used;
  }

  private rehash(): void {
    this.slots = new Uint32Array(this.slots.length * 2);
    const mask = this.slots.length - 1;
    for (let index = 0; index < this.count; index += 1) {
      const start = this.starts[index];
      let slot = fnv1a(this.bytes, this.starts[index + 1] - start, start) & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = index + 1;
    }
  }
}

/** A copy of `array` with room for `length` entries. */
export function grown<T extends Uint32Array<ArrayBuffer> | Int32Array<ArrayBuffer>>(
  array: T,
  length: number
): T {
  const next = new (array.constructor as new (length: number) => T)(length);
  next.set(array);
  return next;
}

/** 32-bit FNV-1a over `length` bytes from `start`. */
function fnv1a(bytes: Buffer, length: number, start = 0): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < start + length; i += 1) {
    hash ^= bytes[i];
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
