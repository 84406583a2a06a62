import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Connection } from '@jsforce/jsforce-node';
import { startOrgEmulator, type OrgEmulator, type OrgHandle } from '../../../emulators/org/start.js';
import { fixture, login } from './composite-helpers.js';

/**
 * Paging Bulk API 2.0 query results as "Get Results for a Query Job" documents it
 * (fixtures/bulk2-query-results.json): sets of at most `maxRecords`, a default the service picks without
 * it, locators that stay valid, the string `null` on the last set, 409 for another API version.
 */
describe('org emulator: Bulk API 2.0 query results, with and without maxRecords', () => {
  const ROWS = 2_500;
  const DEFAULT = 1_000;
  let emulator: OrgEmulator;
  let org: OrgHandle;
  let conn: Connection;
  let jobId: string;

  const results = (query: string, version = '62.0') =>
    fetch(`${conn.instanceUrl}/services/data/v${version}/jobs/query/${jobId}/results${query}`, {
      headers: { authorization: `Bearer ${conn.accessToken}`, accept: 'text/csv' }
    });

  async function createJob(soql: string): Promise<string> {
    const job = await conn.request<{ id: string }>({
      method: 'POST',
      url: '/services/data/v62.0/jobs/query',
      body: JSON.stringify({ operation: 'query', query: soql }),
      headers: { 'content-type': 'application/json' }
    });
    for (;;) {
      const info = await conn.request<{ state: string }>(`/services/data/v62.0/jobs/query/${job.id}`);
      if (info.state === 'JobComplete') return job.id;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Reads every set from the first, following Sforce-Locator; the record count of each. */
  async function readAll(
    maxRecords?: number
  ): Promise<{ sizes: number[]; ids: string[]; locators: string[] }> {
    const sizes: number[] = [];
    const ids: string[] = [];
    const locators: string[] = [];
    let locator: string | null = null;
    do {
      const params = new URLSearchParams();
      if (locator) params.set('locator', locator);
      if (maxRecords) params.set('maxRecords', String(maxRecords));
      const res = await results(params.size ? `?${params}` : '');
      assert.equal(res.status, 200);
      const lines = (await res.text()).trim().split('\n');
      assert.equal(lines[0], '"Id"', 'every set starts with the header row');
      ids.push(...lines.slice(1));
      sizes.push(Number(res.headers.get('sforce-numberofrecords')));
      assert.equal(sizes.at(-1), lines.length - 1);
      locator = res.headers.get('sforce-locator');
      locators.push(String(locator));
    } while (locator !== 'null');
    return { sizes, ids, locators };
  }

  before(async () => {
    emulator = await startOrgEmulator({
      seed: false,
      bulk2: { defaultMaxRecords: DEFAULT, chunkDelayMs: 0 }
    });
    org = emulator.orgs.production;
    conn = await login(org);
    org.data.load(
      'Lead',
      Array.from({ length: ROWS }, (_, i) => ({ LastName: `Bulk ${i}`, Company: 'Acme' }))
    );
    jobId = await createJob('SELECT Id FROM Lead');
  });
  after(() => emulator.stop());

  test('maxRecords splits the results into sets of at most that many, the last locator the string null', async () => {
    const doc = fixture<{ firstResponseHeaders: Record<string, string> }>('bulk2-query-results.json');
    const { sizes, ids, locators } = await readAll(1_200);
    assert.deepEqual(sizes, [1_200, 1_200, 100]);
    assert.equal(new Set(ids).size, ROWS);
    assert.equal(locators.at(-1), 'null');
    // The guide's locators are short base64-looking strings (MTAwMDA); only their use is promised.
    assert.match(locators[0], /^[A-Za-z0-9+/=]+$/);
    assert.deepEqual(Object.keys(doc.firstResponseHeaders).sort(), [
      'Sforce-Locator',
      'Sforce-NumberOfRecords'
    ]);
  });

  test("without maxRecords the service's default set size applies", async () => {
    const { sizes, ids } = await readAll();
    assert.deepEqual(sizes, [DEFAULT, DEFAULT, ROWS - 2 * DEFAULT]);
    assert.equal(new Set(ids).size, ROWS);
    const larger = await readAll(5_000);
    assert.deepEqual(larger.sizes, [ROWS], 'a maxRecords above the default is honoured');
  });

  test('a locator names the same set every time it is read', async () => {
    const first = await results('?maxRecords=1000');
    const locator = first.headers.get('sforce-locator')!;
    const again = await Promise.all([1, 2].map(() => results(`?locator=${locator}&maxRecords=1000`)));
    const [a, b] = await Promise.all(again.map((r) => r.text()));
    assert.equal(a, b);
    assert.notEqual(a, await first.text());
  });

  test('an empty result is one set: the header row, Sforce-NumberOfRecords 0, Sforce-Locator null', async () => {
    const empty = await createJob("SELECT Id FROM Lead WHERE LastName = 'nobody'");
    const res = await fetch(`${conn.instanceUrl}/services/data/v62.0/jobs/query/${empty}/results`, {
      headers: { authorization: `Bearer ${conn.accessToken}` }
    });
    assert.equal((await res.text()).trim(), '"Id"');
    assert.equal(res.headers.get('sforce-numberofrecords'), '0');
    assert.equal(res.headers.get('sforce-locator'), 'null');
  });

  test("results read with another API version than the job's answer 409", async () => {
    const res = await results('', '61.0');
    assert.equal(res.status, 409);
  });
});
