/**
 * The benchmark's data, derived from row numbers so every figure can be recomputed: an org of Leads and a
 * report against it — 1 % of rows match nothing, 0.5 % match two Leads, a scenario's share carry values
 * that differ from the org's; the rest are already in sync.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export const BENCH_HEADER = ['Email', 'Last Login', 'Logins Last 30 Days'];
const BASE_LOGIN = Date.UTC(2026, 9, 1);

export interface BenchShape {
  reportRows: number;
  /** Leads in the org (one per matched row, one twin per ambiguous row, the rest match nothing). */
  leads: number;
  /** Share of the matched rows whose values differ from the org's (default 10 %). */
  changedShare?: number;
}

export const UNMATCHED_SHARE = 0.01;
export const AMBIGUOUS_SHARE = 0.005;

export type RowKind = 'unmatched' | 'ambiguous' | 'changed' | 'same';

const DEFAULT_CHANGED_SHARE = 0.1;

/** What row `i` of the daily report is (changed rows spread evenly at `changedShare`). */
export function rowKind(i: number, dailyRows: number, changedShare = DEFAULT_CHANGED_SHARE): RowKind {
  if (i >= dailyRows) return 'unmatched';
  if (i < dailyRows * UNMATCHED_SHARE) return 'unmatched';
  if (i < dailyRows * (UNMATCHED_SHARE + AMBIGUOUS_SHARE)) return 'ambiguous';
  return Math.floor((i + 1) * changedShare) > Math.floor(i * changedShare) ? 'changed' : 'same';
}

const emailOf = (i: number, dailyRows: number) =>
  rowKind(i, dailyRows) === 'unmatched' ? `nobody.${i}@bench.example` : `lead.${i}@bench.example`;
const loginOf = (i: number) => new Date(BASE_LOGIN + i * 60_000).toISOString();

/** The org's Leads, in batches for `load`: row-matching Leads, twins for ambiguous rows, then filler. */
export function* benchLeads(
  shape: BenchShape,
  batchSize = 10_000
): Generator<Array<Record<string, unknown>>> {
  let batch: Array<Record<string, unknown>> = [];
  let made = 0;
  const push = (lead: Record<string, unknown>) => {
    batch.push({ LastName: 'Bench', Company: 'Bench Co', ...lead });
    made += 1;
  };
  for (let i = 0; i < shape.reportRows && made < shape.leads; i += 1) {
    const kind = rowKind(i, shape.reportRows, shape.changedShare);
    if (kind === 'unmatched') continue;
    const values = {
      Email: emailOf(i, shape.reportRows),
      WalkMe_Last_Login__c: loginOf(i),
      WalkMe_Logins_Last_30_Days__c: loginsInOrg(i)
    };
    push(values);
    if (kind === 'ambiguous') push({ ...values, Email: values.Email.toUpperCase() });
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  for (let j = 0; made < shape.leads; j += 1) {
    push({ Email: `filler.${j}@bench.example` });
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** The logins the org holds for row `i` (the report says one more when the row is changed). */
export const loginsInOrg = (i: number) => i % 30;

/** Writes the report as CSV: `dailyRows` rows shaped as above, then unmatched rows up to `totalRows`. */
export async function writeBenchReport(
  path: string,
  dailyRows: number,
  totalRows = dailyRows,
  changedShare = DEFAULT_CHANGED_SHARE
): Promise<void> {
  const out = createWriteStream(path);
  out.write(`${BENCH_HEADER.join(',')}\n`);
  for (let i = 0; i < totalRows; i += 1) {
    const logins = rowKind(i, dailyRows, changedShare) === 'changed' ? loginsInOrg(i) + 1 : loginsInOrg(i);
    if (!out.write(`${emailOf(i, dailyRows)},${loginOf(i)},${logins}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** The keys of rows that reach the matching step (all of them: the report has no empty or duplicate key). */
export function* benchKeys(totalRows: number, dailyRows: number): Generator<string> {
  for (let i = 0; i < totalRows; i += 1) yield emailOf(i, dailyRows);
}

export function countKinds(
  totalRows: number,
  dailyRows: number,
  changedShare = DEFAULT_CHANGED_SHARE
): Record<RowKind, number> {
  const counts: Record<RowKind, number> = { unmatched: 0, ambiguous: 0, changed: 0, same: 0 };
  for (let i = 0; i < totalRows; i += 1) counts[rowKind(i, dailyRows, changedShare)] += 1;
  return counts;
}

/** The report rows that the run changes, as `[row number, email]` (the bench puts them back between runs). */
export function* changedRows(dailyRows: number, changedShare: number): Generator<[number, string]> {
  for (let i = 0; i < dailyRows; i += 1) {
    if (rowKind(i, dailyRows, changedShare) === 'changed') yield [i, emailOf(i, dailyRows)];
  }
}
