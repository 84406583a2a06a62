/**
 * Column type inference from a header name and a sample of values. Deterministic: the same name and
 * values always give the same type. A type wins when at least 90 % of the non-blank sampled values fit it,
 * so a few malformed cells (`n/a` in a number column) do not turn a column into text.
 */
import type { ColumnType } from '../domain/integration.js';
import type { ReportColumn, ReportRowStream } from './report-source.js';

/** Rows sampled per report by default. */
export const DEFAULT_SAMPLE_SIZE = 200;

const SHARE_NEEDED = 0.9;

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const PERCENT_VALUE = /^[+-]?(\d+(\.\d*)?|\.\d+)\s?%$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const BOOLEAN = /^(true|false|yes|no)$/i;

function isCalendarDate(year: string, month: string, day: string): boolean {
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day);
}

function isDate(value: string): boolean {
  const match = DATE.exec(value);
  return match !== null && isCalendarDate(match[1], match[2], match[3]);
}

function isDatetime(value: string): boolean {
  const match = DATETIME.exec(value);
  return match !== null && isCalendarDate(match[1], match[2], match[3]) && !Number.isNaN(Date.parse(value));
}

function nameSaysPercent(name: string): boolean {
  return name.includes('%') || /\bpercent(age)?\b/i.test(name);
}

function nameSaysEmail(name: string): boolean {
  return /\be-?mail\b/i.test(name);
}

/** The type of a column named `name` holding `values` (a sample; blanks are ignored). */
export function inferColumnType(name: string, values: Iterable<string>): ColumnType {
  const sample = [...values].map((value) => value.trim()).filter((value) => value !== '');
  if (sample.length === 0) {
    return nameSaysPercent(name) ? 'percent' : nameSaysEmail(name) ? 'email' : 'string';
  }
  const share = (test: (value: string) => boolean) =>
    sample.filter(test).length / sample.length >= SHARE_NEEDED;

  if (share((value) => PERCENT_VALUE.test(value))) return 'percent';
  if (share((value) => NUMBER.test(value) || PERCENT_VALUE.test(value))) {
    return nameSaysPercent(name) ? 'percent' : 'number';
  }
  if (share(isDate)) return 'date';
  // A column mixing plain dates and date-times is a date-time column.
  if (share((value) => isDatetime(value) || isDate(value))) return 'datetime';
  if (share((value) => BOOLEAN.test(value))) return 'boolean';
  if (share((value) => EMAIL.test(value))) return 'email';
  return 'string';
}

/**
 * Columns with types inferred from the first `sampleSize` rows of `stream`; stops reading there (the
 * loop's exit releases the rest of the stream). Rows flagged with an error still contribute their cells.
 */
export async function inferReportColumns(
  stream: ReportRowStream,
  sampleSize = DEFAULT_SAMPLE_SIZE
): Promise<ReportColumn[]> {
  const samples = new Map<string, string[]>(stream.header.map((name) => [name, []]));
  let read = 0;
  for await (const { values } of stream) {
    for (const [name, value] of Object.entries(values)) samples.get(name)?.push(value);
    read += 1;
    if (read >= sampleSize) break;
  }
  return stream.header.map((name) => ({ name, type: inferColumnType(name, samples.get(name) ?? []) }));
}
