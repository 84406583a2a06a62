/**
 * The rows waiting for their write, in the order they were queued. The write cannot start before the report is
 * matched (the mass-change guard must see every change first, and the plan needs their number), so a first
 * sync of a million changed rows has a million waiting: beyond `recordsInMemory` records they wait in a file
 * of the system's temporary folder (one JSON line a row, readable only by the engine's user), which the run
 * removes when it ends. The heap holds at most that many records, whatever the size of the report.
 */
import { appendFileSync, closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { RecordWrite } from '../target-org.js';

/** A queued row: its outcome waits on the write of `writes`. */
export interface SpooledRow {
  row: number;
  key: string;
  recordIds: string[];
  writes: RecordWrite[];
}

/** Records a run keeps on the heap before the rest go to the file: 50 composite calls' worth. */
export const RECORDS_IN_MEMORY = 10_000;
const READ_BLOCK_BYTES = 1 << 20;

export class WriteSpool {
  private held: SpooledRow[] = [];
  private heldRecords = 0;
  private dir: string | undefined;
  private file: string | undefined;
  /** Bytes written to the file, and the records they hold. */
  spilledBytes = 0;
  spilledRecords = 0;
  /**
   * Per object, in the order first queued: its records, the fields any of them sets, and about how many bytes
   * they make as Bulk API CSV (each value's characters and a comma; quotes and empty cells left out).
   */
  readonly objects = new Map<string, { records: number; fields: Set<string>; csvBytes: number }>();

  constructor(private readonly recordsInMemory = RECORDS_IN_MEMORY) {}

  /** Records on the heap now. */
  get recordsHeld(): number {
    return this.heldRecords;
  }

  add(row: SpooledRow): void {
    for (const { objectName, item } of row.writes) {
      let object = this.objects.get(objectName);
      if (!object) this.objects.set(objectName, (object = { records: 0, fields: new Set(), csvBytes: 0 }));
      object.records += 1;
      object.csvBytes += item.id.length + 1;
      for (const [field, value] of Object.entries(item.fields)) {
        object.fields.add(field);
        object.csvBytes += (typeof value === 'string' ? Buffer.byteLength(value) : String(value).length) + 1;
      }
    }
    this.held.push(row);
    this.heldRecords += row.writes.length;
    if (this.heldRecords > this.recordsInMemory) this.spill();
  }

  /** Every queued row, from the first; each call reads them afresh. */
  *rows(): Generator<SpooledRow> {
    if (this.file) yield* this.fileRows(this.file);
    yield* this.held;
  }

  /** The records of one object, in queue order. */
  *records(objectName: string): Generator<RecordWrite['item']> {
    for (const row of this.rows())
      for (const write of row.writes) if (write.objectName === objectName) yield write.item;
  }

  /** Removes the file; the spool is empty after. */
  discard(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = this.file = undefined;
    this.spilledBytes = this.spilledRecords = 0;
    this.held = [];
    this.heldRecords = 0;
    this.objects.clear();
  }

  private spill(): void {
    if (!this.file) {
      this.dir = mkdtempSync(join(tmpdir(), 'walkme-writes-'));
      this.file = join(this.dir, 'rows.jsonl');
    }
    const text = this.held.map((row) => `${JSON.stringify(row)}\n`).join('');
    appendFileSync(this.file, text, { mode: 0o600 });
    this.spilledBytes += Buffer.byteLength(text);
    this.spilledRecords += this.heldRecords;
    this.held = [];
    this.heldRecords = 0;
  }

  /** The file's rows, a block at a time; no descriptor stays open between blocks. */
  private *fileRows(file: string): Generator<SpooledRow> {
    const block = Buffer.allocUnsafe(READ_BLOCK_BYTES);
    let position = 0;
    let rest = '';
    // A block may end inside a character's UTF-8 bytes: the decoder keeps them for the next block.
    const decoder = new StringDecoder('utf8');
    while (position < this.spilledBytes) {
      const fd = openSync(file, 'r');
      let read: number;
      try {
        read = readSync(fd, block, 0, block.length, position);
      } finally {
        closeSync(fd);
      }
      if (read === 0) throw new Error(`The spool file ${file} ended early: another process truncated it.`);
      position += read;
      const lines = (rest + decoder.write(block.subarray(0, read))).split('\n');
      rest = lines.pop()!;
      for (const line of lines) yield JSON.parse(line) as SpooledRow;
    }
  }
}
