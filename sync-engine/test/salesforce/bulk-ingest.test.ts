/**
 * Bulk API 2.0 writes stream an object's records as CSV and cut them into jobs at the upload limit ("Upload Job
 * Data": "upload data that does not exceed 100 MB"): against the org emulator holding the limit low, one upload
 * of every record is refused, while jobs cut at the limit write them all.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Connection } from '@jsforce/jsforce-node';
import { startOrgEmulator } from '../../emulators/org/start.js';
import { writeWithBulkIngest } from '../../src/salesforce/bulk-ingest.js';
import type { WriteItem } from '../../src/sync/target-org.js';

const LIMIT = 20_000;
const polling = { pollInterval: 10, pollTimeout: 30_000 };

describe('Bulk API 2.0 ingest writer', () => {
  let emulator: Awaited<ReturnType<typeof startOrgEmulator>>;
  let conn: Connection;
  let ids: string[];
  before(async () => {
    emulator = await startOrgEmulator({ seed: false, bulk2: { maxUploadBytes: LIMIT } });
    const org = emulator.orgs.production;
    conn = new Connection({
      oauth2: { loginUrl: org.loginUrl, clientId: org.clientId, clientSecret: org.clientSecret }
    });
    await conn.login(org.username, org.password);
    ids = org.data
      .load(
        'Lead',
        Array.from({ length: 1_200 }, (_, i) => ({
          LastName: 'Bulk',
          Company: 'Bulk Co',
          Email: `bulk.${i}@example.test`,
          WalkMe_Last_Login__c: '2026-10-01T00:00:00.000Z'
        }))
      )
      .map((record) => record.Id);
  });
  after(async () => emulator?.stop());

  /** Logins `i + offset` on record i, its last login cleared (null goes as `#N/A`). */
  const items = (offset: number): WriteItem[] =>
    ids.map((id, i) => ({
      id,
      fields: { WalkMe_Logins_Last_30_Days__c: i + offset, WalkMe_Last_Login__c: null }
    }));
  const columns = ['WalkMe_Logins_Last_30_Days__c', 'WalkMe_Last_Login__c'];
  const logins = () =>
    emulator.orgs.production.data
      .query('SELECT Id, WalkMe_Logins_Last_30_Days__c, WalkMe_Last_Login__c FROM Lead')
      .map((record) => [record.WalkMe_Logins_Last_30_Days__c, record.WalkMe_Last_Login__c]);

  test('records past one upload go in further jobs, each under the limit, all written', async () => {
    const outcomes = await writeWithBulkIngest(
      conn,
      'Lead',
      { columns, items: items(7), maxBytes: LIMIT },
      polling
    );
    // 500 rows a block, about 14 kB: a second block does not fit beside the first, the last (200 rows) does.
    assert.deepEqual(
      outcomes.map((outcome) => [outcome.state, outcome.records]),
      [
        ['ended', 500],
        ['ended', 700]
      ]
    );
    for (const outcome of outcomes) if (outcome.state === 'ended') assert.equal(outcome.failures.size, 0);
    assert.deepEqual(
      logins(),
      ids.map((_, i) => [i + 7, null])
    );
  });

  test('one upload over the limit is refused, every record with it', async () => {
    const [outcome, ...more] = await writeWithBulkIngest(conn, 'Lead', { columns, items: items(9) }, polling);
    assert.equal(more.length, 0);
    assert.equal(outcome.state, 'refused');
    assert.equal(outcome.records, ids.length);
    assert.deepEqual(
      logins(),
      ids.map((_, i) => [i + 7, null])
    );
  });

  test('a stopped engine creates no job: every record is refused, not attempted', async () => {
    emulator.orgs.production.calls.reset();
    const outcomes = await writeWithBulkIngest(
      conn,
      'Lead',
      { columns, items: items(11), maxBytes: LIMIT },
      { ...polling, signal: AbortSignal.abort() }
    );
    assert.deepEqual(
      outcomes.map((outcome) => [
        outcome.state,
        outcome.records,
        outcome.state === 'refused' && outcome.failure.statusCode
      ]),
      [['refused', ids.length, 'NOT_ATTEMPTED']]
    );
    assert.equal(emulator.orgs.production.calls.total, 0);
  });
});
