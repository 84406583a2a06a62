/**
 * Bulk API 2.0's CSV on both sides: the job data an ingest job receives, and the result files (every
 * value quoted, as Salesforce writes them), in the job's column delimiter and line ending.
 * (Bulk API 2.0 Developer Guide, "Prepare CSV Files" and "Get Job Successful / Failed Record Results".)
 */
import { parse } from 'csv-parse/sync';
import type { FieldDescribe, RecordError } from './org-context.js';

export const COLUMN_DELIMITERS = {
  BACKQUOTE: '`',
  CARET: '^',
  COMMA: ',',
  PIPE: '|',
  SEMICOLON: ';',
  TAB: '\t'
} as const;
export type ColumnDelimiter = keyof typeof COLUMN_DELIMITERS;

export const LINE_ENDINGS = { LF: '\n', CRLF: '\r\n' } as const;
export type LineEnding = keyof typeof LINE_ENDINGS;

export interface CsvFormat {
  columnDelimiter: ColumnDelimiter;
  lineEnding: LineEnding;
}

/** Parses job data into its header and rows; throws the parser's error on malformed CSV. */
export function parseJobData(text: string, format: CsvFormat): { header: string[]; rows: string[][] } {
  const lines: string[][] = parse(text, {
    delimiter: COLUMN_DELIMITERS[format.columnDelimiter],
    bom: true,
    skip_empty_lines: true
  });
  const [header = [], ...rows] = lines;
  return { header, rows };
}

function quote(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}

/**
 * A CSV file in the job's format: the `quoted` header cells, then the `asIs` ones (a result file repeats
 * the job's header as uploaded: `"sf__Id","sf__Error",Id,Email`), then every row with each value quoted.
 */
export function csvFile(
  format: CsvFormat,
  quoted: string[],
  asIs: string[],
  rows: Iterable<string[]>
): string {
  const delimiter = COLUMN_DELIMITERS[format.columnDelimiter];
  const eol = LINE_ENDINGS[format.lineEnding];
  const lines = [[...quoted.map(quote), ...asIs].join(delimiter)];
  for (const row of rows) lines.push(row.map(quote).join(delimiter));
  return lines.join(eol) + eol;
}

/** `CODE:message:Field1,Field2 --`, or `CODE:message:--` when the error names no field. */
export function errorCell(errors: RecordError[]): string {
  return errors
    .map(
      ({ statusCode, message, fields }) =>
        `${statusCode}:${message}:${fields.length ? `${fields.join(',')} ` : ''}--`
    )
    .join(' ');
}

const NUMERIC_TYPES = new Set(['int', 'double', 'currency', 'percent', 'long']);
const NUMBER_SHAPE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A CSV cell as the JSON value the data API takes, by the field's type. `undefined` leaves the field
 * unchanged (an empty cell); `#N/A` sets it to null. A cell that does not fit the type is passed on as
 * text, so the data API rejects it with the same per-record error as a REST write.
 */
export function cellValue(field: FieldDescribe, cell: string): unknown {
  if (cell === '') return undefined;
  if (cell === '#N/A') return null;
  if (field.type === 'boolean') {
    const lower = cell.toLowerCase();
    if (lower === 'true' || lower === '1') return true;
    if (lower === 'false' || lower === '0') return false;
    return cell;
  }
  if (NUMERIC_TYPES.has(field.type) && NUMBER_SHAPE.test(cell.trim())) return Number(cell.trim());
  return cell;
}

/** A query result value as Bulk API 2.0 writes it. */
export function queryCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  // REST answers datetimes as `…000+0000`; the Bulk CSV writes them with `Z`. [unverified]
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/.test(value)) {
    return `${value.slice(0, -5)}Z`;
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
