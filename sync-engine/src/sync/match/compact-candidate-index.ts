/**
 * A Bulk API 2.0 query's index of a whole object (every record with a key), held compactly for the run's
 * matching: the keys in a `CompactKeyTable`, each record's CSV cells as UTF-8 end to end in one buffer, and
 * the records of one key chained through typed arrays. A few hundred thousand records then take a few dozen
 * bytes each, off the JavaScript heap, instead of three objects and four strings each (docs/performance.md,
 * "Memory"); a record becomes a `CandidateRecord` only when a report row asks for its key.
 */
import { CompactKeyTable, grown } from './compact-key-table.js';
import type { CandidateIndex, CandidateRecord } from '../target-org.js';

const FIRST_RECORDS = 1 << 12;

export class CompactCandidateIndex implements CandidateIndex {
  private readonly keys = new CompactKeyTable();
  /** Per key: its first and last record; per record: the next record of the same key (-1: none). */
  private first = new Int32Array(FIRST_RECORDS);
  private last = new Int32Array(FIRST_RECORDS);
  private next = new Int32Array(FIRST_RECORDS);
  /** The cells of every record, column by column, as UTF-8; cell `i` ends at `ends[i + 1]`. */
  private text = Buffer.allocUnsafe(FIRST_RECORDS * 64);
  private ends: Uint32Array<ArrayBuffer>;
  private records = 0;

  /**
   * @param columns the query's columns, in the order each record's cells are kept
   * @param toCandidate reads a record (its cells by column) as the candidate the matching sees
   */
  constructor(
    private readonly columns: string[],
    private readonly toCandidate: (record: Record<string, string>) => CandidateRecord
  ) {
    this.ends = new Uint32Array(FIRST_RECORDS * columns.length + 1);
  }

  /** Distinct keys. */
  get size(): number {
    return this.keys.size;
  }

  /** Keeps `record` (a Bulk CSV record: every cell text, empty for null) under its normalised `key`. */
  add(key: string, record: Record<string, string | undefined>): void {
    const at = this.records;
    this.makeRoom(at);
    const base = at * this.columns.length;
    for (let c = 0; c < this.columns.length; c += 1) this.addCell(base + c, record[this.columns[c]] ?? '');
    this.next[at] = -1;
    const index = this.keys.insert(key);
    if (index >= this.first.length) {
      this.first = grown(this.first, this.first.length * 2);
      this.last = grown(this.last, this.last.length * 2);
    }
    if (this.keys.added) this.first[index] = at;
    else this.next[this.last[index]] = at;
    this.last[index] = at;
    this.records += 1;
  }

  /** The records of `key`, in the order the query answered them. */
  get(key: string): CandidateRecord[] | undefined {
    const index = this.keys.find(key);
    if (index < 0) return undefined;
    const found: CandidateRecord[] = [];
    for (let at = this.first[index]; at !== -1; at = this.next[at])
      found.push(this.toCandidate(this.record(at)));
    return found;
  }

  private record(at: number): Record<string, string> {
    const record: Record<string, string> = {};
    const base = at * this.columns.length;
    for (let c = 0; c < this.columns.length; c += 1) {
      record[this.columns[c]] = this.text.toString('utf8', this.ends[base + c], this.ends[base + c + 1]);
    }
    return record;
  }

  private makeRoom(at: number): void {
    if (at < this.next.length) return;
    this.next = grown(this.next, this.next.length * 2);
    this.ends = grown(this.ends, this.next.length * this.columns.length + 1);
  }

  private addCell(cellIndex: number, cell: string): void {
    const start = this.ends[cellIndex];
    if (start + cell.length * 3 > this.text.length) {
      const text = Buffer.allocUnsafe(Math.max(this.text.length * 2, start + cell.length * 3));
      this.text.copy(text, 0, 0, start);
      this.text = text;
    }
    this.ends[cellIndex + 1] = start + this.text.write(cell, start, 'utf8');
  }
}
