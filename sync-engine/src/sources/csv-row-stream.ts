/**
 * A CSV byte stream as a `ReportRowStream`: the header is read and validated up front, then rows are
 * parsed as they are consumed (csv-parse applies backpressure, so memory stays bounded whatever the size).
 * The bytes are checked first (`utf8-text-check.ts`): a file that is not UTF-8 text fails the read, and a
 * row with an invalid sequence is yielded with `error` set. Parse errors name the line where the broken
 * record started. Shared by the CSV source (files, URLs) and the Insights API source (its export is CSV).
 */
import { pipeline, type Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import {
  ReportFormatError,
  ReportUnreachableError,
  type ReportRow,
  type ReportRowStream
} from './report-source.js';
import { findInvalidText, showInvalidText, utf8TextCheck } from './utf8-text-check.js';

/** A record longer than this is a broken file (an unclosed quote swallowing the rest), not data. */
const MAX_RECORD_CHARS = 1_048_576;

/** A record's cells, with the line it starts on. */
type ParsedRecord = string[] & { line: number };

/** What csv-parse's errors carry besides the message (its parse info when the error happened). */
type ParseError = CsvError & { empty_lines?: number; column?: number | string | null };

/**
 * The read's failure as the reader should see it; `line` is where the record being parsed started, and
 * `header` (once read) names the column a broken field was in.
 */
function readFailure(location: string, error: unknown, line: number, header?: string[]): Error {
  if (error instanceof CsvError) {
    const { code, column } = error as ParseError;
    const name = typeof column === 'number' && header?.[column] ? ` (column "${header[column]}")` : '';
    if (code === 'CSV_QUOTE_NOT_CLOSED') {
      return new ReportFormatError(
        `${location}: unterminated quoted field starting on line ${line}${name}: its opening quote is never closed`,
        line
      );
    }
    if (code === 'CSV_MAX_RECORD_SIZE') {
      return new ReportFormatError(
        `${location}: the record starting on line ${line} is longer than 1 MiB; most likely a quote opened there${name} is never closed`,
        line
      );
    }
    return new ReportFormatError(`${location}, line ${line}: ${error.message}`, line);
  }
  if (error instanceof ReportFormatError || error instanceof ReportUnreachableError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new ReportUnreachableError(
    `${location}: reading the report failed: ${reason}`,
    location,
    undefined,
    {
      cause: error
    }
  );
}

/** Line breaks inside quoted cells (csv-parse's own line count takes a quoted CRLF for two). */
function lineBreaks(cells: string[]): number {
  let count = 0;
  for (const cell of cells) count += cell.match(/\r\n|\r|\n/g)?.length ?? 0;
  return count;
}

/**
 * Where the first invalid text of a record is (its line, its column `name(i)`) and what, or undefined if
 * all its text is valid; `line` is where the record starts. `context` adds the text before it.
 */
function invalidText(
  record: string[],
  line: number,
  name: (i: number) => string,
  context = false
): string | undefined {
  let first: string | undefined;
  let count = 0;
  record.forEach((cell, i) => {
    const found = findInvalidText(cell);
    if (!found) return;
    count += found.count;
    const at = line + lineBreaks(record.slice(0, i)) + lineBreaks([found.before]);
    first ??= `line ${at}, ${name(i)}${context ? `, ${found.where}` : ''}: ${found.what}`;
  });
  if (first === undefined || count === 1) return first;
  return `${first}; ${count - 1} more invalid ${count === 2 ? 'sequence' : 'sequences'} in this row`;
}

function validateHeader(record: string[], location: string, line: number): string[] {
  const invalid = invalidText(record, line, (i) => `header column ${i + 1}`, true);
  if (invalid) throw new ReportFormatError(`${location}: ${invalid}`, line);
  const header = record.map((name) => name.trim());
  const seen = new Map<string, number>();
  header.forEach((name, index) => {
    if (name === '') throw new ReportFormatError(`${location}: header column ${index + 1} is empty`, line);
    const previous = seen.get(name.toLowerCase());
    if (previous !== undefined) {
      throw new ReportFormatError(
        `${location}: header column "${name}" appears twice (columns ${previous + 1} and ${index + 1})`,
        line
      );
    }
    seen.set(name.toLowerCase(), index);
  });
  return header;
}

/**
 * Reads the header of `input` (UTF-8, with or without BOM; CRLF or LF; RFC 4180 quoting) and returns the
 * stream of its rows. `location` names the report in error messages (a path or URL). Iterate once.
 */
export async function csvRowStream(input: Readable, location: string): Promise<ReportRowStream> {
  // Lines are counted as csv-parse completes each record (it runs ahead of the reader): a record starts
  // after the previous one's last line and any blank lines skipped since; so does a broken one.
  let endLine = 0;
  let emptyLines = 0;
  const startLine = (skipped: number) => endLine + 1 + (skipped - emptyLines);
  const failedLine = (error: unknown) => startLine((error as ParseError).empty_lines ?? emptyLines);
  let headerRecord: string[] | undefined;

  const check = utf8TextCheck(location);
  const parser = parse({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_CHARS,
    on_record: (record, info) => {
      headerRecord ??= record.map((name) => showInvalidText(name.trim()));
      const line = startLine(info.empty_lines);
      endLine = line + lineBreaks(record);
      emptyLines = info.empty_lines;
      return Object.assign(record, { line });
    }
  });
  // pipeline destroys every stream on failure; the error reaches the reader through the parser's iterator.
  pipeline(input, check, parser, () => undefined);
  const records: AsyncIterator<ParsedRecord> = parser[Symbol.asyncIterator]();
  const close = () => {
    parser.destroy();
    check.destroy();
    input.destroy();
  };

  let header: string[];
  try {
    const first = await records.next();
    if (first.done) throw new ReportFormatError(`${location}: the report is empty (no header row)`, 1);
    header = validateHeader(first.value, location, first.value.line);
  } catch (error) {
    close();
    throw readFailure(location, error, failedLine(error), headerRecord);
  }

  const column = (i: number) => (i < header.length ? `column "${header[i]}"` : `column ${i + 1}`);

  async function* rows(): AsyncGenerator<ReportRow> {
    let row = 0;
    try {
      for (;;) {
        const next = await records.next();
        if (next.done) return;
        const record = next.value;
        const { line } = record;
        row += 1;
        const errors: string[] = [];
        if (record.length !== header.length) {
          errors.push(`line ${line}: expected ${header.length} cells, found ${record.length}`);
        }
        const invalid = invalidText(record, line, column);
        if (invalid) errors.push(invalid);
        const values: Record<string, string> = {};
        const cells = Math.min(record.length, header.length);
        for (let i = 0; i < cells; i += 1) {
          values[header[i]] = invalid ? showInvalidText(record[i]) : record[i];
        }
        yield errors.length === 0 ? { row, line, values } : { row, line, values, error: errors.join('; ') };
      }
    } catch (error) {
      throw readFailure(location, error, failedLine(error), headerRecord);
    } finally {
      close();
    }
  }

  return { header, close, [Symbol.asyncIterator]: rows };
}
