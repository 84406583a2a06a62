import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFresh, keyPattern, newestObject } from '../../../src/sources/drops/newest-export.js';
import { ReportStaleError } from '../../../src/sources/report-source.js';

const at = (iso: string) => new Date(iso);
const object = (key: string, modified: string) => ({ key, modifiedAt: at(modified), size: 1 });

describe('newest export', () => {
  test('patterns: * within a folder, ** across folders, ? one character, the rest literal', () => {
    const daily = keyPattern('logins-review/*.csv');
    assert.ok(daily('logins-review/2026-12-01.csv'));
    assert.ok(!daily('logins-review/2026/12/01.csv'));
    assert.ok(!daily('logins-review/2026-12-01.csv.gz'));
    assert.ok(!daily('other/logins-review/2026-12-01.csv'));
    const dated = keyPattern('logins-review/**.csv');
    assert.ok(dated('logins-review/2026/12/01.csv'));
    assert.ok(dated('logins-review/01.csv'));
    const one = keyPattern('nps-2026-1?.csv');
    assert.ok(one('nps-2026-12.csv'));
    assert.ok(!one('nps-2026-1/.csv'));
    // Regex characters in names are plain characters.
    assert.ok(keyPattern('a+b (1).csv')('a+b (1).csv'));
    assert.ok(!keyPattern('a.csv')('abcsv'));
  });

  test('the newest matching object wins by the time it was written, a tie by the greater key', () => {
    const objects = [
      object('drop/logins/2026-12-02.csv', '2026-12-01T06:00:00Z'),
      object('drop/logins/2026-12-01.csv', '2026-12-02T06:00:00Z'),
      object('drop/logins/notes.txt', '2026-12-03T06:00:00Z'),
      object('other/logins/2026-12-09.csv', '2026-12-09T06:00:00Z')
    ];
    const matches = keyPattern('logins/*.csv');
    assert.equal(newestObject(objects, 'drop/', matches)?.key, 'drop/logins/2026-12-01.csv');
    const tied = [
      object('drop/logins/a.csv', '2026-12-01T06:00:00Z'),
      object('drop/logins/b.csv', '2026-12-01T06:00:00Z')
    ];
    assert.equal(newestObject(tied, 'drop/', matches)?.key, 'drop/logins/b.csv');
    assert.equal(newestObject(tied.slice().reverse(), 'drop/', matches)?.key, 'drop/logins/b.csv');
    assert.equal(newestObject(objects, 'drop/', keyPattern('nps/*.csv')), undefined);
  });

  test('an export older than its allowance is stale, to the millisecond', () => {
    const written = at('2026-12-01T06:00:00Z');
    checkFresh(written, 's3://b/x.csv', 36, at('2026-12-02T18:00:00Z'));
    assert.throws(
      () => checkFresh(written, 's3://b/x.csv', 36, at('2026-12-02T18:00:00.001Z')),
      (error: unknown) => {
        assert.ok(error instanceof ReportStaleError);
        assert.equal(
          error.message,
          "the newest export is from 2026-12-01T06:00:00Z: is WalkMe's scheduled export still running?"
        );
        assert.deepEqual([error.location, error.maxAgeHours], ['s3://b/x.csv', 36]);
        return true;
      }
    );
  });
});
