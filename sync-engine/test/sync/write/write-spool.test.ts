/**
 * The rows waiting for their write are bounded by the spool, not by the report (issue 14, "Memory"): past its
 * bound they wait in a file, and they come back whole, in order, however the file's blocks cut them.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WriteSpool, type SpooledRow } from '../../../src/sync/write/write-spool.js';

/** Row `i`: a Lead write, and a Contact write on every third row; keys of three-byte characters. */
function row(i: number): SpooledRow {
  const writes: SpooledRow['writes'] = [
    { objectName: 'Lead', item: { id: `00Q${i}`, fields: { Logins__c: i, Nps__c: null } } }
  ];
  if (i % 3 === 0) writes.push({ objectName: 'Contact', item: { id: `003${i}`, fields: { Logins__c: i } } });
  return {
    row: i + 2,
    key: `€${'€'.repeat(i % 400)}@example.test`,
    recordIds: writes.map((w) => w.item.id),
    writes
  };
}

const spoolDirs = () => new Set(readdirSync(tmpdir()).filter((name) => name.startsWith('walkme-writes-')));

describe('write spool', () => {
  test('a small queue stays in memory: no file is made', () => {
    const before = spoolDirs();
    const spool = new WriteSpool(100);
    for (let i = 0; i < 50; i += 1) spool.add(row(i));
    assert.equal(spool.spilledBytes, 0);
    assert.equal(spool.recordsHeld, 67);
    assert.deepEqual(
      [...spool.rows()],
      Array.from({ length: 50 }, (_, i) => row(i))
    );
    assert.deepEqual(spoolDirs(), before);
  });

  test('past its bound the spool holds at most that many records; the file gives every row back in order', () => {
    const before = spoolDirs();
    const spool = new WriteSpool(100);
    const rows = 6_000;
    let mostHeld = 0;
    for (let i = 0; i < rows; i += 1) {
      spool.add(row(i));
      mostHeld = Math.max(mostHeld, spool.recordsHeld);
    }
    assert.ok(mostHeld <= 101, `held ${mostHeld} records`);
    // More than one read block (1 MiB) of mostly three-byte characters: a block ends inside one.
    assert.ok(spool.spilledBytes > 2 ** 21, `${spool.spilledBytes} bytes spilled`);
    const [dir] = [...spoolDirs()].filter((name) => !before.has(name));
    assert.ok(dir, 'the spilled rows are in a file of the temporary folder');

    const back = [...spool.rows()];
    assert.equal(back.length, rows);
    back.forEach((got, i) => assert.deepEqual(got, row(i), `row ${i}`));
    // A second read gives the same; an object's records come in queue order.
    assert.equal([...spool.rows()].length, rows);
    const contacts = [...spool.records('Contact')].map((item) => item.id);
    assert.deepEqual(
      contacts,
      Array.from({ length: rows / 3 }, (_, k) => `003${k * 3}`)
    );
    assert.deepEqual(
      [...spool.objects].map(([name, { records, fields }]) => [name, records, [...fields]]),
      [
        ['Lead', rows, ['Logins__c', 'Nps__c']],
        ['Contact', rows / 3, ['Logins__c']]
      ]
    );

    spool.discard();
    assert.equal(existsSync(join(tmpdir(), dir)), false, 'the file is removed with the run');
    assert.deepEqual([...spool.rows()], []);
  });
});
