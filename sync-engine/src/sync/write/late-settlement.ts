/**
 * Rows whose records a Bulk API job still held when the run's poll timeout passed: the run reports them
 * failed, "outcome not known yet" (never written before Salesforce says so), and once the job ends, its
 * outcomes settle them in the run's result: updated, or failed with Salesforce's reason.
 */
import type { PendingBulkJob, RunResult } from '../../domain/run-result.js';
import type { WriteResult } from '../target-org.js';

export const BULK_JOB_PENDING = 'BULK_JOB_PENDING';
export const PENDING_REASON =
  'outcome not known yet: its Bulk API job was still running at the poll timeout; the engine settles it when the job ends';

/** Applies an ended job's per-record outcomes to the result whose rows waited on it. */
export function settleLateRows(
  result: RunResult,
  job: PendingBulkJob,
  outcomes: Map<string, WriteResult>
): { updated: number; failed: number } {
  const recordsOfRow = new Map<number, string[]>();
  for (const { id, row } of job.records) recordsOfRow.set(row, [...(recordsOfRow.get(row) ?? []), id]);
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
  result.counts.failed += failures.size - recordsOfRow.size;
  result.counts.updated += updated;
  result.pendingBulkJobs = result.pendingBulkJobs?.filter((pending) => pending.jobId !== job.jobId);
  if (!result.pendingBulkJobs?.length) delete result.pendingBulkJobs;
  if (!result.error) {
    result.status = result.counts.failed + result.counts.invalid > 0 ? 'Completed with errors' : 'Completed';
  }
  result.log.push(
    `${new Date().toISOString()} Bulk API job ${job.jobId} ended: ${updated} rows updated, ${failures.size} failed.`
  );
  return { updated, failed: failures.size };
}
