/**
 * The mass-change guard through the org emulator: a truncated report or a column blank for everyone stops
 * the run before it writes; "Allow Large Changes Once" lets one run through and is unticked after it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runSync } from '../../src/sync/run-sync.js';
import type { FieldMapping, IntegrationDefinition } from '../../src/domain/integration.js';
import { findIntegration, toIntegrationRecord } from '../../src/salesforce/integration-reader.js';
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

const NPS = 'WalkMe_NPS_Category__c';

describe('the mass-change guard', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.stop());

  const run = (integration: IntegrationDefinition, options = {}) =>
    runSync({ org: targetOrg(h.conn), integration, source: h.source, options: fastOptions(options) });

  /** An integration saved in the org, read back as a run reads it. */
  async function saved(
    reportId: string,
    fields: Record<string, unknown> = {}
  ): Promise<IntegrationDefinition> {
    const mappings = integrationFor(reportId).mappings.map((m): FieldMapping =>
      m.field === NPS ? { ...m, blank: 'clear' } : m
    );
    await h.conn
      .sobject('WalkMe_Integration__c')
      .create({ ...toIntegrationRecord(integrationFor(reportId, { mappings })), ...fields });
    return (await findIntegration(h.conn, `Test ${reportId}`))!;
  }

  const emails = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `u${i}@${tag}.test`);

  test('a header-only report after a run with rows stops the run: Failed, nothing written, the counts named', async () => {
    const people = emails('g1', 10);
    loadLeads(
      h.org,
      people.map((Email) => ({ Email, WalkMe_Logins_Last_30_Days__c: 1 }))
    );
    await writeReport(h.dir, 'g1', [HEADER, ...people.map((email) => [email, '', '2', ''])]);
    const first = await run(await saved('g1'));
    assert.equal(first.status, 'Completed');
    const integration = (await findIntegration(h.conn, 'Test g1'))!;
    assert.equal(integration.lastSuccessfulRows, 10);

    await writeReport(h.dir, 'g1', [HEADER]);
    const truncated = await run(integration);
    assert.equal(truncated.status, 'Failed');
    assert.equal(truncated.failureKind, 'mass-change');
    assert.match(
      truncated.error!,
      /The report "Report g1" has 0 rows, under 50 % of the 10 rows of the last successful run: a truncated or partial export\? Nothing was written\. If the change is expected, tick "Allow Large Changes Once"/
    );
    const after = (await findIntegration(h.conn, 'Test g1'))!;
    assert.equal(after.lastSuccessfulRows, 10, 'a failed run leaves the reference count');

    await writeReport(h.dir, 'g1', [HEADER, ...people.slice(0, 4).map((email) => [email, '', '3', ''])]);
    const partial = await run(after);
    assert.equal(partial.status, 'Failed');
    assert.match(partial.error!, /has 4 rows, under 50 % of the 10 rows/);
    assert.equal(partial.counts.read, 0, 'stopped before a row was matched');
    for (const email of people.slice(0, 4)) {
      const [lead] = h.org.data.query(
        `SELECT WalkMe_Logins_Last_30_Days__c FROM Lead WHERE Email = '${email}'`
      );
      assert.equal(lead.WalkMe_Logins_Last_30_Days__c, 2);
    }
  });

  test('a column blank for everyone under "clear" stops the run before it writes, naming the field', async () => {
    const people = emails('g2', 10);
    const ids = loadLeads(
      h.org,
      people.map((Email) => ({ Email, [NPS]: 'Promoter' }))
    );
    await writeReport(h.dir, 'g2', [HEADER, ...people.map((email) => [email, '', '2', ''])]);
    const integration = await saved('g2');
    const result = await run(integration);
    assert.equal(result.status, 'Failed');
    assert.match(
      result.error!,
      /The run would clear WalkMe_NPS_Category__c on 10 of the 10 records it matched \(100 %, more than 20 %\)/
    );
    for (const id of ids) assert.equal(readRecord(h.org, 'Lead', id, [NPS])[NPS], 'Promoter');

    const dry = await run(integration, { dryRun: true });
    assert.equal(dry.status, 'Failed', 'a dry run shows the guard would stop the run');
    assert.equal(dry.counts.updated, 10);
  });

  test('"Allow Large Changes Once" lets one run through and is unticked after it; a few clears never trip', async () => {
    const people = emails('g3', 10);
    const ids = loadLeads(
      h.org,
      people.map((Email) => ({ Email, [NPS]: 'Promoter' }))
    );
    await writeReport(h.dir, 'g3', [HEADER, ...people.map((email) => [email, '', '2', ''])]);
    const integration = await saved('g3', { Allow_Large_Changes_Once__c: true });
    const dry = await run(integration, { dryRun: true });
    assert.equal(dry.status, 'Completed');
    assert.equal(
      readRecord(h.org, 'WalkMe_Integration__c', integration.id!, ['Allow_Large_Changes_Once__c'])
        .Allow_Large_Changes_Once__c,
      true,
      'a dry run does not use the switch up'
    );
    const allowed = await run(integration);
    assert.equal(allowed.status, 'Completed');
    assert.equal(allowed.counts.updated, 10);
    assert.ok(allowed.log.some((line) => /"Allow Large Changes Once" is ticked: the run goes on/.test(line)));
    for (const id of ids) assert.equal(readRecord(h.org, 'Lead', id, [NPS])[NPS], null);
    const after = readRecord(h.org, 'WalkMe_Integration__c', integration.id!, [
      'Allow_Large_Changes_Once__c',
      'Last_Successful_Rows_Read__c'
    ]);
    assert.equal(after.Allow_Large_Changes_Once__c, false);
    assert.equal(after.Last_Successful_Rows_Read__c, 10);

    // Four values cleared out of ten records is 40 %, but under the five a mass change needs.
    const few = emails('g4', 10);
    loadLeads(
      h.org,
      few.map((Email) => ({ Email, [NPS]: 'Passive' }))
    );
    await writeReport(h.dir, 'g4', [
      HEADER,
      ...few.map((email, i) => [email, '', '2', i < 4 ? '' : 'Passive'])
    ]);
    const small = await run(await saved('g4'));
    assert.equal(small.status, 'Completed');
    assert.equal(small.counts.updated, 10);
  });
});
