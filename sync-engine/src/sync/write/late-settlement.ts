/**
 * Rows whose records Bulk API jobs still held when the run ended (a poll timeout, the engine stopping): the
 * run reports them failed, "outcome not known yet" (never written before Salesforce says so), and once every
 * one of the run's jobs has ended, their outcomes settle those rows in the run's result: updated, or failed
 * with Salesforce's reason. A row writing to two objects (a Lead and its Contact) is settled once, from both.
 */
import type { PendingBulkJob, RunResult } from '../../domain/run-result.js';
import type { WriteResult } from '../target-org.js';
import { RejectionReasons, rejectionLabel } from '../rejection-reasons.js';

export const BULK_JOB_PENDING = 'BULK_JOB_PENDING';
export const PENDING_REASON =
  'outcome not known yet: its Bulk API job had not ended when the run did; the engine settles it when the job ends';

/** Applies the per-record outcomes of all of the result's ended jobs to the rows that waited on them. */
export function settleLateRows(
  result: RunResult,
  outcomes: Map<string, WriteResult>
): { updated: number; failed: number } {
  const jobs: PendingBulkJob[] = result.pendingBulkJobs ?? [];
  const recordsOfRow = new Map<number, string[]>();
  for (const { id, row } of jobs.flatMap((job) => job.records)) {
    recordsOfRow.set(row, [...(recordsOfRow.get(row) ?? []), id]);
  }
  const failures = new Map<number, { statusCode: string; reason: string }>();
  for (const [row, ids] of recordsOfRow) {
    const failed = ids.map((id) => outcomes.get(id)).find((outcome) => outcome && !outcome.ok);
    if (failed && !failed.ok) {
      failures.set(row, {
        statusCode: failed.statusCode,
        reason: `${failed.id}: ${failed.statusCode}: ${failed.message}`
      });
    }
  }
  const updated = recordsOfRow.size - failures.size;
  const keptRows = new Set<number>();
  result.rejected = result.rejected.flatMap((outcome) => {
    if (!recordsOfRow.has(outcome.row) || outcome.statusCode !== BULK_JOB_PENDING) return [outcome];
    keptRows.add(outcome.row);
    const failure = failures.get(outcome.row);
    return failure ? [{ ...outcome, ...failure }] : [];
  });
  // Rows beyond the rejected cap were counted, not kept: the ones now updated leave the omitted count.
  const omittedNowUpdated = [...recordsOfRow.keys()].filter(
    (row) => !keptRows.has(row) && !failures.has(row)
  );
  result.rejectedOmitted = Math.max(0, result.rejectedOmitted - omittedNowUpdated.length);
  const reasons = new RejectionReasons(result.rejectedByReason);
  reasons.add(rejectionLabel({ outcome: 'failed', statusCode: BULK_JOB_PENDING }), -recordsOfRow.size);
  for (const failure of failures.values()) reasons.add(rejectionLabel({ outcome: 'failed', ...failure }));
  result.rejectedByReason = reasons.list();
  result.counts.failed += failures.size - recordsOfRow.size;
  result.counts.updated += updated;
  delete result.pendingBulkJobs;
  if (!result.error) {
    result.status = result.counts.failed + result.counts.invalid > 0 ? 'Completed with errors' : 'Completed';
  }
  result.log.push(
    `${new Date().toISOString()} Bulk API job${jobs.length > 1 ? 's' : ''} ${jobs.map((job) => job.jobId).join(', ')} ended: ${updated} rows updated, ${failures.size} failed.`
  );
  return { updated, failed: failures.size };
}
