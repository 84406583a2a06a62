/**
 * A CSV byte stream as a `ReportRowStream`: the header is read and validated up front, then rows are
 * parsed as they are consumed (csv-parse applies backpressure, so memory stays bounded whatever the size).
 * Shared by the CSV source (files, URLs) and the Insights API source (its export is CSV).
 */
import { pipeline, type Readable } from 'node:stream';
import { CsvError, parse, type InfoRecord } from 'csv-parse';
import {
  ReportFormatError,
  ReportUnreachableError,
  type ReportRow,
  type ReportRowStream
} from './report-source.js';

/** A record longer than this is a broken file (an unclosed quote swallowing the rest), not data. */
const MAX_RECORD_CHARS = 1_048_576;

interface ParsedRecord {
  record: string[];
  info: InfoRecord;
}

function readFailure(location: string, error: unknown): Error {
  if (error instanceof CsvError) {
    const line = (error as CsvError & { lines?: number }).lines;
    return new ReportFormatError(`${location}, line ${line ?? '?'}: ${error.message}`, line);
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
function lineBreaks(record: string[]): number {
  let count = 0;
  for (const cell of record) count += cell.match(/\r\n|\r|\n/g)?.length ?? 0;
  return count;
}

function validateHeader(record: string[], location: string): string[] {
  const header = record.map((name) => name.trim());
  const seen = new Map<string, number>();
  header.forEach((name, index) => {
    if (name === '') throw new ReportFormatError(`${location}: header column ${index + 1} is empty`, 1);
    const previous = seen.get(name.toLowerCase());
    if (previous !== undefined) {
      throw new ReportFormatError(
        `${location}: header column "${name}" appears twice (columns ${previous + 1} and ${index + 1})`,
        1
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
  const parser = parse({
    bom: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_CHARS
  });
  // pipeline destroys both ends on failure; the error reaches the reader through the parser's iterator.
  pipeline(input, parser, () => undefined);
  const records: AsyncIterator<ParsedRecord> = parser[Symbol.asyncIterator]();
  const close = () => {
    parser.destroy();
    input.destroy();
  };

  let first: IteratorResult<ParsedRecord>;
  let header: string[];
  try {
    first = await records.next();
    if (first.done) throw new ReportFormatError(`${location}: the report is empty (no header row)`, 1);
    header = validateHeader(first.value.record, location);
  } catch (error) {
    close();
    throw readFailure(location, error);
  }

  async function* rows(): AsyncGenerator<ReportRow> {
    let endLine = 1 + lineBreaks(first.value.record);
    let emptyLines = first.value.info.empty_lines;
    let row = 0;
    try {
      for (;;) {
        const next = await records.next();
        if (next.done) return;
        const { record, info } = next.value;
        // The record starts after the previous one's last line and any blank lines skipped since.
        const line = endLine + 1 + (info.empty_lines - emptyLines);
        endLine = line + lineBreaks(record);
        emptyLines = info.empty_lines;
        row += 1;
        const values: Record<string, string> = {};
        const cells = Math.min(record.length, header.length);
        for (let i = 0; i < cells; i += 1) values[header[i]] = record[i];
        yield record.length === header.length
          ? { row, line, values }
          : {
              row,
              line,
              values,
              error: `line ${line}: expected ${header.length} cells, found ${record.length}`
            };
      }
    } catch (error) {
      throw readFailure(location, error);
    } finally {
      close();
    }
  }

  return { header, close, [Symbol.asyncIterator]: rows };
}
