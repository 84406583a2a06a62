/**
 * Every rejected row counted by reason, kept or not: the rejected-rows file holds at most the cap, but the
 * run record's summary says what all of them were. Reasons are grouped without what is particular to one
 * row (its value, its line, the row a duplicate first appeared on).
 */
import type { ReasonCount, RowOutcome } from '../domain/run-result.js';

/** Distinct reasons kept; past this, rows count under "other reasons" (a report of unique errors stays small). */
const MAX_REASONS = 100;
const OTHER = 'other reasons';

/** The group a rejected row falls in. */
export function rejectionLabel(outcome: Pick<RowOutcome, 'outcome' | 'statusCode' | 'reason'>): string {
  if (outcome.outcome === 'failed') return `failed ${outcome.statusCode ?? ''}`.trim();
  if (outcome.outcome !== 'invalid') return outcome.outcome;
  const reason = (outcome.reason ?? '')
    .replace(/ value "[^"]*"/, '')
    .replace(/ \(first on row \d+\)/, '')
    .replace(/\bline \d+/g, 'line …')
    .replace(/\b\d+ characters long\b/, 'too many characters long')
    .slice(0, 160);
  return `invalid: ${reason}`;
}

export class RejectionReasons {
  private readonly rows = new Map<string, number>();

  constructor(counts: ReasonCount[] = []) {
    for (const { reason, rows } of counts) this.rows.set(reason, rows);
  }

  /** Counts `delta` rows (negative to take settled rows back out) under `label`. */
  add(label: string, delta = 1): void {
    const key = this.rows.has(label) || this.rows.size < MAX_REASONS ? label : OTHER;
    const rows = (this.rows.get(key) ?? 0) + delta;
    if (rows > 0) this.rows.set(key, rows);
    else this.rows.delete(key);
  }

  /** Most frequent first: what an admin fixes first. */
  list(): ReasonCount[] {
    return [...this.rows.entries()]
      .map(([reason, rows]) => ({ reason, rows }))
      .sort((a, b) => b.rows - a.rows || a.reason.localeCompare(b.reason));
  }
}
