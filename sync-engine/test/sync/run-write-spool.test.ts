/**
 * A run with more records waiting for their write than the heap keeps (issue 14, "Memory"): they wait in a file
 * of the temporary folder, are all written from it, and the file is gone when the run ends, also when the run
 * stops before its write.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { runSync } from '../../src/sync/run-sync.js';
import { RECORDS_IN_MEMORY } from '../../src/sync/write/write-spool.js';
import {
  fastOptions,
  HEADER,
  integrationFor,
  loadLeads,
  readRecord,
  startHarness,
  targetOrg,
  writeReport,
  type Harness
} from './harness.js';

const ROWS = RECORDS_IN_MEMORY + 500;
const spoolDirs = () => readdirSync(tmpdir()).filter((name) => name.startsWith('walkme-writes-'));

describe('runSync: records waiting for their write past what the heap keeps', () => {
  let h: Harness;
  let ids: string[];
  before(async () => {
    h = await startHarness();
    ids = loadLeads(
      h.org,
      Array.from({ length: ROWS }, (_, i) => ({
        Email: `spool${i}@example.test`,
        WalkMe_Logins_Last_30_Days__c: 1,
        WalkMe_NPS_Category__c: 'Passive'
      }))
    );
  });
  after(async () => h.stop());

  test('every record is written from the spool file, which the run removes', async () => {
    const before = new Set(spoolDirs());
    await writeReport(h.dir, 'spool', [
      HEADER,
      ...ids.map((_, i) => [`spool${i}@example.test`, '', `${i + 2}`, ''])
    ]);
    const result = await runSync({
      org: targetOrg(h.conn),
      integration: integrationFor('spool'),
      source: h.source,
      options: fastOptions()
    });
    assert.equal(result.status, 'Completed', result.error);
    assert.equal(result.counts.updated, ROWS);
    assert.equal(result.strategy.write, 'bulk-ingest');
    assert.match(
      result.log.join('\n'),
      new RegExp(`${ROWS} records waited for their write, .* in a temporary file`)
    );
    for (const i of [0, RECORDS_IN_MEMORY, ROWS - 1]) {
      const record = readRecord(h.org, 'Lead', ids[i], ['WalkMe_Logins_Last_30_Days__c']);
      assert.equal(record.WalkMe_Logins_Last_30_Days__c, i + 2);
    }
    assert.deepEqual(
      spoolDirs().filter((name) => !before.has(name)),
      []
    );
  });

  test('a run the mass-change guard stops fails its queued rows, not attempted, and removes the file', async () => {
    const before = new Set(spoolDirs());
    // Every row clears its NPS category: far past the guard's 20 %.
    const integration = integrationFor('spool-clears', {
      mappings: integrationFor('spool-clears').mappings.map((mapping) =>
        mapping.field === 'WalkMe_NPS_Category__c' ? { ...mapping, blank: 'clear' } : mapping
      )
    });
    await writeReport(h.dir, 'spool-clears', [
      HEADER,
      ...ids.map((_, i) => [`spool${i}@example.test`, '', '7', ''])
    ]);
    const result = await runSync({
      org: targetOrg(h.conn),
      integration,
      source: h.source,
      options: fastOptions()
    });
    assert.equal(result.status, 'Failed');
    assert.equal(result.counts.failed, ROWS);
    assert.equal(result.rejectedByReason.length, 1);
    assert.equal(result.rejected.length + result.rejectedOmitted, ROWS);
    assert.match(result.rejected[0].reason ?? '', /^not attempted: /);
    assert.equal(
      readRecord(h.org, 'Lead', ids[0], ['WalkMe_Logins_Last_30_Days__c']).WalkMe_Logins_Last_30_Days__c,
      2
    );
    assert.deepEqual(
      spoolDirs().filter((name) => !before.has(name)),
      []
    );
  });
});
