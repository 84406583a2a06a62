/** The run's human-readable log: timestamped lines, returned with the result and kept on the run record. */
import type { RowCounts, RunStatus } from '../domain/run-result.js';

export class RunLog {
  readonly lines: string[] = [];

  note(line: string): void {
    this.lines.push(`${new Date().toISOString()} ${line}`);
  }

  /** The closing line: the status and every count. */
  summary(status: RunStatus, counts: RowCounts, dryRun: boolean): void {
    this.note(
      `${status}: ${counts.read} read, ${counts.updated} ${dryRun ? 'would be updated' : 'updated'}, ` +
        `${counts.unchanged} unchanged, ${counts.unmatched} unmatched, ${counts.ambiguous} ambiguous, ` +
        `${counts.invalid} invalid, ${counts.failed} failed.`
    );
  }
}
