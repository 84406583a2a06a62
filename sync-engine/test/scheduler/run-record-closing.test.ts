/**
 * A run always closes its record (issue 11, item 1): when the org cannot take the closing at the end of a
 * run (here the daily quota runs out mid-run), the engine keeps the whole result and writes it on the next
 * successful contact with the org, instead of leaving the record Running for good.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  endedRun,
  runningRecord,
  startWithDailyIntegration,
  type SchedulerHarness
} from './scheduler-harness.js';

describe('a run record the org could not take at the end of the run', () => {
  let h: SchedulerHarness;
  let now = new Date('2025-03-10T10:00:00Z');
  let integrationId: string;
  before(async () => {
    ({ h, integrationId } = await startWithDailyIntegration(() => now, { runNow: false }));
  });
  after(async () => {
    await h?.stop();
  });

  test('is kept by the engine and closed with the result on the next contact', async () => {
    now = new Date('2025-03-11T09:00:00Z');
    h.org.faults.latencyMs = 150;
    const [runId] = await h.engine.scheduler.tick();
    // Once the run's record says Running, the org's quota runs out: nothing more gets through, closing included.
    const sfRunId = await runningRecord(h, runId!);
    h.org.faults.exhaustQuota();
    const run = await endedRun(h, runId!);
    h.org.faults.latencyMs = 0;
    assert.equal(run.status, 'Failed');
    assert.match(run.error!, /daily API limit is exhausted/);
    const record = () => h.org.data.find('WalkMe_Sync_Run__c', sfRunId)!;
    assert.equal(record().Status__c, 'Running', 'the org refused the closing');
    const [stamped] = h.org.data.query(
      `SELECT Engine_Heartbeat__c FROM WalkMe_Sync_Run__c WHERE Id = '${sfRunId}'`
    );
    assert.match(
      String(stamped!.Engine_Heartbeat__c),
      /^2\d{3}-\d\d-\d\dT/,
      'the record carries the engine heartbeat'
    );
    assert.equal((await h.engine.ctx.store.pendingClosings.forOrg(h.orgId)).length, 1);

    // Still refused: kept for the next time.
    await h.engine.scheduler.sweepQueued();
    assert.equal(record().Status__c, 'Running');
    assert.equal((await h.engine.ctx.store.pendingClosings.forOrg(h.orgId))[0]!.attempts, 1);

    h.org.quota.set({ remaining: 100_000 });
    await h.engine.scheduler.sweepQueued();
    assert.equal(record().Status__c, 'Failed');
    assert.match(String(record().Error_Summary__c), /daily API limit is exhausted/);
    assert.equal(record().Rows_Read__c, run.counts!.read);
    assert.match(String(record().Log__c), /Run record closed late/);
    assert.deepEqual(await h.engine.ctx.store.pendingClosings.forOrg(h.orgId), []);
  });

  test('an interrupted run whose closing the org refuses is kept and closed later too', async () => {
    const sfRunId = (
      (await h.admin
        .sobject('WalkMe_Sync_Run__c')
        .create({ Status__c: 'Running', Trigger__c: 'Scheduled' })) as {
        id: string;
      }
    ).id;
    const { run } = await h.engine.ctx.store.runs.request({
      orgId: h.orgId,
      integrationId,
      integrationName: 'daily',
      trigger: 'Scheduled',
      requestKey: 'scheduled:interrupted',
      sfRunId
    });
    h.org.faults.exhaustQuota();
    await h.engine.worker.closeInOrg(run, 'Interrupted: the engine stopped before this run finished.');
    assert.equal(h.org.data.find('WalkMe_Sync_Run__c', sfRunId)!.Status__c, 'Running');
    h.org.quota.set({ remaining: 100_000 });
    await h.engine.scheduler.sweepQueued();
    const record = h.org.data.find('WalkMe_Sync_Run__c', sfRunId)!;
    assert.equal(record.Status__c, 'Failed');
    assert.match(String(record.Error_Summary__c), /Interrupted: the engine stopped/);
    assert.deepEqual(await h.engine.ctx.store.pendingClosings.forOrg(h.orgId), []);
  });
});
