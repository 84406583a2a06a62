import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { Connection } from '@jsforce/jsforce-node';
import { startOrgEmulator } from '../../../emulators/org/start.js';
import type { OrgEmulator, OrgHandle } from '../../../emulators/org/start.js';

const LEADS = 10_000;
const API = '/services/data/v62.0';

async function login(org: OrgHandle): Promise<Connection> {
  const conn = new Connection({
    oauth2: { loginUrl: org.loginUrl, clientId: org.clientId, clientSecret: org.clientSecret },
    version: '62.0'
  });
  await conn.login(org.username, org.password);
  return conn;
}

/** A raw request with the session, for what jsforce parses away (headers, exact CSV lines). */
async function raw(conn: Connection, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${conn.instanceUrl}${API}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${conn.accessToken}`, ...(init.headers ?? {}) }
  });
}

/** The result row of the record with this Id (jsforce types result rows without the job's columns). */
function rowWithId(rows: object[], id: string): Record<string, unknown> | undefined {
  return (rows as Array<Record<string, unknown>>).find((row) => row.Id === id);
}

/**
 * Uploads `bytes` of CSV (a header, then padding) in 1 MB chunks without holding them in memory; the org
 * refuses it from the declared length and drains the rest, as Express's body parser does.
 */
function uploadOfSize(
  conn: Connection,
  jobId: string,
  bytes: number
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${conn.instanceUrl}${API}/jobs/ingest/${jobId}/batches`,
      {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${conn.accessToken}`,
          'content-type': 'text/csv',
          'content-length': String(bytes)
        }
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      }
    );
    req.on('error', reject);
    const chunk = Buffer.alloc(1024 * 1024, 'x');
    let sent = 0;
    const pump = (): void => {
      while (sent < bytes) {
        const size = Math.min(chunk.length, bytes - sent);
        sent += size;
        if (!req.write(size === chunk.length ? chunk : chunk.subarray(0, size))) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

function leadIds(org: OrgHandle, where = ''): string[] {
  return org.data.query(`SELECT Id FROM Lead ${where} ORDER BY Id`).map((r) => String(r.Id));
}

describe('Bulk API 2.0 through jsforce', () => {
  let emulator: OrgEmulator;
  let org: OrgHandle;
  let conn: Connection;
  before(async () => {
    emulator = await startOrgEmulator({ seed: false });
    org = emulator.orgs.production;
    org.seed({
      records: {
        Lead: Array.from({ length: LEADS }, (_, i) => ({
          LastName: `Lead ${i}`,
          Company: 'Acme',
          Email: `lead${i}@example.com`
        }))
      }
    });
    conn = await login(org);
  });
  after(async () => {
    await emulator.stop();
  });

  test('updates 10,000 records, reporting each failure with its row', async () => {
    const ids = leadIds(org);
    assert.equal(ids.length, LEADS);
    org.faults.validationRules.push({
      object: 'Lead',
      predicate: (record) => record.WalkMe_Logins_Last_30_Days__c === 13,
      message: 'Thirteen logins are unlucky',
      field: 'WalkMe_Logins_Last_30_Days__c'
    });
    try {
      const input = ids.map((Id, i) => ({
        Id,
        WalkMe_Logins_Last_30_Days__c: i % 1000 === 0 ? 13 : i + 20,
        WalkMe_NPS_Category__c: i === 5 ? 'Fan' : 'Promoter',
        WalkMe_Onboarding_Completion__c: i === 7 ? null : 50
      }));
      const results = await conn.bulk2.loadAndWaitForResults({
        object: 'Lead',
        operation: 'update',
        input,
        pollInterval: 50,
        pollTimeout: 60_000
      });
      assert.equal(results.successfulResults.length, LEADS - 11);
      assert.equal(results.failedResults.length, 11);
      assert.equal(results.unprocessedRecords.length, 0);
      const unlucky = rowWithId(results.failedResults, ids[1000]);
      assert.equal(
        unlucky?.sf__Error,
        'FIELD_CUSTOM_VALIDATION_EXCEPTION:Thirteen logins are unlucky:WalkMe_Logins_Last_30_Days__c --'
      );
      const fan = rowWithId(results.failedResults, ids[5]);
      assert.match(
        String(fan?.sf__Error),
        /^INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST:.*:WalkMe_NPS_Category__c --$/
      );
      const ok = rowWithId(results.successfulResults, ids[1]);
      assert.deepEqual(
        { ...ok },
        {
          sf__Id: ids[1],
          sf__Created: 'false',
          Id: ids[1],
          WalkMe_Logins_Last_30_Days__c: '21',
          WalkMe_NPS_Category__c: 'Promoter',
          WalkMe_Onboarding_Completion__c: '50'
        }
      );
      const [one, seven, thousand] = org.data.query(
        `SELECT Id, WalkMe_Logins_Last_30_Days__c, WalkMe_Onboarding_Completion__c FROM Lead WHERE Id IN ('${ids[1]}', '${ids[7]}', '${ids[1000]}') ORDER BY Id`
      );
      assert.equal(one.WalkMe_Logins_Last_30_Days__c, 21);
      assert.equal(seven.WalkMe_Onboarding_Completion__c, null);
      assert.equal(thousand.WalkMe_Logins_Last_30_Days__c, null);
    } finally {
      org.faults.validationRules.length = 0;
    }
  });

  test('job info moves through InProgress, and result files are exact CSV', async () => {
    const ids = leadIds(org).slice(0, 1000);
    const job = conn.bulk2.createJob({ object: 'Lead', operation: 'update', lineEnding: 'LF' });
    await job.open();
    const csv = [
      'Id,LastName,Email',
      ...ids.map((id, i) => `${id},"Smith, ""Jr""",${i === 3 ? 'not-an-email' : ''}`)
    ];
    csv.push('00Qbogus,Nobody,');
    await job.uploadData(csv.join('\n') + '\n');
    await job.close();
    const states = new Set<string>();
    for (;;) {
      const info = await job.check();
      states.add(info.state);
      if (info.state === 'JobComplete') break;
    }
    assert.ok(states.has('InProgress'), [...states].join());
    const info = await job.check();
    assert.equal(info.numberRecordsProcessed, 1001);
    assert.equal(info.numberRecordsFailed, 2);
    for (const key of [
      'jobType',
      'totalProcessingTime',
      'apiActiveProcessingTime',
      'apexProcessingTime',
      'retries'
    ]) {
      assert.ok(key in info, key);
    }
    const failed = await (await raw(conn, `/jobs/ingest/${job.id}/failedResults`)).text();
    const lines = failed.split('\n');
    assert.equal(lines[0], '"sf__Id","sf__Error",Id,LastName,Email');
    assert.match(
      lines[1],
      new RegExp(
        `^"${ids[3]}","INVALID_EMAIL_ADDRESS:.*:Email --","${ids[3]}","Smith, ""Jr""","not-an-email"$`
      )
    );
    assert.match(lines[2], /^"","MALFORMED_ID:.*","00Qbogus","Nobody",""$/);
    assert.equal(lines.length, 4);
    const succeeded = await (await raw(conn, `/jobs/ingest/${job.id}/successfulResults`)).text();
    assert.equal(succeeded.split('\n')[1], `"${ids[0]}","false","${ids[0]}","Smith, ""Jr""",""`);
    const [lead] = org.data.query(`SELECT LastName, Email FROM Lead WHERE Id = '${ids[0]}'`);
    assert.deepEqual([lead.LastName, lead.Email], ['Smith, "Jr"', 'lead0@example.com']);
  });

  test('inserts records and reports the created ids', async () => {
    const results = await conn.bulk2.loadAndWaitForResults({
      object: 'Lead',
      operation: 'insert',
      input: [
        { LastName: 'New', Company: 'Acme', Email: 'new@example.com', WalkMe_NPS_Score__c: 9 },
        { LastName: null, Company: 'Acme', Email: 'missing@example.com', WalkMe_NPS_Score__c: 9 }
      ],
      pollInterval: 20,
      pollTimeout: 10_000
    });
    assert.equal(results.successfulResults.length, 1);
    const created = results.successfulResults[0];
    assert.equal(created.sf__Created, 'true');
    assert.match(String(created.sf__Id), /^00Q\w{15}$/);
    const [lead] = org.data.query(
      `SELECT Email, WalkMe_NPS_Score__c FROM Lead WHERE Id = '${created.sf__Id}'`
    );
    assert.deepEqual([lead.Email, lead.WalkMe_NPS_Score__c], ['new@example.com', 9]);
    assert.equal(results.failedResults.length, 1);
    assert.equal(results.failedResults[0].sf__Id, '');
    assert.match(String(results.failedResults[0].sf__Error), /^REQUIRED_FIELD_MISSING:.*LastName --$/);
  });

  test('an unknown column fails the job with Salesforce’s message', async () => {
    await assert.rejects(
      conn.bulk2.loadAndWaitForResults({
        object: 'Lead',
        operation: 'update',
        input: [{ Id: leadIds(org)[0], Bogus__c: 'x' }],
        pollInterval: 20,
        pollTimeout: 10_000
      }),
      { message: 'Ingest job failed to complete due to: InvalidBatch : Field name not found : Bogus__c' }
    );
  });

  test('a query job of more than 10,000 records is read across locator pages, parent fields flattened', async () => {
    const records: Array<Record<string, unknown>> = [];
    const stream = await conn.bulk2.query('SELECT Id, Email, Owner.Name FROM Lead', { pollInterval: 20 });
    await new Promise<void>((resolve, reject) => {
      stream.on('record', (record: Record<string, unknown>) => records.push(record));
      stream.on('end', () => resolve());
      stream.on('error', reject);
    });
    const total = org.data.query('SELECT Id FROM Lead').length;
    assert.ok(total > LEADS);
    // Every results page starts with the header row, and jsforce 3 feeds all pages to one CSV parser: the
    // header of the second page comes out as a record. The engine must drop it; Salesforce does the same.
    const headerRows = records.filter((r) => r.Id === 'Id');
    assert.deepEqual(headerRows, [{ Id: 'Id', Email: 'Email', 'Owner.Name': 'Owner.Name' }]);
    const leads = records.filter((r) => r.Id !== 'Id');
    assert.equal(leads.length, total);
    assert.equal(new Set(leads.map((r) => r.Id)).size, total);
    assert.deepEqual(Object.keys(leads[0]), ['Id', 'Email', 'Owner.Name']);
    assert.equal(leads[0]['Owner.Name'], 'Ada Admin');

    const created = (await (
      await raw(conn, '/jobs/query', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ operation: 'query', query: 'SELECT Id FROM Lead' })
      })
    ).json()) as { id: string; state: string };
    assert.equal(created.state, 'UploadComplete');
    let state = '';
    while (state !== 'JobComplete')
      state = ((await (await raw(conn, `/jobs/query/${created.id}`)).json()) as { state: string }).state;
    const first = await raw(conn, `/jobs/query/${created.id}/results?maxRecords=6000`);
    assert.equal(first.headers.get('sforce-numberofrecords'), '6000');
    const locator = String(first.headers.get('sforce-locator'));
    assert.notEqual(locator, 'null');
    const second = await raw(conn, `/jobs/query/${created.id}/results?locator=${locator}&maxRecords=6000`);
    assert.equal(second.headers.get('sforce-numberofrecords'), String(total - 6000));
    assert.equal(second.headers.get('sforce-locator'), 'null');
    assert.equal((await second.text()).split('\n')[0], '"Id"');
  });

  test('queries Bulk API 2.0 does not support are refused', async () => {
    for (const soql of [
      'SELECT COUNT() FROM Lead',
      'SELECT Email FROM Lead GROUP BY Email',
      'SELECT Id FROM Lead OFFSET 5'
    ]) {
      await assert.rejects(conn.bulk2.query(soql), { name: 'API_ERROR' }, soql);
    }
    await assert.rejects(conn.bulk2.query('SELECT Naem FROM Lead'), { name: 'INVALID_FIELD' });
  });

  test('unknown jobs and repeated uploads get Salesforce error bodies', async () => {
    const missing = await raw(conn, '/jobs/ingest/750000000000000AAA');
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), [
      { message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }
    ]);
    const job = conn.bulk2.createJob({ object: 'Lead', operation: 'update' });
    await job.open();
    const put = () =>
      raw(conn, `/jobs/ingest/${job.id}/batches`, {
        method: 'PUT',
        headers: { 'content-type': 'text/csv' },
        body: 'Id,Email\n'
      });
    assert.equal((await put()).status, 201);
    const again = await put();
    assert.equal(again.status, 400);
    assert.equal(((await again.json()) as Array<{ errorCode: string }>)[0].errorCode, 'INVALIDJOB');
    await job.abort();
    assert.equal((await job.check()).state, 'Aborted');
    await job.delete();
    assert.equal((await raw(conn, `/jobs/ingest/${job.id}`)).status, 404);
  });

  test('an upload over 100 MB is refused and the job stays open for a smaller one', async () => {
    const job = conn.bulk2.createJob({ object: 'Lead', operation: 'update' });
    await job.open();
    const over = await uploadOfSize(conn, job.id!, 100 * 1024 * 1024 + 1);
    assert.equal(over.status, 413);
    assert.equal(
      (JSON.parse(over.body) as Array<{ errorCode: string }>)[0].errorCode,
      'REQUEST_ENTITY_TOO_LARGE'
    );
    assert.equal((await job.check()).state, 'Open');
    await job.uploadData(`Id,Title\n${leadIds(org)[0]},Within limits\n`);
    await job.abort();
  });

  test('/limits counts one Bulk batch per 10,000 ingested records and each query job', async () => {
    const before = await conn.limits();
    await conn.bulk2.loadAndWaitForResults({
      object: 'Lead',
      operation: 'update',
      input: leadIds(org)
        .slice(0, 3)
        .map((Id) => ({ Id, Title: 'Counted' })),
      pollInterval: 20,
      pollTimeout: 10_000
    });
    const stream = await conn.bulk2.query('SELECT Id FROM Lead LIMIT 5', { pollInterval: 20 });
    await new Promise<void>((resolve, reject) => {
      stream.on('record', () => undefined);
      stream.on('end', () => resolve());
      stream.on('error', reject);
    });
    const after = await conn.limits();
    assert.equal(after.DailyBulkApiBatches.Max, 15_000);
    assert.equal(after.DailyBulkApiBatches.Remaining, before.DailyBulkApiBatches.Remaining - 1);
    assert.equal(after.DailyBulkV2QueryJobs.Max, 10_000);
    assert.equal(after.DailyBulkV2QueryJobs.Remaining, before.DailyBulkV2QueryJobs.Remaining - 1);
  });

  test('a query job over 100,000 characters of SOQL is refused with MALFORMED_QUERY', async () => {
    const emails = Array.from({ length: 6000 }, (_, i) => `'lead${i}@example.com'`).join(',');
    const soql = `SELECT Id FROM Lead WHERE Email IN (${emails})`;
    assert.ok(soql.length > 100_000);
    await assert.rejects(conn.bulk2.query(soql), {
      name: 'MALFORMED_QUERY',
      message: 'SOQL statements can not be longer than 100000 characters'
    });
  });
});
