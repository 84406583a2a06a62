/**
 * Checks that a report's bytes are UTF-8 text before csv-parse decodes them (it would turn an invalid
 * sequence into U+FFFD without a word, and the engine would write `Ing�nieur` to Salesforce).
 *
 * - The first 8 KiB (or the whole file, if smaller) are sniffed before anything passes on: a UTF-16 file,
 *   a known binary format (gzip, ZIP/.xlsx, .xls, PDF), a NUL byte or over 10 % control bytes fail the
 *   read with a `ReportFormatError` saying what the file is.
 * - Every invalid sequence (as WHATWG's UTF-8 decoder, i.e. `TextDecoder` with `fatal`, defines it:
 *   overlong forms, surrogates and values past U+10FFFF included; one per maximal subpart) is replaced by a
 *   marker, `U+FDD0` + the bytes in hex + `U+FDD1`, and passed on; sequences split across chunks are
 *   joined first. The row builder finds markers with `findInvalidText` and makes that row invalid.
 * - U+FDD0–U+FDEF are noncharacters reserved for a program's internal use, never text a report carries, so
 *   a genuine one in the input is marked too (as `U+FDD0U+FDxxU+FDD1`) and its row is invalid: a marker
 *   can never be confused with input.
 * Memory stays bounded: valid bytes pass through as slices (checked natively by `isUtf8`); at most the
 * sniffed head and an incomplete trailing sequence (3 bytes) are held.
 */
import { isUtf8 } from 'node:buffer';
import { Transform } from 'node:stream';
import { ReportFormatError } from './report-source.js';

const SNIFF_BYTES = 8192;
const MARK_START = '\uFDD0';
const MARK_END = '\uFDD1';
const MARKER = /\uFDD0([^\uFDD1]*)\uFDD1/g;
/** Lead bytes of U+FDC0–U+FDFF, which hold the reserved noncharacters U+FDD0–U+FDEF. */
const NONCHARACTER_LEAD = Buffer.from([0xef, 0xb7]);
const EMPTY = Buffer.alloc(0);

const EXPORT_HINT =
  'export the report as CSV (UTF-8): save an .xlsx workbook as "CSV UTF-8", unpack a .gz or .zip export first';

const SIGNATURES: Array<{ bytes: number[]; what: string }> = [
  { bytes: [0x1f, 0x8b], what: 'a gzip archive' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive, such as an .xlsx workbook' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], what: 'an Excel .xls workbook' },
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], what: 'a PDF document' }
];

function startsWith(head: Buffer, bytes: number[]): boolean {
  return head.length >= bytes.length && bytes.every((byte, i) => head[i] === byte);
}

function utf16Failure(location: string, endian: string): ReportFormatError {
  return new ReportFormatError(
    `${location}: this is not a UTF-8 CSV file (it is UTF-16 ${endian} text); export or save the report as CSV UTF-8`
  );
}

/** What is wrong with a file that starts with `head`, if it is not UTF-8 text at all. */
function sniff(head: Buffer, location: string): ReportFormatError | undefined {
  if (startsWith(head, [0xff, 0xfe])) return utf16Failure(location, 'little-endian');
  if (startsWith(head, [0xfe, 0xff])) return utf16Failure(location, 'big-endian');
  const binary = (why: string) =>
    new ReportFormatError(`${location}: this is not a CSV text file (${why}); ${EXPORT_HINT}`);
  const signature = SIGNATURES.find(({ bytes }) => startsWith(head, bytes));
  if (signature) return binary(`it looks like ${signature.what}`);
  const nul = head.indexOf(0);
  if (nul !== -1) {
    // UTF-16 without a BOM: ASCII characters leave a NUL in every other byte, on one side only.
    const nuls = [0, 0];
    for (let i = 0; i < head.length; i += 1) if (head[i] === 0) nuls[i % 2] += 1;
    const [even, odd] = nuls;
    if (odd >= 4 && even * 20 <= odd) return utf16Failure(location, 'little-endian');
    if (even >= 4 && odd * 20 <= even) return utf16Failure(location, 'big-endian');
    return binary(`it looks binary: NUL byte at offset ${nul}`);
  }
  let controls = 0;
  for (const byte of head) if ((byte < 0x20 && (byte < 0x09 || byte > 0x0d)) || byte === 0x7f) controls += 1;
  if (controls * 10 > head.length) {
    return binary(`it looks binary: ${controls} of its first ${head.length} bytes are control characters`);
  }
  return undefined;
}

function marker(content: string): Buffer {
  return Buffer.from(MARK_START + content + MARK_END);
}

/** How many leading bytes of `bytes` end on a sequence boundary (the rest may complete in the next chunk). */
function completeLength(bytes: Buffer): number {
  for (let i = bytes.length - 1; i >= 0 && i >= bytes.length - 3; i -= 1) {
    const byte = bytes[i];
    if (byte < 0x80) return bytes.length;
    if (byte >= 0xc0) {
      const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return bytes.length - i < length ? i : bytes.length;
    }
  }
  return bytes.length;
}

/** `bytes` with each invalid sequence and reserved noncharacter replaced by its marker (WHATWG decoding). */
function markInvalid(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    if (lead < 0x80) {
      i += 1;
      continue;
    }
    let needed = 0;
    let lower = 0x80;
    let upper = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) needed = 1;
    else if (lead >= 0xe0 && lead <= 0xef) {
      needed = 2;
      if (lead === 0xe0) lower = 0xa0; // overlong
      if (lead === 0xed) upper = 0x9f; // surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      needed = 3;
      if (lead === 0xf0) lower = 0x90; // overlong
      if (lead === 0xf4) upper = 0x8f; // past U+10FFFF
    }
    let j = i + 1;
    let valid = needed > 0;
    while (valid && j <= i + needed) {
      if (j >= bytes.length || bytes[j] < lower || bytes[j] > upper) valid = false;
      else {
        lower = 0x80;
        upper = 0xbf;
        j += 1;
      }
    }
    // An invalid sequence ends before the byte that broke it, which is read again as a lead byte.
    let content: string | undefined;
    if (!valid) content = bytes.subarray(i, j).toString('hex').toUpperCase();
    else if (lead === 0xef && bytes[i + 1] === 0xb7 && bytes[i + 2] >= 0x90 && bytes[i + 2] <= 0xaf) {
      content = `U+${(0xfd40 + bytes[i + 2]).toString(16).toUpperCase()}`;
    }
    if (content !== undefined) {
      parts.push(bytes.subarray(from, i), marker(content));
      from = j;
    }
    i = j;
  }
  if (from === 0) return bytes;
  parts.push(bytes.subarray(from));
  return Buffer.concat(parts);
}

/**
 * A Transform that passes UTF-8 text on with its invalid sequences marked, or fails with a
 * `ReportFormatError` if the file is not UTF-8 text. `location` names the report in messages.
 */
export function utf8TextCheck(location: string): Transform {
  let head: Buffer[] | undefined = [];
  let headBytes = 0;
  let carry = EMPTY;

  function pass(chunk: Buffer, final: boolean): Buffer | undefined {
    let bytes = chunk;
    if (head) {
      head.push(chunk);
      headBytes += chunk.length;
      if (headBytes < SNIFF_BYTES && !final) return undefined;
      bytes = Buffer.concat(head);
      head = undefined;
      const failure = sniff(bytes.subarray(0, SNIFF_BYTES), location);
      if (failure) throw failure;
    }
    if (carry.length > 0) bytes = Buffer.concat([carry, bytes]);
    const end = final ? bytes.length : completeLength(bytes);
    carry = end === bytes.length ? EMPTY : Buffer.from(bytes.subarray(end));
    const body = bytes.subarray(0, end);
    const clean = isUtf8(body) && body.indexOf(NONCHARACTER_LEAD) === -1;
    const out = clean ? body : markInvalid(body);
    return out.length > 0 ? out : undefined;
  }

  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      try {
        callback(null, pass(chunk, false));
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback) {
      try {
        callback(null, pass(EMPTY, true));
      } catch (error) {
        callback(error as Error);
      }
    }
  });
}

/** The first invalid text in a cell: what it is, where, and how many the cell has. */
export interface InvalidText {
  /** e.g. `not valid UTF-8 (byte 0xE9)`: the same for every row with that byte, so reasons group. */
  what: string;
  /** e.g. `after "Ing"`, or `at the start of the cell`. */
  where: string;
  /** The cell's text before it (valid: it is the first). */
  before: string;
  /** Invalid sequences in the cell, this one included. */
  count: number;
}

const CONTEXT_CHARS = 20;

/** The first marked sequence of `cell`, or undefined if its text is all valid. */
export function findInvalidText(cell: string): InvalidText | undefined {
  if (!cell.includes(MARK_START)) return undefined;
  const matches = [...cell.matchAll(MARKER)];
  const [{ index, 1: content }] = matches;
  const before = cell.slice(0, index);
  const line = before.split(/\r\n|\r|\n/).pop() ?? '';
  const where =
    line === ''
      ? before === ''
        ? 'at the start of the cell'
        : 'at the start of a line'
      : `after "${line.length > CONTEXT_CHARS ? '…' + line.slice(-CONTEXT_CHARS) : line}"`;
  const bytes = (content.match(/../g) ?? []).map((hex) => `0x${hex}`);
  const what = content.startsWith('U+')
    ? `not text (noncharacter ${content}, reserved for internal use)`
    : `not valid UTF-8 (${bytes.length > 1 ? 'bytes' : 'byte'} ${bytes.join(' ')})`;
  return { what, where, before, count: matches.length };
}

/** `text` as a person should see it: each marked sequence shown as U+FFFD (only for rows refused). */
export function showInvalidText(text: string): string {
  return text.includes(MARK_START) ? text.replace(MARKER, '\uFFFD') : text;
}
