import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SCHEDULER } from '../../src/config.js';
import { QUEUES } from '../../src/scheduler/boss.js';
import type { ScheduledIntegration } from '../../src/store/schedules.js';
import {
  FINISHED,
  createIntegration,
  startSchedulerHarness,
  type SchedulerHarness
} from './scheduler-harness.js';
import { waitFor } from '../wait-for.js';

describe('schedules follow the integration records', () => {
  let h: SchedulerHarness;
  let now = new Date('2025-03-10T10:00:00Z');
  const ids: Record<string, string> = {};
  const schedules = async () =>
    new Map(
      (await h.engine.ctx.store.schedules.list(h.orgId)).map((s): [string, ScheduledIntegration] => [
        s.integrationName,
        s
      ])
    );
  const due = async (name: string) => (await schedules()).get(name)?.nextDueAt?.toISOString() ?? null;
  const update = (name: string, fields: Record<string, unknown>) =>
    h.admin.sobject('WalkMe_Integration__c').update({ Id: ids[name]!, ...fields });
  /** Waits for the runs a tick enqueued, so no run is left in progress between tests. */
  const settle = async (runIds: string[]) => {
    for (const id of runIds) {
      await waitFor(`run ${id}`, async () =>
        FINISHED.includes((await h.engine.ctx.store.runs.get(id))?.status ?? '')
      );
    }
  };

  before(async () => {
    h = await startSchedulerHarness({
      engine: { runNow: false, clock: () => now },
      config: { scheduler: { ...DEFAULT_SCHEDULER, refreshSeconds: 120 } }
    });
  });
  after(async () => {
    await h?.stop();
  });

  test('the refresh runs as a pg-boss cron job at the configured interval', async () => {
    const [refresh] = await h.engine.boss.getSchedules(QUEUES.refresh);
    assert.equal(refresh?.cron, '*/2 * * * *');
    assert.equal(refresh?.timezone, 'UTC');
  });

  test('each integration gets its schedule: daily at an hour UTC, every N hours, manual none', async () => {
    ids.daily = await createIntegration(h, 'daily', {
      schedule: { type: 'Daily', hourUtc: 9, intervalHours: null }
    });
    ids.sixHourly = await createIntegration(h, 'sixHourly', {
      schedule: { type: 'Every N Hours', hourUtc: 9, intervalHours: 6 }
    });
    ids.manual = await createIntegration(h, 'manual', {
      schedule: { type: 'Manual', hourUtc: 9, intervalHours: null }
    });
    ids.inactive = await createIntegration(h, 'inactive', {
      active: false,
      schedule: { type: 'Daily', hourUtc: 11, intervalHours: null }
    });
    await h.engine.scheduler.refreshIntegrations();
    assert.deepEqual(
      Object.fromEntries(await Promise.all(Object.keys(ids).map(async (n) => [n, await due(n)]))),
      {
        daily: '2025-03-11T09:00:00.000Z',
        sixHourly: '2025-03-10T15:00:00.000Z',
        manual: null,
        inactive: null
      }
    );
    assert.equal((await schedules()).get('inactive')?.active, false);
  });

  test('a due slot is enqueued once as a Scheduled run, then the next slot is due', async () => {
    now = new Date('2025-03-10T14:59:59Z');
    assert.deepEqual(await h.engine.scheduler.tick(), []);
    now = new Date('2025-03-10T15:00:00Z');
    // A refresh that finds nothing changed keeps the slot that has just fallen due.
    await h.engine.scheduler.refreshIntegrations();
    const runIds = await h.engine.scheduler.tick();
    assert.equal(runIds.length, 1);
    assert.deepEqual(await h.engine.scheduler.tick(), [], 'a second tick claims nothing');
    const run = (await h.engine.ctx.store.runs.get(runIds[0]!))!;
    assert.equal(run.integrationId, ids.sixHourly);
    assert.equal(run.trigger, 'Scheduled');
    assert.equal(run.requestKey, 'scheduled:2025-03-10T15:00:00.000Z');
    assert.equal(await due('sixHourly'), '2025-03-10T21:00:00.000Z');
    await settle(runIds);
    const sfRun = h.org.data.find(
      'WalkMe_Sync_Run__c',
      (await h.engine.ctx.store.runs.get(runIds[0]!))!.sfRunId!
    );
    assert.equal(sfRun?.Trigger__c, 'Scheduled');
    assert.ok(FINISHED.includes(String(sfRun?.Status__c)));
  });

  test('added, changed and deactivated integrations are picked up by the next refresh', async () => {
    now = new Date('2025-03-10T15:30:00Z');
    await update('daily', { Schedule_Hour_UTC__c: 12 });
    await update('sixHourly', { Schedule_Type__c: 'Manual' });
    await update('manual', {
      Schedule_Type__c: 'Every N Hours',
      Schedule_Interval_Hours__c: 4,
      Schedule_Hour_UTC__c: 1
    });
    await update('inactive', { Active__c: true });
    ids.hourly = await createIntegration(h, 'hourly', {
      schedule: { type: 'Every N Hours', hourUtc: 0, intervalHours: 1 }
    });
    // Unchanged until the refresh reads the records again.
    assert.equal(await due('daily'), '2025-03-11T09:00:00.000Z');
    assert.equal(await due('hourly'), null);
    await h.engine.scheduler.refreshIntegrations();
    assert.deepEqual(
      Object.fromEntries(await Promise.all(Object.keys(ids).map(async (n) => [n, await due(n)]))),
      {
        daily: '2025-03-11T12:00:00.000Z',
        sixHourly: null,
        manual: '2025-03-10T17:00:00.000Z',
        inactive: '2025-03-11T11:00:00.000Z',
        hourly: '2025-03-10T16:00:00.000Z'
      }
    );
  });

  test('the refresh job itself picks up a deactivation and a deletion; nothing runs for them', async () => {
    await update('hourly', { Active__c: false });
    await h.admin.sobject('WalkMe_Integration__c').destroy(ids.manual!);
    await h.engine.boss.send(QUEUES.refresh, {});
    await waitFor('the refresh job', async () => !(await schedules()).has('manual'), 10_000);
    assert.equal(await due('hourly'), null);
    assert.equal((await schedules()).get('hourly')?.active, false);
    // Past every slot they had: only the still-active integrations run.
    now = new Date('2025-03-11T12:00:00Z');
    const runIds = await h.engine.scheduler.tick();
    const ran = await Promise.all(
      runIds.map(async (id) => (await h.engine.ctx.store.runs.get(id))!.integrationId)
    );
    assert.deepEqual(ran.sort(), [ids.daily, ids.inactive].sort());
    await settle(runIds);
  });
});
