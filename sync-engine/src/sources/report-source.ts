/**
 * Where report rows come from. The pipeline depends only on this interface; the adapters are a CSV folder
 * or URL (`csv-source.ts`), WalkMe's scheduled export drops in S3, GCS or Azure Blob (`drops/`), and the
 * Insights API (`insights-api-source.ts`); `REPORTS_SOURCE` chooses (`report-source-url.ts`).
 *
 * Shape:
 * - `listReports()` → every report the source holds, with columns and inferred types;
 *   `integrationReports()` keeps the ones tagged `integrations_salesforce` (the only ones offered).
 * - `getReport(id)` → one report, or a `ReportNotFoundError` naming the id.
 * - `readRows(id)` → a `ReportRowStream`: the validated header first (`stream.header`, available before any
 *   row is read, so the pipeline can check its key and mapped columns), then the rows, streamed with
 *   backpressure — never the whole report in memory. Iterate it once; the loop's end (or a `break`)
 *   releases the file or connection, and `close()` does so for a stream that will not be iterated.
 * - A row whose cell count differs from the header's, or whose text is not valid UTF-8, is yielded with
 *   `error` set (and the cells it had; an invalid byte sequence shows as U+FFFD there, for people to read,
 *   never to be written), so the pipeline can count it as invalid: nothing is dropped. A file whose framing
 *   is broken (an unclosed or stray quote) cannot be read on reliably, so iteration throws a
 *   `ReportFormatError` naming the line where the broken record started. A file that is not UTF-8 text
 *   (binary, an archive, UTF-16) fails with a `ReportFormatError` saying so, before any row.
 */
import type { ColumnType } from '../domain/integration.js';

/** The tag that makes a report available to integrations. */
export const INTEGRATION_TAG = 'integrations_salesforce';

export interface ReportColumn {
  name: string;
  type: ColumnType;
}

export interface ReportInfo {
  id: string;
  name: string;
  tags: string[];
  walkMeEnvironment: string;
  columns: ReportColumn[];
  /** Known when the source can tell without reading the whole report (the Insights API). */
  rowCount?: number;
  /** The export a drop source reads now (the newest object of the report), when it has one. */
  origin?: ReportOrigin;
}

/** One export of a report: where it is and when it was written. */
export interface ReportOrigin {
  /** e.g. `s3://bucket/prefix/logins-review/2026-12-01.csv`. */
  location: string;
  modifiedAt: Date;
}

/** A time as the run log and the messages show it: ISO 8601, UTC, whole seconds. */
export function exportTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The run log's line naming the export a run reads. */
export function originLine(origin: ReportOrigin): string {
  return `Report read from ${origin.location} (exported ${exportTime(origin.modifiedAt)}).`;
}

export interface ReportRow {
  /** 1-based data row number (the header is row 0). */
  row: number;
  /** 1-based line in the file where the row starts (differs from `row + 1` after quoted newlines). */
  line: number;
  /** Cells keyed by header name; a short row lacks the missing keys. */
  values: Record<string, string>;
  /** Why this row cannot be used as it stands (e.g. wrong cell count); the pipeline marks it invalid. */
  error?: string;
}

export interface ReportRowStream extends AsyncIterable<ReportRow> {
  /** Header names, trimmed, non-empty and unique. */
  header: string[];
  /** Releases the file or connection without reading on (e.g. the header lacks a mapped column). */
  close(): void;
}

export interface ReportSource {
  listReports(): Promise<ReportInfo[]>;
  getReport(reportId: string): Promise<ReportInfo>;
  readRows(reportId: string): Promise<ReportRowStream>;
}

/** Reports offered for integrations: those tagged `integrations_salesforce`. */
export function integrationReports(reports: ReportInfo[]): ReportInfo[] {
  return reports.filter((report) => report.tags.includes(INTEGRATION_TAG));
}

/** Any failure of a report source; the message says what went wrong and where. */
export class ReportSourceError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ReportSourceError';
  }
}

export class ReportNotFoundError extends ReportSourceError {
  constructor(readonly reportId: string) {
    super(`Report "${reportId}" not found`);
    this.name = 'ReportNotFoundError';
  }
}

/** The report could not be fetched (network error, HTTP status, missing file). */
export class ReportUnreachableError extends ReportSourceError {
  constructor(
    message: string,
    readonly location: string,
    readonly status?: number,
    options?: ErrorOptions
  ) {
    super(message, options);
    this.name = 'ReportUnreachableError';
  }
}

/** The report's content is not a usable CSV (empty, bad header, broken quoting). */
export class ReportFormatError extends ReportSourceError {
  constructor(
    message: string,
    readonly line?: number
  ) {
    super(message);
    this.name = 'ReportFormatError';
  }
}

/**
 * The newest export of a report is older than its schedule allows: WalkMe's scheduled export has stopped, and
 * syncing the same rows again would hide it. A run fails rather than read it (a `data` failure, as every
 * source error is; see sync/report-reading.ts).
 */
export class ReportStaleError extends ReportSourceError {
  constructor(
    readonly location: string,
    readonly modifiedAt: Date,
    readonly maxAgeHours: number
  ) {
    super(`the newest export is from ${exportTime(modifiedAt)}: is WalkMe's scheduled export still running?`);
    this.name = 'ReportStaleError';
  }
}
