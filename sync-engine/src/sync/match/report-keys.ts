/**
 * Remembers the keys seen so far in a report. The first row with a key is the one synced; every later row with
 * the same key is invalid ("duplicate key in report"), so a streamed report never has to be read twice and the
 * row that wins is predictable. A report can hold millions of keys, each kept to the end of the run, so they
 * live in a compact table, sized once from the report's survey when it has one. The write queue keeps the
 * records it has queued in one too: a record is written once a run.
 */
import { CompactKeyTable, grown, type ExpectedKeys } from './compact-key-table.js';

export class ReportKeyRegistry {
  private readonly keys: CompactKeyTable;
  /** The first row of each key, by the key's index. */
  private rows: Uint32Array<ArrayBuffer>;

  constructor(expected?: ExpectedKeys) {
    this.keys = new CompactKeyTable(expected);
    this.rows = new Uint32Array(Math.max(1 << 12, expected?.keys ?? 0));
  }

  /** Keys remembered. */
  get size(): number {
    return this.keys.size;
  }

  /** The row that first used `key`, if any (nothing is registered). */
  firstRow(key: string): number | undefined {
    const index = this.keys.find(key);
    return index < 0 ? undefined : this.rows[index];
  }

  /** The row that first used `key`, or undefined after registering `row` as its first user. */
  claim(key: string, row: number): number | undefined {
    const index = this.keys.insert(key);
    if (!this.keys.added) return this.rows[index];
    if (index >= this.rows.length) this.rows = grown(this.rows, this.rows.length * 2);
    this.rows[index] = row;
    return undefined;
  }
}
