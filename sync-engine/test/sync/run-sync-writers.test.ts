import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runSync } from '../../src/sync/run-sync.js';
import {
  fastOptions,
  HEADER,
  integrationFor,
  loadLeads,
  readRecord,
  startHarness,
  writeReport,
  type Harness,
  targetOrg
} from './harness.js';

describe('runSync: matching strategies, writers and write failures', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.stop());

  test('Bulk API 2.0 query and ingest when the plan takes them, with failed rows mapped back', async () => {
    const ids = loadLeads(
      h.org,
      Array.from({ length: 30 }, (_, i) => ({
        Email: `bulk${i}@w1.test`,
        WalkMe_Logins_Last_30_Days__c: i < 10 ? 5 : 0
      }))
    );
    h.org.faults.validationRules.push({
      object: 'Lead',
      predicate: (record) => record.WalkMe_Logins_Last_30_Days__c === 99,
      message: 'Logins cannot be 99',
      field: 'WalkMe_Logins_Last_30_Days__c'
    });
    const rows = ids.map((_, i) => [`bulk${i}@w1.test`, '', i === 20 ? '99' : '5', '']);
    await writeReport(h.dir, 'w1', [HEADER, ...rows, ['missing@w1.test', '', '1', '']]);
    const result = await runSync({
      org: targetOrg(h.conn),
      integration: integrationFor('w1'),
      source: h.source,
      options: fastOptions({ plan: { match: 'bulk-query', write: 'bulk-ingest' } })
    });
    h.org.faults.validationRules.length = 0;
    assert.deepEqual([result.strategy.match, result.strategy.write], ['bulk-query', 'bulk-ingest']);
    assert.deepEqual(result.counts, {
      read: 31,
      updated: 19,
      unchanged: 10,
      unmatched: 1,
      ambiguous: 0,
      invalid: 0,
      failed: 1
    });
    const failed = result.rejected.find((row) => row.outcome === 'failed')!;
    assert.equal(failed.statusCode, 'FIELD_CUSTOM_VALIDATION_EXCEPTION');
    assert.equal(failed.recordIds[0], ids[20]);
    assert.equal(
      readRecord(h.org, 'Lead', ids[15], ['WalkMe_Logins_Last_30_Days__c']).WalkMe_Logins_Last_30_Days__c,
      5
    );
    assert.ok((h.org.calls.byKind.bulk2 ?? 0) > 0);
  });

  test('Bulk API 2.0 query over several result pages: later pages match, their headers never do', async () => {
    // The emulator, like Salesforce, starts every results page with the CSV header (10,000 rows a page).
    const ids = loadLeads(
      h.org,
      Array.from({ length: 10_050 }, (_, i) => ({ Email: `page${i}@w0.test` }))
    );
    await writeReport(h.dir, 'w0', [HEADER, ['page10040@w0.test', '', '3', ''], ['Email', '', '3', '']]);
    const result = await runSync({
      org: targetOrg(h.conn),
      integration: integrationFor('w0'),
      source: h.source,
      options: fastOptions({ plan: { match: 'bulk-query', write: 'collections' } })
    });
    assert.equal(result.strategy.match, 'bulk-query');
    assert.equal(result.counts.updated, 1);
    assert.equal(result.counts.unmatched, 1, JSON.stringify(result.rejected));
    assert.equal(
      readRecord(h.org, 'Lead', ids[10040], ['WalkMe_Logins_Last_30_Days__c']).WalkMe_Logins_Last_30_Days__c,
      3
    );
  });

  test('SOQL matching cuts queries by URL length; Collections write 200 a call', async () => {
    const count = 450;
    loadLeads(
      h.org,
      Array.from({ length: count }, (_, i) => ({ Email: `soql.user.${i}@w2.test` }))
    );
    await writeReport(h.dir, 'w2', [
      HEADER,
      ...Array.from({ length: count }, (_, i) => [`soql.user.${i}@w2.test`, '', '2', ''])
    ]);
    const queriesBefore = h.org.calls.byKind.query ?? 0;
    const compositeBefore = h.org.calls.byKind.composite ?? 0;
    const result = await runSync({
      org: targetOrg(h.conn),
      integration: integrationFor('w2'),
      source: h.source,
      options: fastOptions({ maxUrlBytes: 4_000, plan: { match: 'soql', write: 'collections' } })
    });
    assert.deepEqual([result.strategy.match, result.strategy.write], ['soql', 'collections']);
    assert.equal(result.counts.updated, count);
    const keyBytes = encodeURIComponent("'soql.user.100@w2.test',").length + 4; // quotes go as %27
    // At most every byte of the URL holds keys; at least all but 1,000 bytes (URL prefix and SELECT list) do.
    const fewest = Math.ceil(count / Math.floor(4_000 / keyBytes));
    const most = Math.ceil(count / Math.floor(3_000 / keyBytes));
    const queries = (h.org.calls.byKind.query ?? 0) - queriesBefore;
    assert.ok(queries >= fewest && queries <= most, `${queries} queries`);
    assert.equal((h.org.calls.byKind.composite ?? 0) - compositeBefore, Math.ceil(count / 200));
  });

  test('Collections writes keep at most `concurrency` calls in flight, and use them', async () => {
    const count = 1_000;
    loadLeads(
      h.org,
      Array.from({ length: count }, (_, i) => ({ Email: `parallel.${i}@w5.test` }))
    );
    await writeReport(h.dir, 'w5', [
      HEADER,
      ...Array.from({ length: count }, (_, i) => [`parallel.${i}@w5.test`, '', '4', ''])
    ]);
    h.org.faults.latencyMs = 60;
    h.org.calls.reset();
    const result = await runSync({
      org: targetOrg(h.conn),
      integration: integrationFor('w5'),
      source: h.source,
      options: fastOptions({ concurrency: 3, plan: { write: 'collections' } })
    });
    h.org.faults.latencyMs = 0;
    assert.equal(result.counts.updated, count);
    assert.equal(h.org.calls.byKind.composite, 5);
    assert.equal(h.org.calls.peakConcurrent, 3);
  });

  test('two runs at once on one connection each count only their own API calls', async () => {
    for (const id of ['w6a', 'w6b']) {
      loadLeads(h.org, [{ Email: `one@${id}.test` }]);
      await writeReport(h.dir, id, [HEADER, [`one@${id}.test`, '', '7', '']]);
    }
    const run = (id: string) =>
      runSync({
        org: targetOrg(h.conn),
        integration: integrationFor(id),
        source: h.source,
        options: fastOptions({ dryRun: true })
      });
    const alone = (await run('w6a')).apiCalls;
    h.org.calls.reset();
    const [a, b] = await Promise.all([run('w6a'), run('w6b')]);
    assert.equal(a.apiCalls, alone);
    assert.equal(b.apiCalls, alone);
    assert.equal(a.apiCalls + b.apiCalls, h.org.calls.total);
  });

  test('UNABLE_TO_LOCK_ROW rows are retried serially, then failed with the code', async () => {
    const [released, stuck, free] = loadLeads(h.org, [
      { Email: 'released@w3.test' },
      { Email: 'stuck@w3.test' },
      { Email: 'free@w3.test' }
    ]);
    h.org.faults.lockedIds.add(released);
    h.org.faults.lockedIds.add(stuck);
    setTimeout(() => h.org.faults.lockedIds.delete(released), 30);
    await writeReport(h.dir, 'w3', [
      HEADER,
      ['released@w3.test', '', '1', ''],
      ['stuck@w3.test', '', '1', ''],
      ['free@w3.test', '', '1', '']
    ]);
    const result = await runSync({
      org: targetOrg(h.conn),
      integration: integrationFor('w3'),
      source: h.source,
      options: fastOptions({ lockRetries: 3, lockBackoffMs: 40 })
    });
    h.org.faults.lockedIds.clear();
    assert.equal(result.counts.updated, 2);
    assert.equal(result.counts.failed, 1);
    assert.equal(result.rejected[0].statusCode, 'UNABLE_TO_LOCK_ROW');
    assert.deepEqual(result.rejected[0].recordIds, [stuck]);
    assert.equal(
      readRecord(h.org, 'Lead', released, ['WalkMe_Logins_Last_30_Days__c']).WalkMe_Logins_Last_30_Days__c,
      1
    );
    assert.equal(
      readRecord(h.org, 'Lead', free, ['WalkMe_Logins_Last_30_Days__c']).WalkMe_Logins_Last_30_Days__c,
      1
    );
  });

  test('validation-rule failures are reported with the code and message (Collections)', async () => {
    loadLeads(h.org, [{ Email: 'ok@w4.test' }, { Email: 'rule@w4.test' }]);
    h.org.faults.validationRules.push({
      object: 'Lead',
      predicate: (record) => record.WalkMe_Logins_Last_30_Days__c === 13,
      message: 'Unlucky number'
    });
    await writeReport(h.dir, 'w4', [HEADER, ['ok@w4.test', '', '12', ''], ['rule@w4.test', '', '13', '']]);
    const result = await runSync({
      org: targetOrg(h.conn),
      integration: integrationFor('w4'),
      source: h.source,
      options: fastOptions()
    });
    h.org.faults.validationRules.length = 0;
    assert.equal(result.counts.updated, 1);
    assert.equal(result.counts.failed, 1);
    assert.equal(result.rejected[0].statusCode, 'FIELD_CUSTOM_VALIDATION_EXCEPTION');
    assert.match(result.rejected[0].reason!, /Unlucky number/);
    assert.equal(result.status, 'Completed with errors');
  });
});
