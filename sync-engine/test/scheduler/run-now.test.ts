import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  COMPLETED,
  FINISHED,
  createIntegration,
  finishedRun,
  insertQueuedRun,
  orgRunStatus,
  publishRunRequest,
  startSchedulerHarness,
  type SchedulerHarness
} from './scheduler-harness.js';
import { waitFor } from '../wait-for.js';
import { backoffDelay } from '../../src/domain/backoff.js';
import { signInThroughBrowser } from '../../demo/browser-oauth.js';

describe('Run Now over the Streaming API', () => {
  let h: SchedulerHarness;
  let integrationId: string;
  before(async () => {
    h = await startSchedulerHarness({ persistent: true });
    integrationId = await createIntegration(h, 'Logins to Leads');
    await waitFor('the Run Now subscription', () =>
      h.engine.scheduler.runNow.subscribedOrgs.includes(h.orgId)
    );
  });
  after(async () => {
    await h?.stop();
  });

  test('a published request starts its Queued run within 2 seconds, which then completes', async () => {
    const sfRunId = await insertQueuedRun(h, integrationId);
    const published = performance.now();
    await publishRunRequest(h, integrationId, sfRunId);
    await waitFor('Running', () => orgRunStatus(h, sfRunId) !== 'Queued');
    const latencyMs = performance.now() - published;
    console.log(`Run Now latency, publication to Running: ${latencyMs.toFixed(0)} ms`);
    assert.ok(latencyMs < 2_000, `started after ${latencyMs.toFixed(0)} ms`);
    const run = await finishedRun(h, sfRunId);
    assert.ok(COMPLETED.includes(run.status), run.status);
    assert.equal(orgRunStatus(h, sfRunId), run.status);
    assert.equal(run.trigger, 'Manual');
    assert.equal(run.attempts, 1);
  });

  test('a Queued run whose event never arrived is picked up by the sweep, once', async () => {
    const sfRunId = await insertQueuedRun(h, integrationId);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(orgRunStatus(h, sfRunId), 'Queued', 'nothing starts it without an event');
    assert.equal(await h.engine.scheduler.sweepQueued(), 1);
    // A second sweep while it is queued or running adds nothing.
    assert.equal(await h.engine.scheduler.sweepQueued(), 0);
    await waitFor('the swept run to finish', () => FINISHED.includes(orgRunStatus(h, sfRunId)!));
    assert.ok(COMPLETED.includes(orgRunStatus(h, sfRunId)!));
    assert.equal(await h.engine.scheduler.sweepQueued(), 0);
    const runs = (await h.engine.ctx.store.runs.forIntegration(h.orgId, integrationId)).filter(
      (r) => r.sfRunId === sfRunId
    );
    assert.equal(runs.length, 1);
  });

  test('a request published while the engine was down is replayed when it subscribes again', async () => {
    await h.engine.stop();
    const sfRunId = await insertQueuedRun(h, integrationId);
    await publishRunRequest(h, integrationId, sfRunId);
    const engine = await h.restart();
    await waitFor('the Run Now subscription', () => engine.scheduler.runNow.subscribedOrgs.includes(h.orgId));
    // The subscription resumes after the last event handled, so the request is replayed; no sweep needed.
    await waitFor('the missed run to finish', () => FINISHED.includes(orgRunStatus(h, sfRunId)!));
    assert.equal(await engine.scheduler.sweepQueued(), 0);
    assert.ok(COMPLETED.includes(orgRunStatus(h, sfRunId)!));
    const runs = (await engine.ctx.store.runs.forIntegration(h.orgId, integrationId)).filter(
      (r) => r.sfRunId === sfRunId
    );
    assert.equal(runs.length, 1, 'replay and sweep together ran it once');
  });

  test('a second request while a run is in progress waits for it, is told so, and runs after it', async () => {
    h.org.faults.latencyMs = 150;
    try {
      const first = await insertQueuedRun(h, integrationId);
      const second = await insertQueuedRun(h, integrationId);
      await publishRunRequest(h, integrationId, first);
      await waitFor('the first run to start', () => orgRunStatus(h, first) === 'Running');
      await publishRunRequest(h, integrationId, second);
      // While it waits, the app shows why.
      await waitFor('the waiting note', () =>
        /Queued behind the run in progress/.test(
          String(h.org.data.find('WalkMe_Sync_Run__c', second)?.Log__c)
        )
      );
      assert.equal(orgRunStatus(h, second), 'Queued');
      let overlap = false;
      await waitFor('both runs to finish', () => {
        if (orgRunStatus(h, first) === 'Running' && orgRunStatus(h, second) === 'Running') overlap = true;
        return FINISHED.includes(orgRunStatus(h, first)!) && FINISHED.includes(orgRunStatus(h, second)!);
      });
      assert.equal(overlap, false, 'the two runs never ran at once');
      const a = await finishedRun(h, first);
      const b = await finishedRun(h, second);
      assert.ok(COMPLETED.includes(a.status) && COMPLETED.includes(b.status), `${a.status}, ${b.status}`);
      assert.ok(
        b.startedAt! >= a.endedAt!,
        `second started ${b.startedAt?.toISOString()} before ${a.endedAt?.toISOString()}`
      );
      assert.match(b.log.join('\n'), /Queued behind the run in progress/);
      // The org keeps date-times as epoch milliseconds.
      const [startB, endA] = [
        Number(h.org.data.find('WalkMe_Sync_Run__c', second)!.Start_Time__c),
        Number(h.org.data.find('WalkMe_Sync_Run__c', first)!.End_Time__c)
      ];
      assert.ok(startB >= endA, `in the org, the second started ${endA - startB} ms before the first ended`);
    } finally {
      h.org.faults.latencyMs = 0;
    }
  });

  test('a request for an integration deleted meanwhile fails with the reason on its record, not Queued for ever', async () => {
    const doomed = await createIntegration(h, 'Deleted soon');
    const sfRunId = await insertQueuedRun(h, doomed);
    await h.admin.sobject('WalkMe_Integration__c').destroy(doomed);
    await publishRunRequest(h, doomed, sfRunId);
    const run = await finishedRun(h, sfRunId);
    assert.equal(run.status, 'Failed');
    assert.match(run.error!, /no longer exists/);
    await waitFor('the org record closed', () => orgRunStatus(h, sfRunId) === 'Failed');
    assert.match(
      String(h.org.data.find('WalkMe_Sync_Run__c', sfRunId)!.Error_Summary__c),
      /no longer exists/
    );
  });

  test('a replay id the org no longer retains falls back to new events and sweeps Queued runs at once', async () => {
    const engine = h.engine;
    await engine.ctx.store.accounts.saveRunRequestReplayId(h.orgId, 999_999);
    const missed = await insertQueuedRun(h, integrationId);
    await engine.scheduler.runNow.subscribe(h.orgId);
    assert.equal(engine.scheduler.runNow.state(h.orgId)?.state, 'listening');
    assert.ok(h.logs.some((line) => line.includes('Run Now replay refused')));
    await waitFor('the swept run to finish', () => FINISHED.includes(orgRunStatus(h, missed)!));
    assert.equal(await engine.ctx.store.accounts.runRequestReplayId(h.orgId), null);
    // New events arrive on the fallback subscription.
    const sfRunId = await insertQueuedRun(h, integrationId);
    await publishRunRequest(h, integrationId, sfRunId);
    await waitFor('the new request to finish', () => FINISHED.includes(orgRunStatus(h, sfRunId)!));
    // The console shows each org's subscription.
    const { cookie } = await signInThroughBrowser(engine.url!, 'sandbox');
    const page = await (await fetch(`${engine.url}/`, { headers: { cookie: cookie! } })).text();
    assert.match(page, /Run Now: listening since \d{4}-/);
  });

  test('/healthz reports each org: token, Run Now, quota left, catalog; ok only when all are', async () => {
    const health = async () =>
      (await (await fetch(`${h.engine.url}/healthz`)).json()) as {
        status: string;
        orgs: Array<{
          orgId: string;
          ok: boolean;
          token: string;
          runNow: string;
          apiRequestsLeft: number | null;
          catalogPushedAt: string | null;
        }>;
      };
    const ok = await health();
    assert.equal(ok.status, 'ok');
    const [org] = ok.orgs;
    assert.equal(org!.orgId, h.orgId);
    assert.equal(org!.token, 'valid');
    assert.match(org!.runNow, /^listening since /);
    assert.ok(org!.apiRequestsLeft! > 0);
    assert.ok(Date.parse(org!.catalogPushedAt!) > 0);
    await h.engine.ctx.store.accounts.markNeedsReconnection(h.orgId, 'revoked in a test');
    try {
      const degraded = await health();
      assert.equal(degraded.status, 'degraded');
      assert.equal(degraded.orgs[0]!.token, 'needs reconnection');
      assert.equal(degraded.orgs[0]!.ok, false);
    } finally {
      await h.engine.ctx.store.db.query(`UPDATE accounts SET status = 'connected', status_message = NULL`);
    }
  });

  test('resubscription waits grow by doubling up to a cap, with full jitter', () => {
    const top = (attempt: number) => backoffDelay(attempt, 2_000, 300_000, () => 1);
    assert.deepEqual([0, 1, 2, 3, 10].map(top), [2_000, 4_000, 8_000, 16_000, 300_000]);
    assert.equal(
      backoffDelay(3, 2_000, 300_000, () => 0.5),
      8_000
    );
  });
});
