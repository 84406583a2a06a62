import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Connection } from '@jsforce/jsforce-node';
import { startOrgEmulator, type OrgEmulator, type OrgHandle } from '../../../emulators/org/start.js';
import { fixture, getJson, login } from './composite-helpers.js';

interface RecordCount {
  sObjects: Array<{ count: number; name: string }>;
}

describe('org emulator: GET /limits/recordCount', () => {
  let emulator: OrgEmulator;
  let org: OrgHandle;
  let conn: Connection;
  before(async () => {
    emulator = await startOrgEmulator({ seed: false });
    org = emulator.orgs.production;
    conn = await login(org);
    org.data.load(
      'Account',
      Array.from({ length: 3 }, (_, i) => ({ Name: `Account ${i}` }))
    );
    org.data.load(
      'Contact',
      Array.from({ length: 11 }, (_, i) => ({ LastName: `Contact ${i}` }))
    );
    // "It doesn't include … Deleted records in the recycle bin".
    const [deleted] = org.data.query("SELECT Id FROM Contact WHERE LastName = 'Contact 10'");
    org.data.delete('Contact', String(deleted.Id));
  });
  after(() => emulator.stop());

  test("the guide's example request answers the guide's example body", async () => {
    const doc = fixture<{ request: string; response: RecordCount }>('record-count.json');
    const { status, body } = await getJson<RecordCount>(conn, doc.request);
    assert.equal(status, 200);
    assert.deepEqual(body, doc.response);
  });

  test('through jsforce; unknown objects are ignored; one API call', async () => {
    org.calls.reset();
    const body = await conn.request<RecordCount>('/limits/recordCount?sObjects=lead,NoSuchThing__c,Account');
    assert.deepEqual(body, {
      sObjects: [
        { count: 0, name: 'Lead' },
        { count: 3, name: 'Account' }
      ]
    });
    assert.deepEqual(org.calls.byKind, { recordCount: 1 });
  });

  test('without sObjects every object is counted', async () => {
    const { body } = await getJson<RecordCount>(conn, '/services/data/v62.0/limits/recordCount');
    const byName = new Map(body.sObjects.map((o) => [o.name, o.count]));
    assert.equal(byName.get('Account'), 3);
    assert.equal(byName.get('Contact'), 10);
    assert.ok(byName.has('WalkMe_Sync_Run__c'));
    assert.ok(!byName.has('WalkMe_Run_Request__e'), 'platform events hold no records');
  });

  test('it is for users with View Setup and Configuration', async () => {
    const username = 'standard.user@acme.example';
    org.addUser({ username, firstName: 'Stan', lastName: 'Dard', profile: 'Standard User' });
    const standard = await login(org, username);
    const { status, body } = await getJson<Array<{ errorCode: string }>>(
      standard,
      '/services/data/v62.0/limits/recordCount?sObjects=Account'
    );
    assert.equal(status, 403);
    assert.equal(body[0].errorCode, 'INSUFFICIENT_ACCESS'); // [unverified] code
  });
});
