/**
 * The mass-change guard (domain/integration.ts `MassChangeGuard`): before anything is written, a report far
 * smaller than the last successful run's, or a run that would clear a field on a large share of the records it
 * matched, stops the run. A daily sync's worst day is an export glitch — a truncated file, a column empty
 * for everyone — and without the guard it wipes Salesforce data in one run (field-lessons.md).
 */
import { RunFailure } from '../domain/errors.js';
import { MIN_GUARDED_CLEARS, type IntegrationDefinition } from '../domain/integration.js';
import type { FieldChange } from '../domain/run-result.js';
import type { RunLog } from './run-log.js';

export class MassChangeCheck {
  private matchedRecords = 0;
  /** Values each field would lose: set empty, or a ticked checkbox unticked. */
  private readonly clears = new Map<string, number>();

  constructor(
    private readonly integration: IntegrationDefinition,
    private readonly log: RunLog
  ) {}

  /** Whether the run may go on past a problem the guard found (the integration's switch is on). */
  private enforce(problem: string | undefined): void {
    if (!problem) return;
    if (!this.integration.guard.allowOnce) throw new RunFailure('mass-change', problem);
    this.log.note(`${problem} "Allow Large Changes Once" is ticked: the run goes on.`);
  }

  /** Before any row is matched: the report's size against the last successful run's. */
  checkRowCount(reportName: string, rows: number): void {
    const last = this.integration.lastSuccessfulRows ?? 0;
    const percent = this.integration.guard.minReportRowsPercent;
    if (last === 0 || rows * 100 >= last * percent) return;
    this.enforce(
      `The report "${reportName}" has ${rows} rows, under ${percent} % of the ${last} rows of the last successful run: a truncated or partial export? Nothing was written.`
    );
  }

  /** A row's records that are to be written (or would be, on a dry run). */
  countRecords(records: number): void {
    this.matchedRecords += records;
  }

  /** One field of one record that would change. */
  countChange = (change: FieldChange): void => {
    const before = change.before === true || change.before === 'true';
    if (change.after !== null && !(change.after === false && before)) return;
    this.clears.set(change.field, (this.clears.get(change.field) ?? 0) + 1);
  };

  /** Before the write: no field may lose its value on more than the set share of the matched records. */
  checkClears(): void {
    const percent = this.integration.guard.maxClearedPercent;
    for (const [field, cleared] of this.clears) {
      if (cleared < MIN_GUARDED_CLEARS || cleared * 100 <= this.matchedRecords * percent) continue;
      const share = Math.round((cleared * 100) / this.matchedRecords);
      this.enforce(
        `The run would clear ${field} on ${cleared} of the ${this.matchedRecords} records it matched (${share} %, more than ${percent} %): the report's column is blank for them. Nothing was written.`
      );
      return;
    }
  }
}
