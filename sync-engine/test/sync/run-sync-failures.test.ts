import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Connection } from '@jsforce/jsforce-node';
import { refreshSession } from '../../src/salesforce/connection-refresh.js';
import { runSync } from '../../src/sync/run-sync.js';
import {
  fastOptions,
  HEADER,
  integrationFor,
  loadLeads,
  startHarness,
  writeReport,
  type Harness,
  targetOrg
} from './harness.js';

describe('runSync: clear failures', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    loadLeads(h.org, [{ Email: 'f@f.test' }]);
    await writeReport(h.dir, 'f1', [HEADER, ['f@f.test', '', '1', '']]);
  });
  after(async () => h.stop());

  const run = (overrides: Parameters<typeof integrationFor>[1], conn?: Connection) =>
    runSync({
      org: targetOrg(conn ?? h.conn),
      integration: integrationFor('f1', overrides),
      source: h.source,
      options: fastOptions()
    });

  test('report unreachable', async () => {
    const result = await run({ reportId: 'nowhere', reportName: 'Nowhere' });
    assert.equal(result.status, 'Failed');
    assert.match(result.error!, /report "Nowhere" could not be read/);
  });

  test('a report not tagged integrations_salesforce is refused by name, nothing read or written', async () => {
    await writeReport(h.dir, 'f-untagged', [HEADER, ['f@f.test', '', '7', '']]);
    const manifestPath = join(h.dir, 'reports.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Array<{
      id: string;
      tags: string[];
    }>;
    manifest.find((entry) => entry.id === 'f-untagged')!.tags = ['marketing'];
    await writeFile(manifestPath, JSON.stringify(manifest));
    const before = h.org.calls.byKind.composite ?? 0;
    const result = await run({ reportId: 'f-untagged', reportName: 'Report f-untagged' });
    assert.equal(result.status, 'Failed');
    assert.match(result.error!, /"Report f-untagged" is not tagged integrations_salesforce/);
    assert.equal(result.counts.read, 0);
    assert.equal(h.org.calls.byKind.composite ?? 0, before);
  });

  test('a report whose columns changed: the missing column is named, nothing is written', async () => {
    await writeReport(h.dir, 'f2', [
      ['Email', 'Last Login', 'Logins Count', 'NPS Category'],
      ['f@f.test', '', '1', '']
    ]);
    const before = h.org.calls.byKind.composite ?? 0;
    const result = await run({ reportId: 'f2' });
    assert.equal(result.status, 'Failed');
    assert.match(result.error!, /no column "Logins"/);
    assert.equal((h.org.calls.byKind.composite ?? 0) - before, 0);
    const keyless = await run({ reportKeyColumn: 'User Email' });
    assert.match(keyless.error!, /no column "User Email"/);
  });

  test('target field gone or not updateable, object gone: named', async () => {
    const gone = await run({
      mappings: [{ column: 'Logins', columnType: 'number', field: 'WalkMe_Removed__c', blank: 'keep' }]
    });
    assert.match(gone.error!, /field Lead\.WalkMe_Removed__c does not exist/);
    const readOnly = await run({
      mappings: [{ column: 'Logins', columnType: 'number', field: 'IsConverted', blank: 'keep' }]
    });
    assert.match(readOnly.error!, /field Lead\.IsConverted is not updateable/);
    // A field whose type changed since the integration was saved (here: a number field fed datetimes).
    const changedType = await run({
      mappings: [
        {
          column: 'Last Login',
          columnType: 'datetime',
          field: 'WalkMe_Logins_Last_30_Days__c',
          blank: 'keep'
        }
      ]
    });
    assert.match(
      changedType.error!,
      /field Lead\.WalkMe_Logins_Last_30_Days__c is of type double, which a datetime column cannot fill.*Remap it in the integration/
    );
    assert.equal(changedType.counts.read, 0, 'no row is read');
    const noObject = await run({ targetObject: 'Gone__c' });
    assert.match(noObject.error!, /object Gone__c no longer exists/);
    assert.equal(noObject.status, 'Failed');
  });

  test('daily API budget insufficient: calls needed and left', async () => {
    h.org.quota.set({ remaining: 4 });
    const result = await run({});
    h.org.quota.set({ remaining: 100_000 });
    assert.equal(result.status, 'Failed');
    assert.match(result.error!, /needs up to \d+ calls and the org has [0-4] left/);
  });

  test('connection revoked: says to reconnect', async () => {
    // A stored session whose refresh token the org no longer honours (revoked by the admin, or past the
    // five-per-user limit): the first call's 401 makes jsforce refresh, and the token endpoint says invalid_grant.
    // The refresh is the engine's own (as every connection of the engine refreshes), which keeps that code.
    const conn = new Connection({
      oauth2: { loginUrl: h.org.loginUrl, clientId: h.org.clientId, clientSecret: h.org.clientSecret },
      instanceUrl: h.org.instanceUrl,
      accessToken: 'expired-session',
      refreshToken: 'revoked-refresh-token',
      refreshFn: refreshSession
    });
    const result = await run({}, conn);
    assert.equal(result.status, 'Failed');
    assert.equal(result.failureKind, 'revoked');
    assert.match(result.error!, /reconnect the account/);
  });
});
