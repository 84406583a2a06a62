/**
 * Remembers the keys seen so far in a report. The first row with a key is the one synced; every later
 * row with the same key is invalid ("duplicate key in report"), so a streamed report never has to be
 * read twice and the row that wins is predictable.
 *
 * A report can hold millions of keys, and every one is kept to the end of the run, so they are kept compactly:
 * their UTF-8 bytes end to end in one buffer, found through an open-addressing hash table of typed arrays —
 * about 30 bytes a key where a `Map` of strings takes over 80 (docs/performance.md, "Memory"). Keys are
 * compared byte for byte, so two keys never collide into a false duplicate.
 */
const FIRST_CAPACITY = 1 << 12;

export class ReportKeyRegistry {
  private bytes = Buffer.allocUnsafe(FIRST_CAPACITY * 32);
  private used = 0;
  /** Per key, in claim order: where its bytes start (they end where the next key's start), and its row. */
  private starts = new Uint32Array(FIRST_CAPACITY + 1);
  private rows = new Uint32Array(FIRST_CAPACITY);
  private count = 0;
  /** Hash slots: 0 is empty, else the key's index + 1. Kept at most half full. */
  private slots = new Uint32Array(FIRST_CAPACITY * 2);
  private scratch = Buffer.allocUnsafe(1024);

  /** Keys remembered. */
  get size(): number {
    return this.count;
  }

  /** The row that first used `key`, or undefined after registering `row` as its first user. */
  claim(key: string, row: number): number | undefined {
    const length = this.encode(key);
    const hash = fnv1a(this.scratch, length);
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot];
      if (entry === 0) {
        this.add(length, row);
        this.slots[slot] = this.count;
        if (this.count * 2 > this.slots.length) this.rehash();
        return undefined;
      }
      if (this.equals(entry - 1, length)) return this.rows[entry - 1];
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

  private add(length: number, row: number): void {
    if (this.count + 1 >= this.rows.length) {
      this.rows = grown(this.rows, this.rows.length * 2);
      this.starts = grown(this.starts, this.rows.length + 1);
    }
    if (this.used + length > this.bytes.length) {
      const bytes = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + length));
      this.bytes.copy(bytes, 0, 0, this.used);
      this.bytes = bytes;
    }
    this.scratch.copy(this.bytes, this.used, 0, length);
    this.used += length;
    this.rows[this.count] = row;
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

function grown(array: Uint32Array, length: number): Uint32Array<ArrayBuffer> {
  const next = new Uint32Array(length);
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
