import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { csvRowStream } from '../../src/sources/csv-row-stream.js';
import { ReportFormatError, type ReportRow } from '../../src/sources/report-source.js';

const streamOf = (...chunks: (string | Buffer)[]) => Readable.from(chunks);

async function readAll(text: string | Buffer): Promise<{ header: string[]; rows: ReportRow[] }> {
  const stream = await csvRowStream(streamOf(text), 'test.csv');
  const rows: ReportRow[] = [];
  for await (const row of stream) rows.push(row);
  return { header: stream.header, rows };
}

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

  test('an unclosed quote is refused instead of swallowing the rest of the file', async () => {
    await assert.rejects(readAll('A,B\n1,"never closed\n2,3\n'), /test\.csv, line \d+: Quote Not Closed/);
  });

  test('a failing input stream ends the read with an error naming the report', async () => {
    const input = new Readable({ read() {} });
    const streaming = csvRowStream(input, 'net.csv');
    input.push('A,B\n1,2\n');
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
