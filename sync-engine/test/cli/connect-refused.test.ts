/**
 * `accounts connect` for a user who lacks what the engine needs: the org's describe is what that user sees,
 * so an org where the WalkMe permission set is not assigned shows neither `WalkMe_Report__c` nor the WalkMe_
 * fields on Lead. The emulator builds such an org from the package metadata without those files.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectThroughBrowser } from '../../demo/browser-oauth.js';
import { startInsightsEmulator, type InsightsEmulator } from '../../emulators/insights/start.js';
import { startOrgEmulator, type OrgEmulator } from '../../emulators/org/start.js';
import { engineConfig } from '../server/engine-harness.js';
import { startServedEngine, type ServedEngine } from './cli-process.js';

const PACKAGE_OBJECTS = fileURLToPath(new URL('../../../force-app/main/default/objects', import.meta.url));

describe('connecting as a user without the engine permissions', () => {
  let dir: string;
  let orgs: OrgEmulator;
  let insights: InsightsEmulator;
  let served: ServedEngine;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'restricted-org-'));
    cpSync(PACKAGE_OBJECTS, dir, {
      recursive: true,
      filter: (source) =>
        !/WalkMe_Report__c|Lead[\\/]fields[\\/]WalkMe_/.test(source.slice(PACKAGE_OBJECTS.length))
    });
    orgs = await startOrgEmulator({ autoApprove: true, seed: false, objectsDir: dir });
    insights = await startInsightsEmulator();
    served = await startServedEngine(await engineConfig(orgs, insights));
  });

  after(async () => {
    await served?.stop();
    await orgs?.stop();
    await insights?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the callback answers 403 naming every missing right, and nothing is stored', async () => {
    const sandbox = orgs.orgs.sandbox;
    const flow = await connectThroughBrowser(served.url, 'sandbox');
    assert.equal(flow.status, 403);
    assert.match(flow.body, /admin@acme\.example\.sandbox cannot run the sync in Acme \(Sandbox\)/);
    assert.match(
      flow.body,
      /Lead: the WalkMe_ fields are not visible \(is the WalkMe package installed and the WalkMe engine permission set assigned to this user\?\)/
    );
    assert.match(flow.body, /WalkMe_Report__c: not visible to this user/);
    assert.doesNotMatch(
      flow.body,
      /Contact:|WalkMe_Sync_Run__c:|WalkMe_Integration__c:/,
      'only what is missing'
    );
    assert.deepEqual(await served.engine.ctx.store.accounts.list(), []);
    assert.deepEqual(sandbox.data.query('SELECT Id FROM WalkMe_Connection__c'), []);
  });
});
