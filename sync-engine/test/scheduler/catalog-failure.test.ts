/**
 * An org's set-up does not depend on a report (issue 11, item 6): with a report folder whose manifest is
 * missing at connect, the catalog push fails and is logged on the org, the Run Now subscription still starts,
 * and the push is tried again with backoff until the manifest is there.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectThroughBrowser } from '../../demo/browser-oauth.js';
import { DEFAULT_SCHEDULER } from '../../src/config.js';
import { csvFolderSource } from '../../src/sources/csv-source.js';
import { startEngineHarness, type EngineHarness } from '../server/engine-harness.js';
import { waitFor } from '../wait-for.js';

describe('a catalog push that fails at connect', () => {
  let h: EngineHarness;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'catalog-failure-'));
    h = await startEngineHarness(
      { source: csvFolderSource(dir) },
      { population: 5 },
      {
        scheduler: { ...DEFAULT_SCHEDULER, catalogRetrySeconds: 0.2 }
      }
    );
  });
  after(async () => {
    await h?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('is logged on the org and retried; schedules and Run Now start regardless', async () => {
    const orgId = h.orgs.orgs.sandbox.orgId;
    assert.equal((await connectThroughBrowser(h.engine.url!, 'sandbox')).status, 200);
    await h.engine.scheduler.setups.get(orgId);
    assert.ok(
      h.engine.scheduler.runNow.subscribedOrgs.includes(orgId),
      'Run Now subscribed despite the catalog'
    );
    const failed = h.logs
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((l) => l.msg === 'catalog push failed');
    assert.equal(failed?.orgId, orgId);
    assert.equal(failed?.retryInSeconds, 0.2);
    writeFileSync(
      join(dir, 'reports.json'),
      JSON.stringify([
        {
          id: 'logins',
          name: 'Logins',
          tags: ['integrations_salesforce'],
          walkMeEnvironment: 'Production',
          file: 'logins.csv'
        }
      ])
    );
    writeFileSync(join(dir, 'logins.csv'), 'Email,Logins\na@a.test,1\n');
    await waitFor(
      'the retried push',
      () => h.orgs.orgs.sandbox.data.query('SELECT Report_Id__c FROM WalkMe_Report__c').length === 1
    );
  });
});
