import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SCHEDULER } from '../../src/config.js';
import { ORPHAN_STOPPED } from '../../src/scheduler/orphaned-runs.js';
import { createIntegration, startSchedulerHarness, type SchedulerHarness } from './scheduler-harness.js';

const GRACE_SECONDS = 120;
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

describe('a scheduled run record orphaned by a worker that died before noting its id', () => {
  let h: SchedulerHarness;
  before(async () => {
    h = await startSchedulerHarness({
      engine: { runNow: false },
      config: { scheduler: { ...DEFAULT_SCHEDULER, orphanGraceSeconds: GRACE_SECONDS } }
    });
  });
  after(async () => {
    await h?.stop();
  });

  /** The slot's run as the store holds it, requested `requestedMinutesAgo` minutes ago. */
  const scheduledRun = async (integrationId: string, requestedMinutesAgo: number) => {
    const { store } = h.engine.ctx;
    const { run } = await store.runs.request({
      orgId: h.orgId,
      integrationId,
      integrationName: 'nightly',
      trigger: 'Scheduled',
      requestKey: `scheduled:${minutesAgo(requestedMinutesAgo)}`
    });
    await store.db.query('UPDATE runs SET requested_at = $2 WHERE id = $1', [
      run.id,
      minutesAgo(requestedMinutesAgo)
    ]);
    return run.id;
  };
  /** A Scheduled `WalkMe_Sync_Run__c` as the worker creates it, `createdMinutesAgo` minutes ago. */
  const orgRecord = (integrationId: string, createdMinutesAgo: number, status = 'Queued') =>
    h.org.data.load('WalkMe_Sync_Run__c', [
      {
        Integration__c: integrationId,
        Status__c: status,
        Trigger__c: 'Scheduled',
        CreatedDate: minutesAgo(createdMinutesAgo)
      }
    ])[0]!;
  const record = (id: string) => h.org.data.find('WalkMe_Sync_Run__c', id)!;

  test('is closed Failed by the sweep, naming the record its slot was retried as', async () => {
    const integrationId = await createIntegration(h, 'nightly');
    const runId = await scheduledRun(integrationId, 20);
    // First attempt: created its record, then died before noting the id.
    const orphan = orgRecord(integrationId, 15);
    // The retry created another and noted it; it is still going (Running, referenced): left alone.
    const retry = orgRecord(integrationId, 14, 'Running');
    await h.engine.ctx.store.runs.setSfRunId(runId, retry.Id as string);
    // A record created moments ago may be a live worker's, about to note its id: left alone too.
    const fresh = orgRecord(integrationId, 0);

    assert.equal(await h.engine.scheduler.sweepQueued(), 0, 'no Run Now request was taken from them');

    const closed = record(orphan.Id as string);
    assert.equal(closed.Status__c, 'Failed');
    assert.equal(closed.Error_Summary__c, `${ORPHAN_STOPPED}; it was retried as ${retry.Name as string}.`);
    assert.match(retry.Name as string, /^RUN-\d{6}$/);
    assert.ok(closed.End_Time__c, 'the orphan is closed');
    assert.equal(record(retry.Id as string).Status__c, 'Running');
    assert.equal(record(fresh.Id as string).Status__c, 'Queued');
    assert.equal((await h.engine.ctx.store.runs.forIntegration(h.orgId, integrationId)).length, 1);
  });

  test('is adopted by the retry of its run, found by the engine run id: one record, finished', async () => {
    const integrationId = await createIntegration(h, 'retried');
    const runId = await scheduledRun(integrationId, 1);
    // First attempt: created its record (with the engine's run id), then died before noting the id.
    const [left] = h.org.data.load('WalkMe_Sync_Run__c', [
      { Integration__c: integrationId, Engine_Run_Id__c: runId, Status__c: 'Queued', Trigger__c: 'Scheduled' }
    ]);
    await h.engine.worker.execute(runId);
    const records = h.org.data.query(
      `SELECT Id, Status__c FROM WalkMe_Sync_Run__c WHERE Integration__c = '${integrationId}'`
    ) as Array<{ Id: string; Status__c: string }>;
    assert.deepEqual(
      records.map((r) => r.Id),
      [left!.Id]
    );
    assert.match(records[0]!.Status__c, /^Completed/);
    assert.equal((await h.engine.ctx.store.runs.get(runId))!.sfRunId, left!.Id);
  });

  test('whose slot was not retried (crash recovery failed the run) is closed as interrupted', async () => {
    const integrationId = await createIntegration(h, 'hourly');
    const runId = await scheduledRun(integrationId, 10);
    const orphan = orgRecord(integrationId, 9);
    await h.engine.ctx.store.runs.fail(runId, 'Interrupted: the engine stopped during this run.');

    await h.engine.scheduler.sweepQueued();

    assert.equal(record(orphan.Id as string).Status__c, 'Failed');
    assert.equal(record(orphan.Id as string).Error_Summary__c, `${ORPHAN_STOPPED}.`);
    // Closed once: a later sweep finds nothing open.
    const before = record(orphan.Id as string).End_Time__c;
    await h.engine.scheduler.sweepQueued();
    assert.equal(record(orphan.Id as string).End_Time__c, before);
  });
});
