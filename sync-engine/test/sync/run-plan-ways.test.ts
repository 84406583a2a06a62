/**
 * The plan's ways through the org emulator: SOQL five statements to a composite call, sObject Collections five
 * to a composite call (each record's result mapped back to its row), and a Bulk query chosen by cost when the
 * object's record count makes it cheaper — each spending the calls its forecast said.
 */
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
  targetOrg,
  writeReport,
  type Harness
} from './harness.js';

const LOGINS = 'WalkMe_Logins_Last_30_Days__c';

describe('the plan: composite queries and writes, Bulk by cost', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.stop());

  const people = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `p${i}@${tag}.test`);

  test('SOQL statements go five to a composite call, and the matches are the same', async () => {
    const emails = people('c1', 300);
    loadLeads(
      h.org,
      emails.map((Email) => ({ Email, [LOGINS]: 1 }))
    );
    await writeReport(h.dir, 'c1', [HEADER, ...emails.map((email) => [email, '', '2', ''])]);
    h.org.calls.reset();
    const result = await runSync({
      org: targetOrg(h.conn),
      integration: integrationFor('c1'),
      source: h.source,
      options: fastOptions({ maxUrlBytes: 2_500, record: false })
    });
    assert.equal(result.strategy.match, 'soql-composite');
    assert.equal(result.counts.updated, 300);
    const compositeCalls = h.org.calls.byKind.compositeRequest ?? 0;
    assert.equal(h.org.calls.byKind.query ?? 0, 0, 'no query outside a composite call');
    assert.ok(compositeCalls >= 1);
    assert.equal(result.strategy.forecast!.match + (result.strategy.forecast!.write ?? 0), compositeCalls);
    assert.ok(
      result.log.some((line) => / Plan: match with soql-composite \d+ calls? \(soql \d+\)/.test(line))
    );
    assert.equal(result.callsByKind?.composite, compositeCalls);
  });

  test('900 changed records: one composite call of five Collections, a refused record mapped to its row', async () => {
    const emails = people('c2', 900);
    const ids = loadLeads(
      h.org,
      emails.map((Email) => ({ Email, [LOGINS]: 1 }))
    );
    await writeReport(h.dir, 'c2', [HEADER, ...emails.map((email) => [email, '', '2', ''])]);
    h.org.faults.validationRules.push({
      object: 'Lead',
      predicate: (record) => record.Email === 'p450@c2.test',
      message: 'Blocked by a rule.'
    });
    try {
      h.org.calls.reset();
      const result = await runSync({
        org: targetOrg(h.conn),
        integration: integrationFor('c2'),
        source: h.source,
        options: fastOptions({ record: false, plan: { match: 'soql' } })
      });
      assert.equal(result.strategy.write, 'collections-composite');
      assert.equal(result.strategy.forecast!.write, 1);
      assert.deepEqual(
        { updated: result.counts.updated, failed: result.counts.failed },
        { updated: 899, failed: 1 }
      );
      assert.equal(result.rejected[0].key, 'p450@c2.test');
      assert.match(result.rejected[0].reason!, /FIELD_CUSTOM_VALIDATION_EXCEPTION: Blocked by a rule\./);
      assert.equal(h.org.calls.byKind.compositeRequest, 1, 'the write is one call');
      assert.equal(h.org.calls.byKind.composite ?? 0, 0, 'no Collections call of its own');
      assert.equal(readRecord(h.org, 'Lead', ids[0], [LOGINS])[LOGINS], 2);
      assert.equal(readRecord(h.org, 'Lead', ids[450], [LOGINS])[LOGINS], 1);
    } finally {
      h.org.faults.validationRules.length = 0;
    }
  });

  test("a report whose lookups would cost more than a Bulk query of the object asks the object's size, then queries it in bulk", async () => {
    const emails = people('c3', 900);
    loadLeads(
      h.org,
      emails.map((Email) => ({ Email, [LOGINS]: 1 }))
    );
    await writeReport(h.dir, 'c3', [HEADER, ...emails.map((email) => [email, '', '3', ''])]);
    h.org.calls.reset();
    const result = await runSync({
      org: targetOrg(h.conn),
      integration: integrationFor('c3'),
      source: h.source,
      options: fastOptions({ maxUrlBytes: 1_000, record: false })
    });
    assert.equal(result.strategy.match, 'bulk-query');
    assert.equal(result.counts.updated, 900);
    assert.ok(result.log.some((line) => /Lead holds \d+ records\./.test(line)));
    assert.equal(h.org.calls.byKind.recordCount, 1, 'asked once, since the lookups would cost more');
  });
});
