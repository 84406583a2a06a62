import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runSync } from '../../src/sync/run-sync.js';
import type { RowOutcome, RunResult } from '../../src/domain/run-result.js';
import { toIntegrationRecord } from '../../src/salesforce/integration-reader.js';
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

function sumOf(result: RunResult): number {
  const { updated, unchanged, unmatched, ambiguous, invalid, failed } = result.counts;
  return updated + unchanged + unmatched + ambiguous + invalid + failed;
}

describe('runSync: outcomes against the org emulator', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.stop());

  test('each row ends in exactly one outcome; changed values are written, nothing else', async () => {
    const [changedId, sameId, quoteId] = loadLeads(h.org, [
      { Email: 'changed@o1.test', WalkMe_Logins_Last_30_Days__c: 1 },
      {
        Email: 'Same@O1.test',
        WalkMe_Last_Login__c: '2026-11-01T10:00:00.000Z',
        WalkMe_Logins_Last_30_Days__c: 4,
        WalkMe_NPS_Category__c: 'Promoter'
      },
      { Email: "o'brien@o1.test" }
    ]);
    await writeReport(h.dir, 'o1', [
      HEADER,
      ['changed@o1.test', '2026-11-02T08:00:00Z', '7', 'Passive'],
      ['same@o1.test', '2026-11-01T10:00:00Z', '4', 'promoter'],
      ["  O'Brien@o1.test ", '2026-11-03', '2', ''],
      ['nobody@o1.test', '2026-11-03', '2', ''],
      ['', '2026-11-03', '2', ''],
      ['CHANGED@o1.test', '2026-11-05', '9', ''],
      ['bad@o1.test', 'last tuesday', '2', ''],
      ['pick@o1.test', '', '', 'Fan']
    ]);
    const integrationId = (await h.conn
      .sobject('WalkMe_Integration__c')
      .create(toIntegrationRecord(integrationFor('o1')))) as unknown as { id: string };
    const outcomes: RowOutcome[] = [];
    const result = await runSync({
      org: targetOrg(h.conn),
      integration: { ...integrationFor('o1'), id: integrationId.id },
      source: h.source,
      options: fastOptions({ onOutcome: (outcome) => outcomes.push(outcome) })
    });
    assert.equal(result.error, undefined);
    assert.deepEqual(result.counts, {
      read: 8,
      updated: 2,
      unchanged: 1,
      unmatched: 1,
      ambiguous: 0,
      invalid: 4,
      failed: 0
    });
    assert.equal(sumOf(result), result.counts.read);
    assert.equal(outcomes.length, 8);
    assert.deepEqual(
      outcomes.map((outcome) => outcome.row).sort((a, b) => a - b),
      [1, 2, 3, 4, 5, 6, 7, 8]
    );
    const byRow = new Map(outcomes.map((outcome) => [outcome.row, outcome]));
    assert.equal(byRow.get(1)!.outcome, 'updated');
    assert.equal(byRow.get(2)!.outcome, 'unchanged');
    assert.equal(byRow.get(3)!.outcome, 'updated');
    assert.match(byRow.get(5)!.reason!, /empty key/);
    assert.match(byRow.get(6)!.reason!, /duplicate key in report \(first on row 1\)/);
    assert.match(byRow.get(7)!.reason!, /"Last Login" value "last tuesday".*WalkMe_Last_Login__c/);
    assert.match(byRow.get(8)!.reason!, /"NPS Category" value "Fan".*picklist/);
    assert.match(byRow.get(4)!.reason!, /no Lead with Email/);
    assert.equal(result.status, 'Completed with errors');

    const changed = readRecord(h.org, 'Lead', changedId, [
      'WalkMe_Last_Login__c',
      'WalkMe_Logins_Last_30_Days__c',
      'WalkMe_NPS_Category__c',
      'WalkMe_Last_Synced__c'
    ]);
    assert.equal(changed.WalkMe_Logins_Last_30_Days__c, 7);
    assert.equal(changed.WalkMe_NPS_Category__c, 'Passive');
    assert.match(String(changed.WalkMe_Last_Login__c), /^2026-11-02T08:00:00/);
    assert.equal(changed.WalkMe_Last_Synced__c, null, 'an unmapped field is never written');
    const quoted = readRecord(h.org, 'Lead', quoteId, ['WalkMe_Logins_Last_30_Days__c']);
    assert.equal(quoted.WalkMe_Logins_Last_30_Days__c, 2);
    assert.equal(
      readRecord(h.org, 'Lead', sameId, ['WalkMe_NPS_Category__c']).WalkMe_NPS_Category__c,
      'Promoter'
    );

    // The run record and the integration's last-run fields.
    assert.ok(result.runId);
    const run = readRecord(h.org, 'WalkMe_Sync_Run__c', result.runId!, [
      'Status__c',
      'Rows_Read__c',
      'Rows_Updated__c',
      'Rows_Invalid__c',
      'API_Calls__c',
      'Integration__c',
      'Error_Summary__c',
      'Dry_Run__c'
    ]);
    assert.equal(run.Status__c, 'Completed with errors');
    assert.equal(run.Rows_Read__c, 8);
    assert.equal(run.Rows_Updated__c, 2);
    assert.equal(run.Rows_Invalid__c, 4);
    assert.equal(run.API_Calls__c, result.apiCalls);
    assert.equal(run.Dry_Run__c, false);
    assert.match(String(run.Error_Summary__c), /invalid/);
    const integration = readRecord(h.org, 'WalkMe_Integration__c', integrationId.id, [
      'Last_Run__c',
      'Last_Run_Status__c',
      'Last_Run_Rows_Read__c'
    ]);
    assert.equal(integration.Last_Run__c, result.runId);
    assert.equal(integration.Last_Run_Rows_Read__c, 8);
  });

  test('keys with quotes and backslashes reach their record (escaped literals)', async () => {
    const [id] = loadLeads(h.org, [{ LastName: "Back\\slash 'n' Quote", Email: 'bs@o7.test' }]);
    await writeReport(h.dir, 'o7', [
      ['Name', 'Last Login', 'Logins', 'NPS Category'],
      ["back\\slash 'n' quote", '', '4', '']
    ]);
    const result = await runSync({
      org: targetOrg(h.conn),
      integration: integrationFor('o7', { reportKeyColumn: 'Name', objectKeyField: 'LastName' }),
      source: h.source,
      options: fastOptions()
    });
    assert.equal(result.counts.updated, 1, JSON.stringify(result.rejected));
    assert.equal(
      readRecord(h.org, 'Lead', id, ['WalkMe_Logins_Last_30_Days__c']).WalkMe_Logins_Last_30_Days__c,
      4
    );
  });

  test('a rerun with nothing changed writes nothing', async () => {
    loadLeads(h.org, [{ Email: 'a@o2.test' }, { Email: 'b@o2.test' }]);
    await writeReport(h.dir, 'o2', [
      HEADER,
      ['a@o2.test', '2026-11-02T08:00:00Z', '7', 'Passive'],
      ['b@o2.test', '', '3', '']
    ]);
    const first = await runSync({
      org: targetOrg(h.conn),
      integration: integrationFor('o2'),
      source: h.source,
      options: fastOptions()
    });
    assert.equal(first.counts.updated, 2);
    const before = h.org.calls.byKind.composite ?? 0;
    const second = await runSync({
      org: targetOrg(h.conn),
      integration: integrationFor('o2'),
      source: h.source,
      options: fastOptions()
    });
    assert.equal(second.counts.unchanged, 2);
    assert.equal(second.counts.updated, 0);
    assert.equal(second.strategy.write, 'none');
    assert.equal((h.org.calls.byKind.composite ?? 0) - before, 0, 'no Collections call');
    const full = await runSync({
      org: targetOrg(h.conn),
      integration: integrationFor('o2'),
      source: h.source,
      options: fastOptions({ full: true })
    });
    assert.equal(full.counts.updated, 2, '--full rewrites unchanged records');
  });

  test('ambiguity policies: update-all, skip (with the ids), most-recent', async () => {
    const [older, newer] = loadLeads(h.org, [
      { Email: 'twin@o3.test', LastModifiedDate: '2026-01-01T00:00:00.000Z' },
      { Email: 'TWIN@o3.test', LastModifiedDate: '2026-06-01T00:00:00.000Z' }
    ]);
    await writeReport(h.dir, 'o3', [HEADER, ['twin@o3.test', '', '5', '']]);
    const skip = await runSync({
      org: targetOrg(h.conn),
      integration: integrationFor('o3', { ambiguityPolicy: 'skip' }),
      source: h.source,
      options: fastOptions()
    });
    assert.equal(skip.counts.ambiguous, 1);
    assert.deepEqual([...skip.rejected[0].recordIds].sort(), [older, newer].sort());
    assert.match(skip.rejected[0].reason!, new RegExp(older));

    const recent = await runSync({
      org: targetOrg(h.conn),
      integration: integrationFor('o3', { ambiguityPolicy: 'most-recent' }),
      source: h.source,
      options: fastOptions()
    });
    assert.equal(recent.counts.updated, 1);
    assert.equal(
      readRecord(h.org, 'Lead', newer, ['WalkMe_Logins_Last_30_Days__c']).WalkMe_Logins_Last_30_Days__c,
      5
    );
    assert.equal(
      readRecord(h.org, 'Lead', older, ['WalkMe_Logins_Last_30_Days__c']).WalkMe_Logins_Last_30_Days__c,
      null
    );

    await writeReport(h.dir, 'o3', [HEADER, ['twin@o3.test', '', '6', '']]);
    const all = await runSync({
      org: targetOrg(h.conn),
      integration: integrationFor('o3'),
      source: h.source,
      options: fastOptions()
    });
    assert.equal(all.counts.updated, 1);
    for (const id of [older, newer]) {
      assert.equal(
        readRecord(h.org, 'Lead', id, ['WalkMe_Logins_Last_30_Days__c']).WalkMe_Logins_Last_30_Days__c,
        6
      );
    }
  });

  test('converted Leads: skipped with the reason, or followed to their Contact', async () => {
    const [contactId] = h.org.data
      .load('Contact', [{ LastName: 'Conv', Email: 'conv@o4.test' }])
      .map((record) => record.Id);
    loadLeads(h.org, [{ Email: 'conv@o4.test', IsConverted: true, ConvertedContactId: contactId }]);
    await writeReport(h.dir, 'o4', [HEADER, ['conv@o4.test', '', '8', '']]);
    const skipped = await runSync({
      org: targetOrg(h.conn),
      integration: integrationFor('o4'),
      source: h.source,
      options: fastOptions()
    });
    assert.equal(skipped.counts.unmatched, 1);
    assert.match(skipped.rejected[0].reason!, /converted/);

    const followed = await runSync({
      org: targetOrg(h.conn),
      integration: integrationFor('o4', { convertedLeadHandling: 'follow-to-contact' }),
      source: h.source,
      options: fastOptions()
    });
    assert.equal(followed.counts.updated, 1);
    assert.deepEqual(followed.rejected, []);
    assert.equal(
      readRecord(h.org, 'Contact', contactId, ['WalkMe_Logins_Last_30_Days__c'])
        .WalkMe_Logins_Last_30_Days__c,
      8
    );
  });

  test('a Lead and the Contact a converted Lead became are written in one sObject Collections call', async () => {
    const [contactId] = h.org.data
      .load('Contact', [{ LastName: 'Became', Email: 'became@o4b.test' }])
      .map((record) => record.Id);
    const [converted, lead] = loadLeads(h.org, [
      { Email: 'became@o4b.test', IsConverted: true, ConvertedContactId: contactId },
      { Email: 'still@o4b.test' }
    ]);
    await writeReport(h.dir, 'o4b', [
      HEADER,
      ['became@o4b.test', '', '8', ''],
      ['still@o4b.test', '', '9', '']
    ]);
    const result = await runSync({
      org: targetOrg(h.conn),
      integration: integrationFor('o4b', { convertedLeadHandling: 'follow-to-contact' }),
      source: h.source,
      options: fastOptions()
    });
    assert.equal(result.counts.updated, 2, result.log.join('\n'));
    assert.equal(result.callsByKind?.collections, 1, JSON.stringify(result.callsByKind));
    assert.ok(
      result.log.some((line) =>
        line.endsWith(' Writing 1 Contact and 1 Lead records with sObject Collections.')
      ),
      result.log.join('\n')
    );
    const logins = (objectName: string, id: string) =>
      readRecord(h.org, objectName, id, ['WalkMe_Logins_Last_30_Days__c']).WalkMe_Logins_Last_30_Days__c;
    assert.equal(logins('Contact', contactId), 8);
    assert.equal(logins('Lead', lead), 9);
    assert.notEqual(logins('Lead', converted), 8, 'a converted Lead is not written');
  });

  test('a dry run reports what would change, writes no record, records the run', async () => {
    const [id] = loadLeads(h.org, [{ Email: 'dry@o5.test', WalkMe_Logins_Last_30_Days__c: 1 }]);
    await writeReport(h.dir, 'o5', [HEADER, ['dry@o5.test', '', '3', '']]);
    const before = h.org.calls.byKind.composite ?? 0;
    const result = await runSync({
      org: targetOrg(h.conn),
      integration: integrationFor('o5'),
      source: h.source,
      options: fastOptions({ dryRun: true })
    });
    assert.equal(result.counts.updated, 1);
    assert.equal(result.strategy.write, 'none');
    assert.deepEqual(result.changesSample, [
      { recordId: id, field: 'WalkMe_Logins_Last_30_Days__c', before: 1, after: 3 }
    ]);
    assert.equal((h.org.calls.byKind.composite ?? 0) - before, 0);
    assert.equal(
      readRecord(h.org, 'Lead', id, ['WalkMe_Logins_Last_30_Days__c']).WalkMe_Logins_Last_30_Days__c,
      1
    );
    assert.equal(readRecord(h.org, 'WalkMe_Sync_Run__c', result.runId!, ['Dry_Run__c']).Dry_Run__c, true);
  });

  test('a Queued run record (Run Now) is moved to its final status; WalkMe_Last_Synced__c stamped when mapped', async () => {
    const [id] = loadLeads(h.org, [{ Email: 'queued@o6.test' }]);
    await writeReport(h.dir, 'o6', [HEADER, ['queued@o6.test', '', '3', '']]);
    const queued = (await h.conn
      .sobject('WalkMe_Sync_Run__c')
      .create({ Status__c: 'Queued', Trigger__c: 'Manual' })) as unknown as { id: string };
    const integration = integrationFor('o6');
    integration.mappings.push({
      column: '',
      columnType: 'datetime',
      field: 'WalkMe_Last_Synced__c',
      blank: 'keep'
    });
    const result = await runSync({
      org: targetOrg(h.conn),
      integration,
      source: h.source,
      options: fastOptions({ runId: queued.id })
    });
    assert.equal(result.runId, queued.id);
    assert.equal(readRecord(h.org, 'WalkMe_Sync_Run__c', queued.id, ['Status__c']).Status__c, 'Completed');
    const lead = readRecord(h.org, 'Lead', id, ['WalkMe_Last_Synced__c']);
    assert.equal(
      Date.parse(String(lead.WalkMe_Last_Synced__c).replace(/\+0000$/, 'Z')),
      Math.floor(result.startedAt.getTime() / 1_000) * 1_000,
      'stamped with the run start, which Salesforce keeps to the second'
    );
  });
});
