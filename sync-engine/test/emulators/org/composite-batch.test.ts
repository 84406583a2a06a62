import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Connection } from '@jsforce/jsforce-node';
import { startOrgEmulator, type OrgEmulator, type OrgHandle } from '../../../emulators/org/start.js';
import { fixture, login, postJson } from './composite-helpers.js';

interface BatchAnswer {
  hasErrors: boolean;
  results: Array<{ statusCode: number; result: unknown }>;
}

const BATCH = '/services/data/v62.0/composite/batch';
const usage = (headers: Headers) =>
  Number(/api-usage=(\d+)\//.exec(headers.get('sforce-limit-info') ?? '')?.[1]);

describe('org emulator: POST /composite/batch', () => {
  let emulator: OrgEmulator;
  let org: OrgHandle;
  let conn: Connection;
  let leadId: string;
  before(async () => {
    emulator = await startOrgEmulator({ seed: false });
    org = emulator.orgs.production;
    conn = await login(org);
    leadId = org.data.load('Lead', [{ LastName: 'Batch', Company: 'Acme' }])[0].Id;
  });
  after(() => emulator.stop());
  beforeEach(() => {
    org.faults.reset();
    org.calls.reset();
  });

  test('the guide\'s "Update a Record and Get Its Field Values in a Single Request" answers exactly as printed', async () => {
    const doc = fixture<{ request: unknown; response: BatchAnswer }>('composite-batch.json');
    org.data.load('Account', [{ Id: '001D000000K0fXOIAZ', Name: 'OldName', BillingPostalCode: '94105' }]);
    const { status, body } = await postJson<BatchAnswer>(
      conn,
      '/services/data/v58.0/composite/batch',
      doc.request
    );
    assert.equal(status, 200);
    assert.deepEqual(body, doc.response);
  });

  test('through jsforce, with queries and /limits among the subrequests', async () => {
    const answer = await conn.requestPost<BatchAnswer>('/composite/batch', {
      batchRequests: [
        { method: 'GET', url: 'v62.0/query?q=SELECT+Id+FROM+Lead' },
        { method: 'GET', url: 'v62.0/limits' },
        { method: 'GET', url: `v62.0/sobjects/Lead/${leadId}?fields=LastName` }
      ]
    });
    assert.equal(answer.hasErrors, false);
    assert.deepEqual(
      answer.results.map((r) => r.statusCode),
      [200, 200, 200]
    );
    assert.equal((answer.results[0].result as { totalSize: number }).totalSize, 1);
    assert.ok('DailyApiRequests' in (answer.results[1].result as object));
  });

  test('a failure does not stop the batch, nor roll back the subrequests before it; hasErrors says so', async () => {
    const { body } = await postJson<BatchAnswer>(conn, BATCH, {
      batchRequests: [
        { method: 'PATCH', url: `v62.0/sobjects/Lead/${leadId}`, richInput: { Title: 'Committed' } },
        { method: 'PATCH', url: `v62.0/sobjects/Lead/${leadId}`, richInput: { Email: 'not an email' } },
        { method: 'GET', url: `v62.0/sobjects/Lead/${leadId}?fields=Title` }
      ]
    });
    assert.equal(body.hasErrors, true);
    assert.deepEqual(
      body.results.map((r) => r.statusCode),
      [204, 400, 200]
    );
    assert.equal(
      (body.results[1].result as Array<{ errorCode: string }>)[0].errorCode,
      'INVALID_EMAIL_ADDRESS'
    );
    assert.equal((body.results[2].result as { Title: string }).Title, 'Committed');
  });

  test('haltOnError: every subrequest after a failure answers 412 BATCH_PROCESSING_HALTED and is not counted', async () => {
    const { status, body, headers } = await postJson<BatchAnswer>(conn, BATCH, {
      haltOnError: true,
      batchRequests: [
        { method: 'GET', url: 'v62.0/sobjects/Lead/00Q000000000000AAA' },
        { method: 'PATCH', url: `v62.0/sobjects/Lead/${leadId}`, richInput: { Title: 'Never' } },
        { method: 'GET', url: 'v62.0/limits' }
      ]
    });
    assert.equal(status, 200);
    assert.equal(body.hasErrors, true);
    assert.deepEqual(
      body.results.map((r) => r.statusCode),
      [404, 412, 412]
    );
    assert.equal(
      (body.results[1].result as Array<{ errorCode: string }>)[0].errorCode,
      'BATCH_PROCESSING_HALTED'
    );
    assert.notEqual(org.data.find('Lead', leadId)?.Title, 'Never');
    assert.equal(org.calls.total, 1);
    assert.equal(usage(headers) > 0, true);
  });

  test('subrequests do not reference each other: @{…} is sent as written', async () => {
    const { body } = await postJson<BatchAnswer>(conn, BATCH, {
      batchRequests: [
        { method: 'PATCH', url: `v62.0/sobjects/Lead/${leadId}`, richInput: { Title: '@{first.id}' } },
        { method: 'GET', url: `v62.0/sobjects/Lead/${leadId}?fields=Title` }
      ]
    });
    assert.equal((body.results[1].result as { Title: string }).Title, '@{first.id}');
  });

  test('malformed subrequests fail the whole batch with 400 before any runs, whatever haltOnError says', async () => {
    const cases = [
      { method: 'FETCH', url: `v62.0/sobjects/Lead/${leadId}` },
      { method: 'GET', url: 'sobjects/Lead' },
      // "The API version of the resource accessed in each subrequest must be no earlier than 34.0 and no
      // later than the Batch version in the top-level request."
      { method: 'GET', url: 'v33.0/limits' },
      { method: 'GET', url: 'v62.0/limits' }
    ];
    for (const [i, bad] of cases.entries()) {
      const path = i === 3 ? '/services/data/v61.0/composite/batch' : BATCH;
      const { status } = await postJson(conn, path, {
        batchRequests: [
          { method: 'PATCH', url: `v62.0/sobjects/Lead/${leadId}`, richInput: { Title: `Malformed ${i}` } },
          bad
        ]
      });
      assert.equal(status, 400, JSON.stringify(bad));
      assert.notEqual(org.data.find('Lead', leadId)?.Title, `Malformed ${i}`);
    }
    const tooMany = await postJson(conn, BATCH, {
      batchRequests: Array.from({ length: 26 }, () => ({ method: 'GET', url: 'v62.0/limits' }))
    });
    assert.equal(tooMany.status, 400);
  });

  test('each subrequest counts as one API call — in the counters, /limits and Sforce-Limit-Info — where a composite counts one', async () => {
    const remaining = async () => (await conn.limits()).DailyApiRequests.Remaining;
    const start = await remaining();
    org.calls.reset();
    const subrequests = Array.from({ length: 3 }, () => ({ method: 'GET', url: 'v62.0/limits' }));
    const batch = await postJson<BatchAnswer>(conn, BATCH, { batchRequests: subrequests });
    assert.deepEqual(org.calls.byKind, { compositeBatch: 3 });
    assert.equal(org.calls.total, 3);
    const afterBatch = await remaining();
    assert.equal(afterBatch, start - 3 - 1, 'three subrequests and the /limits call');
    assert.equal(org.quota.max - usage(batch.headers), start - 3);

    org.calls.reset();
    const composite = await postJson(conn, '/services/data/v62.0/composite', {
      compositeRequest: Array.from({ length: 3 }, (_, i) => ({
        method: 'GET',
        url: '/services/data/v62.0/sobjects/Lead/describe',
        referenceId: `d${i}`
      }))
    });
    assert.deepEqual(org.calls.byKind, { compositeRequest: 1 });
    assert.equal(org.quota.max - usage(composite.headers), afterBatch - 1);
  });

  test('a subrequest past the daily quota answers 403 REQUEST_LIMIT_EXCEEDED', async () => {
    org.quota.set({ remaining: 2 });
    try {
      const { body } = await postJson<BatchAnswer>(conn, BATCH, {
        batchRequests: Array.from({ length: 3 }, () => ({ method: 'GET', url: 'v62.0/limits' }))
      });
      assert.deepEqual(
        body.results.map((r) => r.statusCode),
        [200, 200, 403]
      );
      assert.equal(
        (body.results[2].result as Array<{ errorCode: string }>)[0].errorCode,
        'REQUEST_LIMIT_EXCEEDED'
      );
    } finally {
      org.quota.set({ remaining: org.quota.max });
    }
  });
});
