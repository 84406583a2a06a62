/**
 * Issue 12, item 8 through a whole run against the org emulator: a report's bytes are checked. An invalid
 * UTF-8 sequence makes its row invalid (the run goes on, nothing with U+FFFD is written); a file that is
 * not text fails the run saying so.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runSync } from '../../src/sync/run-sync.js';
import type { RowOutcome } from '../../src/domain/run-result.js';
import type { IntegrationDefinition } from '../../src/domain/integration.js';
import {
  fastOptions,
  integrationFor,
  loadLeads,
  readRecord,
  startHarness,
  targetOrg,
  writeReport,
  type Harness
} from './harness.js';

/** An integration of `reportId` that also writes the report's "Job Title" into the Lead's Title. */
function withJobTitle(reportId: string): IntegrationDefinition {
  const integration = integrationFor(reportId);
  const [, logins] = integration.mappings;
  return {
    ...integration,
    mappings: [logins, { ...logins, column: 'Job Title', columnType: 'string', field: 'Title' }]
  };
}

/** Writes `bytes` as the report file of `id` (listed in the folder's manifest). */
async function writeReportBytes(h: Harness, id: string, bytes: Buffer): Promise<void> {
  await writeReport(h.dir, id, [['placeholder']]);
  await writeFile(join(h.dir, `${id}.csv`), bytes);
}

describe('runSync: a report whose bytes are not all UTF-8 text', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.stop());

  test('an invalid byte makes its row invalid with the line and column; the rest is written', async () => {
    const ids = loadLeads(h.org, [{ Email: 'a@b1.test' }, { Email: 'b@b1.test' }, { Email: 'c@b1.test' }]);
    await writeReportBytes(
      h,
      'b1',
      Buffer.concat([
        Buffer.from('Email,Logins,Job Title\na@b1.test,3,Engineer\nb@b1.test,4,Ing'),
        Buffer.from([0xe9]), // "é" in Latin-1: not UTF-8
        Buffer.from('nieur\nc@b1.test,5,Ingénieur\n')
      ])
    );
    const outcomes: RowOutcome[] = [];
    const result = await runSync({
      org: targetOrg(h.conn),
      integration: withJobTitle('b1'),
      source: h.source,
      options: fastOptions({ onOutcome: (outcome) => outcomes.push(outcome) })
    });
    assert.equal(result.error, undefined);
    assert.equal(result.status, 'Completed with errors');
    assert.deepEqual(
      { read: result.counts.read, updated: result.counts.updated, invalid: result.counts.invalid },
      { read: 3, updated: 2, invalid: 1 }
    );
    const bad = outcomes.find((outcome) => outcome.row === 2)!;
    assert.equal(bad.outcome, 'invalid');
    assert.equal(bad.key, 'b@b1.test');
    assert.equal(bad.reason, 'line 3, column "Job Title": not valid UTF-8 (byte 0xE9)');

    const leads = ids.map((id) => readRecord(h.org, 'Lead', id, ['Title', 'WalkMe_Logins_Last_30_Days__c']));
    assert.deepEqual(
      leads.map((lead) => [lead.Title, lead.WalkMe_Logins_Last_30_Days__c]),
      [
        ['Engineer', 3],
        [null, null],
        ['Ingénieur', 5]
      ]
    );
    const everyLead = h.org.data.query('SELECT Id, Title, Email FROM Lead');
    assert.ok(!JSON.stringify(everyLead).includes('\uFFFD'), 'no U+FFFD reached the org');
    const run = readRecord(h.org, 'WalkMe_Sync_Run__c', result.runId!, ['Status__c', 'Rows_Invalid__c']);
    assert.deepEqual([run.Status__c, run.Rows_Invalid__c], ['Completed with errors', 1]);
  });

  test('a gzip export fails the run saying it is not a CSV text file; nothing is written', async () => {
    await writeReportBytes(h, 'b2', gzipSync('Email,Logins,Job Title\na@b1.test,9,Boss\n'));
    const result = await runSync({
      org: targetOrg(h.conn),
      integration: withJobTitle('b2'),
      source: h.source,
      options: fastOptions()
    });
    assert.equal(result.status, 'Failed');
    assert.match(result.error!, /this is not a CSV text file \(it looks like a gzip archive\)/);
    assert.equal(result.counts.read, 0);
  });
});
