import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { inferColumnType, inferReportColumns } from '../../src/sources/column-types.js';
import { csvRowStream } from '../../src/sources/csv-row-stream.js';

describe('inferColumnType', () => {
  test('recognises each type from its values', () => {
    assert.equal(inferColumnType('Email', ['a@x.example', 'B@Y.EXAMPLE']), 'email');
    assert.equal(inferColumnType('Logins', ['1', '20', '-3', '4.5', '1e3']), 'number');
    assert.equal(inferColumnType('Share', ['45%', '100 %', '0.5%']), 'percent');
    assert.equal(inferColumnType('Completion %', ['45', '99.5']), 'percent');
    assert.equal(inferColumnType('Completion Percent', ['45', '99.5']), 'percent');
    assert.equal(inferColumnType('Day', ['2026-11-20', '2024-02-29']), 'date');
    assert.equal(
      inferColumnType('At', ['2026-11-20T08:15:00Z', '2026-11-20T08:15:00.123+02:00']),
      'datetime'
    );
    assert.equal(inferColumnType('Active', ['true', 'FALSE', 'Yes', 'no']), 'boolean');
    assert.equal(inferColumnType('Comment', ['Great, thanks', '']), 'string');
  });

  test('a few malformed values do not demote a column, many do', () => {
    const numbers = Array.from({ length: 50 }, (_, i) => String(i));
    assert.equal(inferColumnType('Logins', [...numbers, 'n/a']), 'number');
    assert.equal(inferColumnType('Logins', [...numbers.slice(0, 5), 'n/a', 'none']), 'string');
    const dates = Array.from({ length: 20 }, () => '2026-11-20T08:15:00Z');
    assert.equal(inferColumnType('Last Login', [...dates, '2026-02-30T10:00:00Z']), 'datetime');
  });

  test('impossible calendar dates are not dates', () => {
    assert.equal(inferColumnType('Day', ['2026-02-30', '2026-13-01']), 'string');
  });

  test('dates mixed with date-times make a date-time column; 0/1 are numbers', () => {
    assert.equal(inferColumnType('When', ['2026-11-20', '2026-11-20T08:15:00Z']), 'datetime');
    assert.equal(inferColumnType('Flag', ['0', '1']), 'number');
  });

  test('blank columns fall back to the name', () => {
    assert.equal(inferColumnType('Progress %', ['', '  ']), 'percent');
    assert.equal(inferColumnType('E-mail', []), 'email');
    assert.equal(inferColumnType('Notes', []), 'string');
  });

  test('is deterministic whatever the order of the sample', () => {
    const values = ['1', '2', 'x', ...Array.from({ length: 30 }, (_, i) => String(i))];
    assert.equal(inferColumnType('N', values), inferColumnType('N', [...values].reverse()));
  });
});

describe('inferReportColumns', () => {
  test('samples only the first rows, then releases the stream', async () => {
    const lines = [
      'Email,Score',
      ...Array.from({ length: 10 }, (_, i) => `u${i}@x.example,${i}`),
      'text,text'
    ];
    let destroyed = false;
    const input = Readable.from([lines.join('\n')]);
    input.on('close', () => (destroyed = true));
    const stream = await csvRowStream(input, 'test');
    assert.deepEqual(await inferReportColumns(stream, 10), [
      { name: 'Email', type: 'email' },
      { name: 'Score', type: 'number' }
    ]);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(destroyed, true);
  });
});
