/**
 * Step 7 of a run: the changed records of every row, queued until the report is matched (write-spool.ts keeps
 * them, past a bound in a file), then written per object with sObject Collections, which take the rows as
 * their calls go out, or Bulk API 2.0 ingest jobs, which stream each object's records as CSV. Each record's
 * result is mapped back to its row; a row is `updated` when all its records were written, else `failed` with
 * its first error. Only the rows whose records are in flight keep state on the heap.
 */
import type {
  BulkJobOutcome,
  BulkPolling,
  CollectionsOptions,
  RecordFailure,
  RecordWrite,
  TargetOrg,
  WriteResult
} from '../target-org.js';
import type { OutcomeTally } from '../outcome-tally.js';
import type { PendingBulkJob } from '../../domain/run-result.js';
import type { RunLog } from '../run-log.js';
import { MAX_BULK_UPLOAD_BYTES } from '../../domain/salesforce-limits.js';
import { ReportKeyRegistry } from '../match/report-keys.js';
import { BULK_JOB_PENDING, PENDING_REASON } from './late-settlement.js';
import { RECORDS_IN_MEMORY, WriteSpool, type SpooledRow } from './write-spool.js';

/** A row whose records are being written. */
interface RowInWrite {
  row: number;
  key: string;
  recordIds: string[];
  pending: number;
  failure?: RecordFailure & { id: string };
}

export interface WriteSettings {
  bulk: boolean;
  bulkPolling: BulkPolling;
  collections: CollectionsOptions;
}

/** Where each of an object's records went: its jobs in upload order, and how far the reading has got. */
class JobCursor {
  private job = 0;
  private end: number;
  private seen = 0;

  constructor(private readonly outcomes: BulkJobOutcome[]) {
    this.end = outcomes[0]?.records ?? 0;
  }

  /** The job of the object's next record (undefined: the writer answered for fewer records). */
  next(): BulkJobOutcome | undefined {
    while (this.seen >= this.end && this.job < this.outcomes.length) {
      this.job += 1;
      this.end += this.outcomes[this.job]?.records ?? 0;
    }
    this.seen += 1;
    return this.outcomes[this.job];
  }
}

/** A record the writer gave no result for: a defect, shown as one. */
const noResult = (id: string): RecordFailure => ({
  statusCode: 'ENGINE_ERROR',
  message: `internal error: no result came back for record ${id}`
});

export class WriteQueue {
  private readonly spool: WriteSpool;
  /** Every record queued (a record is written once a run), with the row that queued it. */
  private readonly queuedIds = new ReportKeyRegistry();
  /** The rows whose records are in flight, and their records. */
  private readonly rowsInWrite = new Map<number, RowInWrite>();
  private readonly rowOfRecord = new Map<string, number>();
  /** The queued rows not yet handed to a writer: from here on, none is settled. */
  private unsent: Iterator<SpooledRow> | undefined;
  /** Records queued. */
  size = 0;
  /** Records written so far. */
  written = 0;
  /** Bulk jobs left running, with the records of the rows waiting on them. */
  private pendingJobs: PendingBulkJob[] = [];

  constructor(
    private readonly tally: OutcomeTally,
    recordsInMemory = RECORDS_IN_MEMORY
  ) {
    this.spool = new WriteSpool(recordsInMemory);
  }

  /**
   * Queues a row's records. A record already queued (by this row or another) cannot be written twice in one
   * call: the row fails at once, "internal error", rather than leave an outcome missing.
   */
  add(row: number, key: string, recordIds: string[], writes: RecordWrite[]): void {
    const ids = writes.map(({ item }) => item.id);
    const twice = ids.find((id, i) => this.queuedIds.firstRow(id) !== undefined || ids.indexOf(id) !== i);
    if (twice) {
      const other = this.queuedIds.firstRow(twice);
      const where = other === undefined ? 'twice by this row' : `from row ${other} already`;
      this.tally.emit(row, key, 'failed', {
        recordIds,
        statusCode: 'ENGINE_ERROR',
        reason: `internal error: record ${twice} is written ${where}; nothing was written for this row`
      });
      return;
    }
    for (const id of ids) this.queuedIds.claim(id, row);
    this.tally.handOver(row);
    this.spool.add({ row, key, recordIds, writes });
    this.size += writes.length;
  }

  /**
   * Writes every queued record; `onResult` follows progress. A Bulk ingest job takes one object, so each object
   * has its own; sObject Collections take records of several objects in one call ("The list can contain objects
   * of different types": REST API Developer Guide, "Update Records Using sObject Collections"), so the rows go
   * in queue order, in as few calls as their records need.
   */
  async writeAll(org: TargetOrg, settings: WriteSettings, log: RunLog, onResult: () => void): Promise<void> {
    if (this.spool.spilledBytes > 0) {
      const megabytes = (this.spool.spilledBytes / 1e6).toFixed(1);
      log.note(
        `${this.size} records waited for their write, ${this.spool.spilledRecords} of them in a temporary file (${megabytes} MB) the run removes.`
      );
    }
    if (settings.bulk) {
      const jobs = new Map<string, BulkJobOutcome[]>();
      for (const [objectName, { records, fields }] of this.spool.objects) {
        log.note(`Writing ${records} ${objectName} records with Bulk API 2.0.`);
        const outcomes = await org.updateWithBulkIngest(
          objectName,
          { columns: [...fields], items: this.spool.records(objectName) },
          settings.bulkPolling
        );
        if (outcomes.length > 1)
          log.note(
            `The ${objectName} records went in ${outcomes.length} jobs: a job's upload holds at most 100 MB.`
          );
        jobs.set(objectName, outcomes);
      }
      this.settleBulk(jobs, onResult);
      return;
    }
    const counts = [...this.spool.objects].map(([objectName, { records }]) => `${records} ${objectName}`);
    const perCall = settings.collections.perCall;
    log.note(
      `Writing ${counts.join(' and ')} records with sObject Collections${perCall > 1 ? `, ${perCall} to a composite call` : ''}.`
    );
    await org.updateWithCollections(this.sendRows(), settings.collections, (result) => {
      this.settle(result);
      onResult();
    });
    this.settleMissing();
  }

  /**
   * When the run stops early: every row still waiting (its records in flight, or not yet sent) ends `failed`
   * with `reason`, so the counts still add up.
   */
  failUnsettled(reason: string, statusCode: string): void {
    for (const state of this.rowsInWrite.values()) {
      this.tally.emit(state.row, state.key, 'failed', { recordIds: state.recordIds, statusCode, reason });
    }
    this.rowsInWrite.clear();
    this.rowOfRecord.clear();
    for (const { row, key, recordIds } of this.unsentRows()) {
      this.tally.emit(row, key, 'failed', { recordIds, statusCode, reason });
    }
  }

  /**
   * The Bulk ingest jobs the queued records need: one per object (a job takes one), and one more for each
   * further 100 MB of its CSV ("Upload Job Data").
   */
  get ingestJobs(): number {
    let jobs = 0;
    for (const { csvBytes } of this.spool.objects.values())
      jobs += Math.max(1, Math.ceil(csvBytes / MAX_BULK_UPLOAD_BYTES));
    return jobs;
  }

  /** The Bulk jobs left running, with the records of the rows still waiting on them. */
  takePendingJobs(): PendingBulkJob[] {
    const jobs = this.pendingJobs;
    this.pendingJobs = [];
    return jobs;
  }

  /** Removes the spool's file; the queue is done. */
  discard(): void {
    this.spool.discard();
  }

  /** The queued rows not yet taken, each taken as it is yielded (leaving a loop early keeps the rest). */
  private *unsentRows(): Generator<SpooledRow> {
    this.unsent ??= this.spool.rows();
    for (let next = this.unsent.next(); !next.done; next = this.unsent.next()) yield next.value;
  }

  /** The queued rows' records, each row put in flight as the writer reaches it. */
  private *sendRows(): Generator<RecordWrite> {
    for (const { row, key, recordIds, writes } of this.unsentRows()) {
      this.rowsInWrite.set(row, { row, key, recordIds, pending: writes.length });
      for (const write of writes) this.rowOfRecord.set(write.item.id, row);
      yield* writes;
    }
  }

  /**
   * Each row's outcome from its records' jobs, the queue read again in order: failed with its first failed
   * record, else waiting on a job still running ("outcome not known yet", and the job keeps its records for
   * later), else updated.
   */
  private settleBulk(jobs: Map<string, BulkJobOutcome[]>, onResult: () => void): void {
    const cursors = new Map([...jobs].map(([objectName, outcomes]) => [objectName, new JobCursor(outcomes)]));
    const pending = new Map<string, PendingBulkJob>();
    for (const { row, key, recordIds, writes } of this.unsentRows()) {
      let failure: RowInWrite['failure'];
      const waiting: Array<Omit<PendingBulkJob, 'records'> & { id: string }> = [];
      for (const { objectName, item } of writes) {
        const job = cursors.get(objectName)?.next();
        if (job?.state === 'running') {
          waiting.push({ jobId: job.jobId, objectName, uploaded: job.records, id: item.id });
          continue;
        }
        const refused = !job
          ? noResult(item.id)
          : job.state === 'refused'
            ? job.failure
            : job.failures.get(item.id);
        if (refused) failure ??= { ...refused, id: item.id };
        else {
          this.written += 1;
          onResult();
        }
      }
      // A row failed on one record is settled now, whatever a running job does with its others.
      if (failure || waiting.length === 0) {
        this.emitRow({ row, key, recordIds, pending: 0, failure });
        continue;
      }
      for (const { id, ...job } of waiting) {
        const held = pending.get(job.jobId) ?? { ...job, records: [] };
        pending.set(job.jobId, held);
        held.records.push({ id, row });
      }
      this.tally.emit(row, key, 'failed', {
        recordIds,
        statusCode: BULK_JOB_PENDING,
        reason: PENDING_REASON
      });
    }
    this.pendingJobs = [...pending.values()];
  }

  /**
   * Records Salesforce answered nothing for, and rows the writer never took: their rows fail, "internal error",
   * so every row keeps one outcome.
   */
  private settleMissing(): void {
    for (const untaken = this.sendRows(); !untaken.next().done;);
    for (const id of [...this.rowOfRecord.keys()]) this.settle({ id, ok: false, ...noResult(id) });
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
