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
  /** Bulk jobs still running at the poll timeout, with the records (and rows) they hold. */
  readonly pendingJobs: PendingBulkJob[] = [];

  constructor(private readonly tally: OutcomeTally) {}

  add(row: number, key: string, recordIds: string[], writes: RecordWrite[]): void {
    this.rowsInWrite.set(row, { row, key, recordIds, pending: writes.length });
    for (const { objectName, item } of writes) {
      this.rowOfRecord.set(item.id, row);
      const list = this.itemsByObject.get(objectName);
      if (list) list.push(item);
      else this.itemsByObject.set(objectName, [item]);
      this.size += 1;
    }
  }

  /** Writes every queued record; `onResult` follows progress. */
  async writeAll(org: TargetOrg, settings: WriteSettings, log: RunLog, onResult: () => void): Promise<void> {
    for (const [objectName, items] of this.itemsByObject) {
      log.note(
        `Writing ${items.length} ${objectName} records with ${settings.bulk ? 'one Bulk API 2.0 job' : 'sObject Collections'}.`
      );
      const settle = (result: WriteResult) => {
        this.settle(result);
        onResult();
      };
      if (settings.bulk) {
        const { pendingJobId } = await org.updateWithBulkIngest(
          objectName,
          items,
          settings.bulkPolling,
          settle
        );
        if (pendingJobId) {
          const records = items
            .filter((item) => this.rowOfRecord.has(item.id))
            .map((item) => ({ id: item.id, row: this.rowOfRecord.get(item.id)! }));
          this.pendingJobs.push({ jobId: pendingJobId, objectName, records });
        }
      } else {
        await org.updateWithCollections(objectName, items, settings.collections, settle);
      }
    }
    this.itemsByObject.clear();
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
    if (state.failure) {
      this.tally.emit(state.row, state.key, 'failed', {
        recordIds: state.recordIds,
        statusCode: state.failure.statusCode,
        reason: `${state.failure.id}: ${state.failure.statusCode}: ${state.failure.message}`
      });
    } else this.tally.emit(state.row, state.key, 'updated', { recordIds: state.recordIds });
  }
}
