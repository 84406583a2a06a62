import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { QUEUES } from '../../src/scheduler/boss.js';
import type { RunJob } from '../../src/scheduler/run-requests.js';
import { endedRun, startWithDailyIntegration, type SchedulerHarness } from './scheduler-harness.js';
import { waitFor } from '../wait-for.js';

describe('a token revoked at Salesforce', () => {
  let h: SchedulerHarness;
  let now = new Date('2025-03-10T10:00:00Z');
  before(async () => {
    ({ h } = await startWithDailyIntegration(() => now));
    await waitFor('the Run Now subscription', () =>
      h.engine.scheduler.runNow.subscribedOrgs.includes(h.orgId)
    );
  });
  after(async () => {
    await h?.stop();
  });

  test('fails the run that needed it with the reconnect message, once, and nothing retries', async () => {
    h.org.faults.revokeRefreshTokens();
    now = new Date('2025-03-11T09:00:00Z');
    const [runId] = await h.engine.scheduler.tick();
    const run = await endedRun(h, runId!);
    assert.equal(run.status, 'Failed');
    assert.match(run.error!, /revoked or has expired.*reconnect the account/);
    assert.equal(run.attempts, 1);
    const account = (await h.engine.ctx.store.accounts.get(h.orgId))!;
    assert.equal(account.status, 'needs_reconnection');
    assert.match(account.statusMessage!, /reconnect the account/);

    // The job ended (not failed into pg-boss's retries), and after the retry delay and the Run Now
    // listener's resubscription delay have passed, nothing has called the org again.
    const [job] = await h.engine.boss.findJobs<RunJob>(QUEUES.run, { data: { runId } });
    assert.equal(job?.state, 'completed');
    const calls = h.org.calls.total;
    const logLines = h.logs.length;
    await new Promise((r) => setTimeout(r, 3_000));
    assert.equal((await h.engine.ctx.store.runs.get(runId!))!.attempts, 1);
    assert.equal(h.org.calls.total, calls, 'no call to the org after the revocation was found');
    assert.deepEqual(h.engine.scheduler.runNow.subscribedOrgs, [], 'the Run Now listener gave up');
    assert.equal(h.logs.length, logLines, 'nothing keeps trying in the background');
  });

  test('later runs fail at once with the same message; sweep, refresh and heartbeat leave the org alone', async () => {
    const calls = h.org.calls.total;
    now = new Date('2025-03-12T09:00:00Z');
    const [runId] = await h.engine.scheduler.tick();
    const run = await endedRun(h, runId!);
    assert.equal(run.status, 'Failed');
    assert.match(run.error!, /reconnect the account/);
    assert.equal(await h.engine.scheduler.sweepQueued(), 0);
    await h.engine.scheduler.refreshIntegrations();
    await h.engine.scheduler.heartbeat();
    assert.equal(h.org.calls.total, calls);
  });
});
