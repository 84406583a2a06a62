/**
 * Step 7 of a run: the changed records of every row, held until the report is read, then written per
 * object with sObject Collections or one Bulk API 2.0 ingest job. Each record's result is mapped back to
 * its row; a row is `updated` when all its records were written, else `failed` with the first error.
 */
import type { BulkPolling, CollectionsOptions, TargetOrg, WriteItem, WriteResult } from '../target-org.js';
import type { OutcomeTally } from '../outcome-tally.js';
import type { PendingBulkJob } from '../../domain/run-result.js';
import type { RecordWrite } from './record-changes.js';
import type { RunLog } from '../run-log.js';

/** A row whose records are being written. */
interface RowInWrite {
  row: number;
  key: string;
  recordIds: string[];
  pending: number;
  failure?: { statusCode: string; message: string; id: string };
}

export interface WriteSettings {
  bulk: boolean;
  bulkPolling: BulkPolling;
  collections: CollectionsOptions;
}

export class WriteQueue {
  private readonly itemsByObject = new Map<string, WriteItem[]>();
  private readonly rowsInWrite = new Map<number, RowInWrite>();
  private readonly rowOfRecord = new Map<string, number>();
  /** Records queued. */
  size = 0;
  /** Records written so far. */
  written = 0;
  /** Bulk jobs left unsettled (still running at the poll timeout, or when the run stopped), with their records. */
  private readonly unsettledJobs: Array<{ jobId: string; objectName: string; ids: string[] }> = [];

  constructor(private readonly tally: OutcomeTally) {}

  /**
   * Queues a row's records. A record already queued (by this row or another) cannot be written twice in one
   * call: the row fails at once, "internal error", rather than leave an outcome missing.
   */
  add(row: number, key: string, recordIds: string[], writes: RecordWrite[]): void {
    const ids = writes.map(({ item }) => item.id);
    const twice = ids.find((id, i) => this.rowOfRecord.has(id) || ids.indexOf(id) !== i);
    if (twice) {
      const other = this.rowOfRecord.get(twice);
      const where = other === undefined ? 'twice by this row' : `from row ${other} already`;
      this.tally.emit(row, key, 'failed', {
        recordIds,
        statusCode: 'ENGINE_ERROR',
        reason: `internal error: record ${twice} is written ${where}; nothing was written for this row`
      });
      return;
    }
    this.rowsInWrite.set(row, { row, key, recordIds, pending: writes.length });
    for (const { objectName, item } of writes) {
      this.rowOfRecord.set(item.id, row);
      const list = this.itemsByObject.get(objectName);
      if (list) list.push(item);
      else this.itemsByObject.set(objectName, [item]);
      this.size += 1;
    }
  }

  /**
   * Writes every queued record; `onResult` follows progress. A Bulk ingest job takes one object, so each object
   * has its own; sObject Collections take records of several objects in one call ("The list can contain objects
   * of different types": REST API Developer Guide, "Update Records Using sObject Collections"), so the objects'
   * records go one after the other, in as few calls as their total needs.
   */
  async writeAll(org: TargetOrg, settings: WriteSettings, log: RunLog, onResult: () => void): Promise<void> {
    const settle = (result: WriteResult) => {
      this.settle(result);
      onResult();
    };
    if (settings.bulk) {
      for (const [objectName, items] of this.itemsByObject) {
        log.note(`Writing ${items.length} ${objectName} records with one Bulk API 2.0 job.`);
        const { pendingJobId } = await org.updateWithBulkIngest(
          objectName,
          items,
          settings.bulkPolling,
          settle
        );
        if (pendingJobId)
          this.unsettledJobs.push({ jobId: pendingJobId, objectName, ids: items.map((i) => i.id) });
      }
    } else {
      const perCall = settings.collections.perCall;
      const counts = [...this.itemsByObject].map(([objectName, items]) => `${items.length} ${objectName}`);
      log.note(
        `Writing ${counts.join(' and ')} records with sObject Collections${perCall > 1 ? `, ${perCall} to a composite call` : ''}.`
      );
      const writes = [...this.itemsByObject].flatMap(([objectName, items]) =>
        items.map((item) => ({ objectName, item }))
      );
      await org.updateWithCollections(writes, settings.collections, settle);
    }
    this.itemsByObject.clear();
    this.settleMissing();
  }

  /**
   * Records Salesforce answered nothing for, outside a Bulk job still running: their rows fail, "internal
   * error", so every row keeps one outcome.
   */
  private settleMissing(): void {
    const waiting = new Set(this.unsettledJobs.flatMap((job) => job.ids));
    for (const id of [...this.rowOfRecord.keys()]) {
      if (waiting.has(id)) continue;
      this.settle({
        id,
        ok: false,
        statusCode: 'ENGINE_ERROR',
        message: `internal error: no result came back for record ${id}`
      });
    }
  }

  /**
   * The Bulk jobs left unsettled, with the records of the rows still waiting on them. A row that already
   * failed on another record is settled failed now: its outcome is known whatever the job does.
   */
  takePendingJobs(): PendingBulkJob[] {
    if (this.unsettledJobs.length === 0) return [];
    const known = new Set<number>();
    for (const [rowNumber, state] of this.rowsInWrite) {
      if (!state.failure) continue;
      known.add(rowNumber);
      this.emitRow(state);
    }
    for (const row of known) this.rowsInWrite.delete(row);
    for (const [id, row] of this.rowOfRecord) if (known.has(row)) this.rowOfRecord.delete(id);
    const jobs = this.unsettledJobs.map(({ jobId, objectName, ids }) => ({
      jobId,
      objectName,
      records: ids
        .filter((id) => this.rowOfRecord.has(id))
        .map((id) => ({ id, row: this.rowOfRecord.get(id)! }))
    }));
    this.unsettledJobs.length = 0;
    return jobs;
  }

  private settle(result: WriteResult): void {
    const rowNumber = this.rowOfRecord.get(result.id);
    if (rowNumber === undefined) return;
    this.rowOfRecord.delete(result.id);
    const state = this.rowsInWrite.get(rowNumber)!;
    state.pending -= 1;
    if (result.ok) this.written += 1;
    else if (!state.failure)
      state.failure = { statusCode: result.statusCode, message: result.message, id: result.id };
    if (state.pending > 0) return;
    this.rowsInWrite.delete(rowNumber);
    this.emitRow(state);
  }

  /** The row's outcome once its records are settled: failed with its first error, else updated. */
  private emitRow(state: RowInWrite): void {
    if (state.failure) {
      this.tally.emit(state.row, state.key, 'failed', {
        recordIds: state.recordIds,
        statusCode: state.failure.statusCode,
        reason: `${state.failure.id}: ${state.failure.statusCode}: ${state.failure.message}`
      });
    } else this.tally.emit(state.row, state.key, 'updated', { recordIds: state.recordIds });
  }
}
