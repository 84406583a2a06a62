import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { rejectedRowsCsv } from '../../src/salesforce/run-recorder.js';
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
} from '../sync/harness.js';

describe('the run trace in the org', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.stop());

  test('rejected rows are attached to the run record as a CSV file; the error summary groups them', async () => {
    loadLeads(h.org, [{ Email: 'fine@rr.test' }, { Email: 'twin@rr.test' }, { Email: 'TWIN@rr.test' }]);
    await writeReport(h.dir, 'rr1', [
      HEADER,
      ['fine@rr.test', '2026-11-02T08:00:00Z', '3', ''],
      ['nobody@rr.test', '2026-11-02', '1', ''],
      ['other@rr.test', '2026-11-02', '1', ''],
      ['twin@rr.test', '2026-11-02', '1', ''],
      ['fine@rr.test', '2026-11-02', '5', ''],
      ['', '2026-11-02', '1', '']
    ]);
    const result = await runSync({
      org: targetOrg(h.conn),
      integration: integrationFor('rr1', { ambiguityPolicy: 'skip' }),
      source: h.source,
      options: fastOptions()
    });
    assert.equal(result.status, 'Completed with errors');
    assert.ok(result.runId && result.rejectedFileId, 'a run record and a file were written');
    assert.ok(!result.log.some((line) => line.includes('not attached')), result.log.join('\n'));

    const file = readRecord(h.org, 'ContentVersion', result.rejectedFileId, [
      'Title',
      'PathOnClient',
      'FirstPublishLocationId',
      'VersionData'
    ]);
    assert.equal(file.FirstPublishLocationId, result.runId);
    assert.equal(file.PathOnClient, 'rejected-rows.csv');
    assert.equal(file.Title, 'Rejected rows — Test rr1');
    const rows = parse(Buffer.from(String(file.VersionData), 'base64').toString('utf8'), {
      columns: true
    }) as Array<Record<string, string>>;
    assert.deepEqual(
      rows.map((row) => [row.Row, row.Outcome]),
      [
        ['2', 'unmatched'],
        ['3', 'unmatched'],
        ['4', 'ambiguous'],
        ['5', 'invalid'],
        ['6', 'invalid']
      ]
    );
    assert.equal(rows[2]['Record Ids'].split(';').length, 2, 'the conflicting ids are listed');
    assert.match(rows[3].Reason, /duplicate key in report \(first on row 1\)/);

    const run = readRecord(h.org, 'WalkMe_Sync_Run__c', result.runId, [
      'Error_Summary__c',
      'Rows_Invalid__c'
    ]);
    assert.equal(run.Rows_Invalid__c, 2);
    assert.match(String(run.Error_Summary__c), /^2 × unmatched$/m);
    assert.match(String(run.Error_Summary__c), /^1 × ambiguous$/m);
    assert.match(String(run.Error_Summary__c), /^1 × invalid: duplicate key in report$/m);
    assert.match(String(run.Error_Summary__c), /^1 × invalid: empty key in column "Email"$/m);
  });

  test('a run without rejected rows attaches no file', async () => {
    loadLeads(h.org, [{ Email: 'clean@rr.test' }]);
    await writeReport(h.dir, 'rr2', [HEADER, ['clean@rr.test', '2026-11-02T08:00:00Z', '3', '']]);
    const before = h.org.data.query('SELECT Id FROM ContentVersion').length;
    const result = await runSync({
      org: targetOrg(h.conn),
      integration: integrationFor('rr2'),
      source: h.source,
      options: fastOptions()
    });
    assert.equal(result.status, 'Completed');
    assert.equal(result.rejectedFileId, undefined);
    assert.equal(h.org.data.query('SELECT Id FROM ContentVersion').length, before);
  });

  test('the run record opens in one composite call with the describes the run plans from', async () => {
    loadLeads(h.org, [{ Email: 'packed@rr.test', LastName: 'Packed', Company: 'P' }]);
    await writeReport(h.dir, 'rr3', [HEADER, ['packed@rr.test', '2026-11-02T08:00:00Z', '4', '']]);
    const result = await runSync({
      org: targetOrg(h.conn),
      // Following converted Leads: Contact is described too, in the same call.
      integration: integrationFor('rr3', { convertedLeadHandling: 'follow-to-contact' }),
      source: h.source,
      options: fastOptions()
    });
    assert.equal(result.status, 'Completed', result.log.join('\n'));
    // /limits (which no composite may hold), the opening, one lookup, one write, the closing.
    assert.deepEqual(result.callsByKind, { limits: 1, composite: 2, query: 1, collections: 1 });
    const run = readRecord(h.org, 'WalkMe_Sync_Run__c', result.runId!, ['Status__c', 'API_Calls__c']);
    assert.equal(run.Status__c, 'Completed');
  });
});

describe('the rejected rows CSV', () => {
  test('cells a spreadsheet would run as formulas are neutralised (OWASP CSV injection)', () => {
    const csv = rejectedRowsCsv([
      { row: 1, key: '=HYPERLINK("http://evil.example","x")', outcome: 'unmatched', recordIds: [] },
      { row: 2, key: '+1 555', outcome: 'invalid', recordIds: [], reason: '@SUM(A1)' },
      { row: 3, key: '-2', outcome: 'invalid', recordIds: [], reason: '\tcmd' },
      { row: 4, key: 'a@b.example', outcome: 'failed', recordIds: ['00Q000000000001AAA'], statusCode: 'X' }
    ]);
    const rows = parse(csv, { columns: true }) as Array<Record<string, string>>;
    assert.equal(rows[0]!.Key, `'=HYPERLINK("http://evil.example","x")`);
    assert.equal(rows[1]!.Key, "'+1 555");
    assert.equal(rows[1]!.Reason, "'@SUM(A1)");
    assert.equal(rows[2]!.Key, "'-2");
    assert.equal(rows[2]!.Reason, "'\tcmd");
    assert.equal(rows[3]!.Key, 'a@b.example');
    assert.equal(rows[3]!.Row, '4');
  });
});
