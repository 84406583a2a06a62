import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { csvRowStream } from '../../src/sources/csv-row-stream.js';
import { ReportFormatError, type ReportRow } from '../../src/sources/report-source.js';

const streamOf = (...chunks: (string | Buffer)[]) => Readable.from(chunks);

async function readFrom(input: Readable): Promise<{ header: string[]; rows: ReportRow[] }> {
  const stream = await csvRowStream(input, 'test.csv');
  const rows: ReportRow[] = [];
  for await (const row of stream) rows.push(row);
  return { header: stream.header, rows };
}

const readAll = (text: string | Buffer) => readFrom(streamOf(text));

/** Reads `bytes` delivered one byte per chunk, so every multi-byte sequence is split across chunks. */
const readEach = (bytes: Buffer) => readFrom(Readable.from([...bytes].map((byte) => Buffer.from([byte]))));

const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));

/** A file that is not UTF-8 text fails the read before any row, with this message. */
const notText = (what: RegExp) => (error: unknown) =>
  error instanceof ReportFormatError && what.test(error.message) && error.message.startsWith('test.csv: ');

describe('csvRowStream', () => {
  test('reads a header and rows keyed by it', async () => {
    const { header, rows } = await readAll('Email,Score\na@x.example,7\nb@x.example,9\n');
    assert.deepEqual(header, ['Email', 'Score']);
    assert.deepEqual(rows, [
      { row: 1, line: 2, values: { Email: 'a@x.example', Score: '7' } },
      { row: 2, line: 3, values: { Email: 'b@x.example', Score: '9' } }
    ]);
  });

  test('strips a UTF-8 BOM and handles CRLF and a missing final newline', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const { header, rows } = await readAll(
      Buffer.concat([bom, Buffer.from('Email,Name\r\na@x.example,Müller')])
    );
    assert.deepEqual(header, ['Email', 'Name']);
    assert.deepEqual(rows[0].values, { Email: 'a@x.example', Name: 'Müller' });
  });

  test('a BOM split across chunks and multi-byte characters split across chunks', async () => {
    const bytes = Buffer.from('\uFEFFName\nMüller\n');
    const stream = await csvRowStream(
      Readable.from([bytes.subarray(0, 1), bytes.subarray(1, 10), bytes.subarray(10)]),
      'split.csv'
    );
    const rows = [];
    for await (const row of stream) rows.push(row);
    assert.deepEqual(stream.header, ['Name']);
    assert.equal(rows[0].values.Name, 'Müller');
  });

  test('quoted fields with commas, escaped quotes and newlines; line numbers follow the file', async () => {
    const text = 'Email,Comment\r\na@x.example,"Great, but ""slow""\r\non Mondays"\r\nb@x.example,ok\r\n';
    const { rows } = await readAll(text);
    assert.equal(rows[0].values.Comment, 'Great, but "slow"\r\non Mondays');
    assert.equal(rows[0].line, 2);
    assert.deepEqual({ row: rows[1].row, line: rows[1].line }, { row: 2, line: 4 });
  });

  test('blank lines are skipped without shifting line numbers', async () => {
    const { rows } = await readAll('A,B\n1,2\n\n\n3,4\n');
    assert.deepEqual(
      rows.map(({ row, line }) => [row, line]),
      [
        [1, 2],
        [2, 5]
      ]
    );
  });

  test('rows with the wrong cell count are surfaced with their line, not dropped', async () => {
    const { rows } = await readAll('A,B,C\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n');
    assert.equal(rows.length, 4);
    assert.deepEqual(rows[1], {
      row: 2,
      line: 3,
      values: { A: '4', B: '5' },
      error: 'line 3: expected 3 cells, found 2'
    });
    assert.equal(rows[2].error, 'line 4: expected 3 cells, found 4');
    assert.deepEqual(rows[2].values, { A: '6', B: '7', C: '8' });
    assert.equal(rows[3].error, undefined);
  });

  test('header names are trimmed; an empty or duplicated name is refused before any row', async () => {
    assert.deepEqual((await readAll(' Email , Score\n')).header, ['Email', 'Score']);
    await assert.rejects(csvRowStream(streamOf('Email,,Score\n1,2,3\n'), 'r.csv'), {
      name: 'ReportFormatError',
      message: 'r.csv: header column 2 is empty'
    });
    await assert.rejects(csvRowStream(streamOf('Email,Score,email\n'), 'r.csv'), {
      message: 'r.csv: header column "email" appears twice (columns 1 and 3)'
    });
  });

  test('an empty file is refused', async () => {
    await assert.rejects(csvRowStream(streamOf(''), 'empty.csv'), {
      name: 'ReportFormatError',
      message: 'empty.csv: the report is empty (no header row)'
    });
  });

  // Depending on chunking the error surfaces when the header is read or while iterating; either way the
  // read fails naming the line: a file whose framing is broken cannot be trusted past that point.
  test('broken quoting stops the read with the line and the reason', async () => {
    await assert.rejects(
      readAll('A,B\n1,2\n3,"bad"x\n5,6\n'),
      (error: unknown) =>
        error instanceof ReportFormatError &&
        error.line === 3 &&
        /^test\.csv, line 3: Invalid Closing Quote/.test(error.message)
    );
  });

  test('an unclosed quote is refused, naming the line where it opened, not the end of the file', async () => {
    const lines = ['Email,Comment'];
    for (let line = 2; line <= 20; line += 1) {
      lines.push(line === 5 ? `e${line}@x.example,"never closed` : `e${line}@x.example,ok`);
    }
    await assert.rejects(readAll(lines.join('\n') + '\n'), {
      name: 'ReportFormatError',
      line: 5,
      message:
        'test.csv: unterminated quoted field starting on line 5 (column "Comment"): its opening quote is never closed'
    });
    // Blank lines and a quoted line break before it are counted; so with one byte per chunk.
    const tricky = Buffer.from('A,B\n\n1,2\n\n\n3,"x\ny"\n"open,1\n2,3\n4,5\n');
    await assert.rejects(readAll(tricky), { line: 8, message: /starting on line 8 \(column "A"\)/ });
    await assert.rejects(readEach(tricky), { line: 8, message: /starting on line 8 \(column "A"\)/ });
  });

  test('an unclosed quote in a large file is refused at the 1 MiB cap, naming the line where it opened', async () => {
    const rows = 'x@x.example,fine\n'.repeat(70_000);
    await assert.rejects(readAll(`Email,Comment\na@x.example,ok\nb@x.example,"open\n${rows}`), {
      line: 3,
      message:
        'test.csv: the record starting on line 3 is longer than 1 MiB; most likely a quote opened there (column "Comment") is never closed'
    });
  });

  test('a failing input stream ends the read with an error naming the report', async () => {
    const input = new Readable({ read() {} });
    const streaming = csvRowStream(input, 'net.csv');
    // More than the first 8 KiB, which are checked to be text before anything is parsed.
    input.push('A,B\n' + '1,2\n'.repeat(4096));
    const stream = await streaming;
    input.destroy(new Error('socket hang up'));
    await assert.rejects(
      (async () => {
        for await (const _row of stream) void _row;
      })(),
      { name: 'ReportUnreachableError', message: 'net.csv: reading the report failed: socket hang up' }
    );
  });

  test('200,000 rows stream through with backpressure: the producer never runs far ahead', async () => {
    const total = 200_000;
    let produced = 0;
    function* lines(): Generator<string> {
      yield 'User ID,Email,Logins\n';
      for (let i = 0; i < total; i += 100) {
        let chunk = '';
        for (let j = i; j < i + 100; j += 1) chunk += `wm-${j},user.${j}@x.example,${j % 60}\n`;
        produced += 100;
        yield chunk;
      }
    }
    const stream = await csvRowStream(Readable.from(lines()), 'big.csv');
    let count = 0;
    let maxLead = 0;
    let sum = 0;
    for await (const row of stream) {
      count += 1;
      sum += Number(row.values.Logins);
      maxLead = Math.max(maxLead, produced - count);
    }
    assert.equal(count, total);
    assert.equal(
      sum,
      Array.from({ length: total }, (_, i) => i % 60).reduce((a, b) => a + b, 0)
    );
    // Only stream buffers sit between producer and consumer, never the whole file.
    assert.ok(maxLead < 20_000, `producer ran ${maxLead} rows ahead`);
  });

  test('close() releases an input that will not be read', async () => {
    const input = Readable.from(['A\n1\n2\n']);
    const stream = await csvRowStream(input, 'c.csv');
    stream.close();
    assert.equal(input.destroyed, true);
  });
});

describe('csvRowStream: the bytes are checked to be UTF-8 text', () => {
  const jobs = bytes(
    'Email,Job Title,City\n',
    'a@x.example,Engineer,Paris\n',
    'b@x.example,Ing',
    [0xe9],
    'nieur,Lyon\n',
    'c@x.example,Ingénieur,Zürich\n'
  );

  test('an invalid sequence makes its row invalid, naming the line and the column; other rows are read', async () => {
    const { rows } = await readAll(jobs);
    assert.equal(rows.length, 3);
    assert.deepEqual(rows[0], {
      row: 1,
      line: 2,
      values: { Email: 'a@x.example', 'Job Title': 'Engineer', City: 'Paris' }
    });
    assert.equal(rows[1].line, 3);
    assert.equal(rows[1].error, 'line 3, column "Job Title": not valid UTF-8 (byte 0xE9)');
    assert.deepEqual(rows[2], {
      row: 3,
      line: 4,
      values: { Email: 'c@x.example', 'Job Title': 'Ingénieur', City: 'Zürich' }
    });
  });

  test('the reason names the exact line inside a quoted cell, the bytes, and any further sequences', async () => {
    const { rows } = await readAll(
      bytes('Email,Notes\n', 'a@x.example,"first line\nsecond ', [0xe2, 0x82], '\nthird ', [0xff], '"\n')
    );
    assert.equal(rows[0].line, 2);
    assert.equal(
      rows[0].error,
      'line 3, column "Notes": not valid UTF-8 (bytes 0xE2 0x82); 1 more invalid sequence in this row'
    );
    // The refused row's cells show each invalid sequence as U+FFFD, for people to read (it is never written).
    assert.equal(rows[0].values.Notes, 'first line\nsecond \uFFFD\nthird \uFFFD');
  });

  test('an invalid sequence in the header fails the read naming line 1 and the column', async () => {
    await assert.rejects(readAll(bytes('Email,Job Titl', [0xe9], '\na@x.example,x\n')), {
      name: 'ReportFormatError',
      line: 1,
      message: 'test.csv: line 1, header column 2, after "Job Titl": not valid UTF-8 (byte 0xE9)'
    });
  });

  test('sequences split across chunks: one byte per chunk reads exactly as one chunk', async () => {
    const text = bytes('\uFEFFName,Greeting\n', 'Zoë,日本語 😀 ﷽\n', 'Bad,x', [0xf0, 0x9f, 0x98], ' y\n');
    const whole = await readAll(text);
    const split = await readEach(text);
    assert.deepEqual(split, whole);
    assert.deepEqual(split.header, ['Name', 'Greeting']);
    assert.deepEqual(split.rows[0], { row: 1, line: 2, values: { Name: 'Zoë', Greeting: '日本語 😀 ﷽' } });
    assert.equal(split.rows[1].error, 'line 3, column "Greeting": not valid UTF-8 (bytes 0xF0 0x9F 0x98)');
  });

  test('a UTF-8 BOM is allowed, whole or split', async () => {
    const text = bytes([0xef, 0xbb, 0xbf], 'Email,Name\na@x.example,Müller\n');
    for (const read of [readAll, readEach]) {
      const { header, rows } = await read(text);
      assert.deepEqual(header, ['Email', 'Name']);
      assert.deepEqual(rows, [{ row: 1, line: 2, values: { Email: 'a@x.example', Name: 'Müller' } }]);
    }
  });

  test('valid multi-byte text is untouched (and a U+FFFD the file itself holds is its own text)', async () => {
    const values = ['é', '日本', '😀', '👩‍💻', '\u{10FFFF}', '\uFDFD', '\uFFFD'];
    const { rows } = await readEach(Buffer.from(`V\n${values.join('\n')}\n`));
    assert.deepEqual(
      rows.map((row) => [row.values.V, row.error]),
      values.map((value) => [value, undefined])
    );
  });

  test('overlong forms, surrogates, values past U+10FFFF and stray bytes are invalid', async () => {
    const cases: Array<[number[], string]> = [
      [[0xc0, 0xaf], 'byte 0xC0'], // overlong "/": C0 is never a lead byte (nor is its continuation)
      [[0xe0, 0x80, 0xaf], 'byte 0xE0'], // overlong three-byte form
      [[0xf0, 0x80, 0x80, 0xaf], 'byte 0xF0'], // overlong four-byte form
      [[0xed, 0xa0, 0x80], 'byte 0xED'], // U+D800, a surrogate
      [[0xed, 0xbf, 0xbf], 'byte 0xED'], // U+DFFF
      [[0xf4, 0x90, 0x80, 0x80], 'byte 0xF4'], // U+110000
      [[0xf8, 0x88, 0x80, 0x80, 0x80], 'byte 0xF8'], // a five-byte form
      [[0x80], 'byte 0x80'], // a lone continuation byte
      [[0xe2, 0x82], 'bytes 0xE2 0x82'] // truncated by the end of the cell
    ];
    for (const [sequence, first] of cases) {
      for (const read of [readAll, readEach]) {
        const { rows } = await read(bytes('A,B\n1,x', sequence, '\n2,ok\n'));
        assert.equal(rows[0].error?.split(';')[0], `line 2, column "B": not valid UTF-8 (${first})`);
        assert.equal(rows[0].values.A, '1');
        assert.equal(rows[1].error, undefined);
      }
    }
  });

  test('reserved noncharacters (U+FDD0–U+FDEF) are refused, so they never pass for internal markers', async () => {
    const { rows } = await readAll(Buffer.from('A,B\n1,x\uFDD0E9\uFDD1\n2,\uFDEF\n'));
    assert.equal(
      rows[0].error,
      'line 2, column "B": not text (noncharacter U+FDD0, reserved for internal use); 1 more invalid sequence in this row'
    );
    assert.equal(rows[0].values.B, 'x\uFFFDE9\uFFFD');
    assert.match(rows[1].error ?? '', /noncharacter U\+FDEF/);
  });

  test('a binary file is refused as not text, naming what it looks like', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex');
    await assert.rejects(
      readAll(png),
      notText(/this is not a CSV text file \(it looks binary: NUL byte at offset 8\); .*\.xlsx.*\.gz/)
    );
    await assert.rejects(readAll(gzipSync('Email\na@x.example\n')), notText(/it looks like a gzip archive/));
    const xlsx = bytes('PK', [0x03, 0x04, 0x14, 0x00, 0x06, 0x00], '[Content_Types].xml');
    await assert.rejects(readEach(xlsx), notText(/it looks like a ZIP archive, such as an \.xlsx workbook/));
    await assert.rejects(
      readAll(Buffer.from('A,B\n1,2\n' + '\x01\x02\x1b\x7f'.repeat(10))),
      notText(/control characters/)
    );
    await assert.rejects(
      readAll(bytes('Email,Name\na@x.example,', [0], '\n')),
      notText(/NUL byte at offset 23/)
    );
  });

  test('a UTF-16 file is refused: it must be exported as UTF-8', async () => {
    const text = 'Email,Name\na@x.example,Zoë\n';
    const le = Buffer.from(`\uFEFF${text}`, 'utf16le');
    const message = (endian: string) =>
      `test.csv: this is not a UTF-8 CSV file (it is UTF-16 ${endian} text); export or save the report as CSV UTF-8`;
    await assert.rejects(readAll(le), { name: 'ReportFormatError', message: message('little-endian') });
    await assert.rejects(readEach(le), { message: message('little-endian') });
    await assert.rejects(readAll(Buffer.from(le).swap16()), { message: message('big-endian') });
    await assert.rejects(readAll(Buffer.from(text, 'utf16le')), { message: message('little-endian') });
  });
});
