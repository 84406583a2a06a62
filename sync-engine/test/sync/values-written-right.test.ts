/**
 * Values written the way Salesforce stores them (issue 12), through the org emulator: blank cells, checkboxes,
 * datetimes to the second, Id keys, keys no query can hold, dry runs, one Contact reached twice by a row,
 * rejected rows past the cap, and a round trip over every field type a report column can fill.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runSync } from '../../src/sync/run-sync.js';
import { caseSafeId } from '../../src/domain/salesforce-id.js';
import type { FieldMapping } from '../../src/domain/integration.js';
import { toIntegrationRecord } from '../../src/salesforce/integration-reader.js';
import {
  fastOptions,
  HEADER,
  integrationFor,
  loadLeads,
  fieldsOf,
  readRecord,
  startHarness,
  targetOrg,
  writeReport,
  type Harness
} from './harness.js';

const LOGINS = 'WalkMe_Logins_Last_30_Days__c';

const NPS = 'WalkMe_NPS_Category__c';

describe('values written exactly right', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.stop());

  const run = (reportId: string, overrides = {}, options = {}) =>
    runSync({
      org: targetOrg(h.conn),
      integration: integrationFor(reportId, overrides),
      source: h.source,
      options: fastOptions(options)
    });

  test('a blank cell keeps the Salesforce value unless its mapping says "clear"', async () => {
    const [kept, cleared] = loadLeads(h.org, [
      { Email: 'kept@v1.test', [LOGINS]: 4, [NPS]: 'Promoter' },
      { Email: 'cleared@v1.test', [LOGINS]: 4, [NPS]: 'Promoter' }
    ]);
    await writeReport(h.dir, 'v1', [HEADER, ['kept@v1.test', '', '5', '']]);
    const keep = await run('v1');
    assert.equal(keep.counts.updated, 1);
    assert.deepEqual(fieldsOf(h.org, 'Lead', kept, [LOGINS, NPS]), { [LOGINS]: 5, [NPS]: 'Promoter' });

    await writeReport(h.dir, 'v1b', [HEADER, ['cleared@v1.test', '', '4', '']]);
    const mappings = integrationFor('v1b').mappings.map((m): FieldMapping =>
      m.field === NPS ? { ...m, blank: 'clear' } : m
    );
    const clear = await run('v1b', { mappings });
    assert.equal(clear.counts.updated, 1);
    assert.deepEqual(fieldsOf(h.org, 'Lead', cleared, [LOGINS, NPS]), { [LOGINS]: 4, [NPS]: null });
  });

  test('Bulk API 2.0: a kept blank is an empty cell (left unchanged) even when the first record lacks the field', async () => {
    const [first, second] = loadLeads(h.org, [
      { Email: 'one@v1c.test', [LOGINS]: 1, [NPS]: 'Promoter' },
      { Email: 'two@v1c.test', [LOGINS]: 1, [NPS]: 'Promoter' }
    ]);
    await writeReport(h.dir, 'v1c', [
      HEADER,
      ['one@v1c.test', '', '5', ''],
      ['two@v1c.test', '', '6', 'Passive']
    ]);
    const result = await run('v1c', {}, { plan: { write: 'bulk-ingest' } });
    assert.equal(result.strategy.write, 'bulk-ingest');
    assert.equal(result.counts.updated, 2);
    assert.deepEqual(fieldsOf(h.org, 'Lead', first, [LOGINS, NPS]), { [LOGINS]: 5, [NPS]: 'Promoter' });
    assert.deepEqual(fieldsOf(h.org, 'Lead', second, [LOGINS, NPS]), { [LOGINS]: 6, [NPS]: 'Passive' });
  });

  test('a blank checkbox cell never sends null: kept, or set false under "clear"', async () => {
    const [id] = loadLeads(h.org, [{ Email: 'box@v2.test', HasOptedOutOfEmail: true }]);
    const header = ['Email', 'Opted Out'];
    await writeReport(h.dir, 'v2', [header, ['box@v2.test', '']]);
    const mapping: FieldMapping = {
      column: 'Opted Out',
      columnType: 'boolean',
      field: 'HasOptedOutOfEmail',
      blank: 'keep'
    };
    const kept = await run('v2', { mappings: [mapping] });
    assert.equal(kept.status, 'Completed');
    assert.equal(kept.counts.unchanged, 1);
    const cleared = await run('v2', { mappings: [{ ...mapping, blank: 'clear' }] });
    assert.equal(cleared.status, 'Completed');
    assert.equal(cleared.counts.updated, 1);
    assert.equal(readRecord(h.org, 'Lead', id, ['HasOptedOutOfEmail']).HasOptedOutOfEmail, false);
    const again = await run('v2', { mappings: [{ ...mapping, blank: 'clear' }] });
    assert.equal(again.counts.unchanged, 1, 'false stays false: no daily rewrite');
  });

  test('a datetime with milliseconds is written once: Salesforce keeps seconds, so the next run writes nothing', async () => {
    const [id] = loadLeads(h.org, [{ Email: 'ms@v3.test' }]);
    await writeReport(h.dir, 'v3', [HEADER, ['ms@v3.test', '2026-11-02T08:00:00.789Z', '', '']]);
    assert.equal((await run('v3')).counts.updated, 1);
    assert.equal(
      readRecord(h.org, 'Lead', id, ['WalkMe_Last_Login__c']).WalkMe_Last_Login__c,
      '2026-11-02T08:00:00.000+0000',
      'the org emulator drops the fraction as Salesforce does'
    );
    const second = await run('v3');
    assert.equal(second.counts.updated, 0);
    assert.equal(second.counts.unchanged, 1);
  });

  test('Id keys: a 15-character id matches its 18-character Id, ids that differ in case stay apart', async () => {
    const upper = caseSafeId('00Q5g00000AbCdE')!;
    const lower = caseSafeId('00Q5g00000abcde')!;
    loadLeads(h.org, [
      { Id: upper, Email: 'upper@v4.test' },
      { Id: lower, Email: 'lower@v4.test' }
    ]);
    const header = ['Id', 'Logins'];
    await writeReport(h.dir, 'v4', [header, ['00Q5g00000AbCdE', '11'], [lower, '22'], ['00Q5g0000', '3']]);
    const result = await run('v4', {
      reportKeyColumn: 'Id',
      objectKeyField: 'Id',
      mappings: [{ column: 'Logins', columnType: 'number', field: LOGINS, blank: 'keep' }]
    });
    assert.deepEqual(
      { updated: result.counts.updated, invalid: result.counts.invalid },
      { updated: 2, invalid: 1 }
    );
    assert.equal(readRecord(h.org, 'Lead', upper, [LOGINS])[LOGINS], 11);
    assert.equal(readRecord(h.org, 'Lead', lower, [LOGINS])[LOGINS], 22);
    assert.match(result.rejected[0].reason!, /column "Id": the key is not a Salesforce id/);
  });

  test('a key no query can hold makes its row invalid, with the reason; the run goes on', async () => {
    const [id] = loadLeads(h.org, [{ Email: 'fine@v5.test', [LOGINS]: 1 }]);
    await writeReport(h.dir, 'v5', [
      HEADER,
      ['x'.repeat(4_001), '', '1', ''],
      ['é'.repeat(3_000), '', '1', ''],
      ['fine@v5.test', '', '2', '']
    ]);
    const result = await run('v5');
    assert.equal(result.status, 'Completed with errors');
    assert.deepEqual(
      { invalid: result.counts.invalid, updated: result.counts.updated },
      { invalid: 2, updated: 1 }
    );
    assert.match(result.rejected[0].reason!, /4001 characters long; SOQL compares at most 4000/);
    assert.match(result.rejected[1].reason!, /too long to fit in a query URL/);
    assert.equal(readRecord(h.org, 'Lead', id, [LOGINS])[LOGINS], 2);
  });

  test("a dry run leaves the integration's last-run fields as they were", async () => {
    loadLeads(h.org, [{ Email: 'dry@v6.test', [LOGINS]: 1 }]);
    await writeReport(h.dir, 'v6', [HEADER, ['dry@v6.test', '', '3', '']]);
    const created = (await h.conn
      .sobject('WalkMe_Integration__c')
      .create(toIntegrationRecord(integrationFor('v6')))) as unknown as { id: string };
    const fields = [
      'Last_Run__c',
      'Last_Run_Status__c',
      'Last_Run_Rows_Updated__c',
      'Last_Successful_Rows_Read__c'
    ];
    const before = fieldsOf(h.org, 'WalkMe_Integration__c', created.id, fields);
    const result = await run('v6', { id: created.id }, { dryRun: true });
    assert.equal(result.counts.updated, 1);
    assert.deepEqual(fieldsOf(h.org, 'WalkMe_Integration__c', created.id, fields), before);
    assert.equal(readRecord(h.org, 'WalkMe_Sync_Run__c', result.runId!, ['Dry_Run__c']).Dry_Run__c, true);

    const real = await run('v6', { id: created.id });
    assert.deepEqual(fieldsOf(h.org, 'WalkMe_Integration__c', created.id, fields), {
      Last_Run__c: real.runId,
      Last_Run_Status__c: 'Completed',
      Last_Run_Rows_Updated__c: 1,
      Last_Successful_Rows_Read__c: 1
    });
  });

  test('two Leads of one key converted into one Contact: the Contact is written once, the row updated', async () => {
    const [contactId] = h.org.data
      .load('Contact', [{ LastName: 'Merged', Email: 'merged@v7.test' }])
      .map((record) => record.Id);
    loadLeads(h.org, [
      { Email: 'merged@v7.test', IsConverted: true, ConvertedContactId: contactId },
      { Email: 'merged@v7.test', IsConverted: true, ConvertedContactId: contactId }
    ]);
    await writeReport(h.dir, 'v7', [HEADER, ['merged@v7.test', '', '9', '']]);
    const result = await run('v7', {
      convertedLeadHandling: 'follow-to-contact',
      ambiguityPolicy: 'update-all'
    });
    assert.equal(result.error, undefined);
    assert.equal(result.status, 'Completed');
    assert.equal(result.counts.updated, 1);
    assert.deepEqual(result.rejected, []);
    assert.equal(readRecord(h.org, 'Contact', contactId, [LOGINS])[LOGINS], 9);
  });

  test('rejected rows past the cap are still counted by reason; the run record says how many the file left out', async () => {
    await writeReport(h.dir, 'v8', [
      HEADER,
      ...['a', 'b', 'c', 'd', 'e'].map((name) => [`${name}@nobody.v8.test`, '', '1', '']),
      ['bad@v8.test', 'not a time', '1', ''],
      ['', '', '1', '']
    ]);
    const result = await run('v8', {}, { rejectedCap: 2 });
    assert.equal(result.rejected.length, 2);
    assert.equal(result.rejectedOmitted, 5);
    assert.deepEqual(
      result.rejectedByReason.map(({ reason, rows }) => `${rows} × ${reason}`),
      [
        '5 × unmatched',
        '1 × invalid: column "Last Login" does not fit WalkMe_Last_Login__c (datetime): not a datetime (expected ISO 8601, e.g. 2024-05-01T12:34:56Z)',
        '1 × invalid: empty key in column "Email"'
      ]
    );
    const summary = String(
      readRecord(h.org, 'WalkMe_Sync_Run__c', result.runId!, ['Error_Summary__c']).Error_Summary__c
    );
    assert.match(summary, /^5 × unmatched$/m);
    assert.match(
      summary,
      /5 rejected rows beyond the first 2 are counted above but not in the attached file/
    );
  });

  test('round trip per field type: a report synced twice writes nothing the second time', async () => {
    const fields: Array<Parameters<Harness['org']['data']['schema']['addField']>[1]> = [
      { name: 'RT_Date__c', type: 'date' },
      { name: 'RT_Text__c', type: 'string', length: 20 },
      { name: 'RT_Area__c', type: 'textarea', length: 1000 },
      { name: 'RT_Url__c', type: 'url', length: 255 },
      { name: 'RT_Phone__c', type: 'phone', length: 40 },
      { name: 'RT_Email__c', type: 'email', length: 80 },
      { name: 'RT_Amount__c', type: 'currency', precision: 16, scale: 2 },
      { name: 'RT_Flag__c', type: 'boolean' }
    ];
    for (const spec of fields) h.org.data.schema.addField('Lead', spec);
    const columns: Array<[string, FieldMapping['columnType'], string, string]> = [
      ['Last Login', 'datetime', 'WalkMe_Last_Login__c', '2026-11-02T08:00:00.789+02:00'],
      ['Completion', 'percent', 'WalkMe_Onboarding_Completion__c', '87.456%'],
      ['Category', 'string', NPS, 'promoter'],
      ['Employees', 'number', 'NumberOfEmployees', '250'],
      ['Score', 'number', 'WalkMe_NPS_Score__c', '9.4'],
      ['Day', 'date', 'RT_Date__c', '2026-11-02T23:30:00-08:00'],
      ['Text', 'string', 'RT_Text__c', '  padded  '],
      ['Area', 'string', 'RT_Area__c', 'line one\nline two'],
      ['Url', 'string', 'RT_Url__c', 'https://example.com/a?b=c'],
      ['Phone', 'string', 'RT_Phone__c', '+1 (555) 010-0000'],
      ['Mail', 'email', 'RT_Email__c', 'Ann@Example.com'],
      ['Amount', 'number', 'RT_Amount__c', '1234.567'],
      ['Flag', 'boolean', 'RT_Flag__c', 'yes']
    ];
    const [id] = loadLeads(h.org, [{ Email: 'types@v9.test' }]);
    await writeReport(h.dir, 'v9', [
      ['Email', ...columns.map(([column]) => column)],
      ['types@v9.test', ...columns.map(([, , , value]) => value)]
    ]);
    const mappings = columns.map(([column, columnType, field]): FieldMapping => ({
      column,
      columnType,
      field,
      blank: 'keep'
    }));
    const first = await run('v9', { mappings });
    assert.equal(first.status, 'Completed', first.rejected[0]?.reason);
    assert.equal(first.counts.updated, 1);
    assert.deepEqual(fieldsOf(h.org, 'Lead', id, ['RT_Amount__c', 'RT_Text__c', 'RT_Date__c']), {
      RT_Amount__c: 1234.57,
      RT_Text__c: 'padded',
      RT_Date__c: '2026-11-02'
    });
    const second = await run('v9', { mappings }, { changesSampleSize: 50, dryRun: true });
    assert.deepEqual(second.changesSample, [], 'nothing differs from what Salesforce stored');
    const third = await run('v9', { mappings });
    assert.equal(third.counts.updated, 0);
    assert.equal(third.counts.unchanged, 1);
  });
});
