/**
 * Every row's one outcome: counted, handed to the caller's `onOutcome`, and kept (up to a cap) when the
 * row was rejected. The counts must add up to the rows read.
 */
import {
  noRows,
  type ReasonCount,
  type RowCounts,
  type RowOutcome,
  type RowOutcomeKind,
  type RunStatus
} from '../domain/run-result.js';
import { RejectionReasons, rejectionLabel } from './rejection-reasons.js';

export class OutcomeTally {
  readonly counts: RowCounts = noRows();
  private readonly rejected: RowOutcome[] = [];
  private rejectedOmitted = 0;
  private readonly reasons = new RejectionReasons();
  /** Rows read and not yet given an outcome nor handed over to the write queue, by row number: their keys. */
  private readonly unsettled = new Map<number, string>();

  constructor(
    private readonly rejectedCap: number,
    private readonly onOutcome?: (outcome: RowOutcome) => void
  ) {}

  /** A row was read; it owes an outcome. */
  read(row: number, key: string): void {
    this.counts.read += 1;
    this.unsettled.set(row, key);
  }

  /** The write queue answers for the row now (it keeps the row until its records are written). */
  handOver(row: number): void {
    this.unsettled.delete(row);
  }

  emit(row: number, key: string, outcome: RowOutcomeKind, extra: Partial<RowOutcome> = {}): void {
    const result: RowOutcome = { row, key, outcome, recordIds: extra.recordIds ?? [], ...extra };
    this.unsettled.delete(row);
    this.counts[outcome] += 1;
    this.onOutcome?.(result);
    if (outcome === 'updated' || outcome === 'unchanged') return;
    this.reasons.add(rejectionLabel(result));
    if (this.rejected.length < this.rejectedCap) this.rejected.push(result);
    else this.rejectedOmitted += 1;
  }

  /**
   * When the run stops early: every row read and not settled (in the batch being matched) ends `failed` with
   * `reason`, so the counts still add up. The write queue fails its own rows.
   */
  failUnsettled(reason: string, statusCode: string): void {
    for (const [row, key] of [...this.unsettled]) this.emit(row, key, 'failed', { statusCode, reason });
  }

  /** A bug, not a data problem: the run fails loudly rather than report figures that do not add up. */
  invariantError(): string | undefined {
    const { read, updated, unchanged, unmatched, ambiguous, invalid, failed } = this.counts;
    const total = updated + unchanged + unmatched + ambiguous + invalid + failed;
    return total === read ? undefined : `Internal error: ${total} outcomes for ${read} rows read.`;
  }

  status(error: string | undefined): RunStatus {
    if (error) return 'Failed';
    return this.counts.failed + this.counts.invalid > 0 ? 'Completed with errors' : 'Completed';
  }

  /** The rejected rows in row order: invalid rows are settled as read, the others after their batch. */
  rejectedRows(): { rejected: RowOutcome[]; rejectedOmitted: number; rejectedByReason: ReasonCount[] } {
    return {
      rejected: this.rejected.sort((a, b) => a.row - b.row),
      rejectedOmitted: this.rejectedOmitted,
      rejectedByReason: this.reasons.list()
    };
  }
}
