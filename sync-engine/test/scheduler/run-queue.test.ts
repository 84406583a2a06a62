/**
 * The run queue wakes its workers: a requested run reaches an idle worker through LISTEN/NOTIFY, not at its
 * next poll, and the runs no notification announces (the rest of a tick's batch) are still found at the poll
 * — on PGlite and on PostgreSQL.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { QUEUES, startBoss } from '../../src/scheduler/boss.js';
import { RunWorker } from '../../src/scheduler/run-worker.js';
import { openDb } from '../../src/store/open-db.js';
import { startPostgres, type PostgresServer } from '../store/databases.js';
import {
  FINISHED,
  createIntegration,
  insertQueuedRun,
  orgRunStatus,
  publishRunRequest,
  startSchedulerHarness,
  type SchedulerHarness
} from './scheduler-harness.js';
import { waitFor } from '../wait-for.js';

const postgres: PostgresServer = await startPostgres();
let created = 0;
/** Each backend's fresh database: PGlite in memory (no URL), or a new PostgreSQL database. */
const databases: Array<[string, () => Promise<string | undefined>]> = [
  ['PGlite', async () => undefined],
  ['PostgreSQL', () => postgres.createDatabase(`run_queue_${process.pid}_${++created}`)]
];

after(async () => {
  await postgres.stop();
});

for (const [name, database] of databases) {
  describe(`${name}: the run queue wakes its workers`, () => {
    let h: SchedulerHarness;
    let worker: RunWorker | undefined;
    let integrationId: string;

    /** Replaces the engine's run worker with one of these options, once its first (empty) fetch is done. */
    const useWorker = async (options: ConstructorParameters<typeof RunWorker>[2]) => {
      await (worker ?? h.engine.worker).stop();
      worker = new RunWorker(h.engine.ctx, h.engine.boss, options);
      await worker.start();
      await waitFor('the new worker alone, past its first fetch', () => {
        const runWorkers = h.engine.boss.getWipData().filter((w) => w.name === QUEUES.run);
        return (
          runWorkers.length === (options?.localConcurrency ?? 2) && runWorkers.every((w) => w.lastFetchedOn)
        );
      });
    };

    before(async () => {
      const databaseUrl = await database();
      h = await startSchedulerHarness({ config: databaseUrl ? { databaseUrl } : {} });
      integrationId = await createIntegration(h, 'Logins to Leads');
      await waitFor('the Run Now subscription', () =>
        h.engine.scheduler.runNow.subscribedOrgs.includes(h.orgId)
      );
    });
    after(async () => {
      await worker?.stop();
      await h?.stop();
    });

    test('a Run Now starts at once on a worker whose next poll is a minute away', async () => {
      await useWorker({ pollingIntervalSeconds: 60 });
      const sfRunId = await insertQueuedRun(h, integrationId);
      await publishRunRequest(h, integrationId, sfRunId);
      await waitFor('Running', () => orgRunStatus(h, sfRunId) !== 'Queued', 5_000);
      await waitFor('the run to finish', () => FINISHED.includes(orgRunStatus(h, sfRunId)!));
    });

    test('a tick’s runs beyond the workers’ capacity start at the next polls, not at a relaxed backstop', async () => {
      await useWorker({ pollingIntervalSeconds: 1, localConcurrency: 1 });
      for (const n of [1, 2]) await createIntegration(h, `Tick ${n}`);
      await h.engine.scheduler.refreshIntegrations();
      // One transaction sends all three jobs: one notification, one run taken; the others wait for polls.
      const runIds = await h.engine.scheduler.tick(new Date(Date.now() + 25 * 3600_000));
      assert.equal(runIds.length, 3);
      const started = performance.now();
      for (const runId of runIds) {
        await waitFor(
          `run ${runId} to finish`,
          async () => FINISHED.includes((await h.engine.ctx.store.runs.get(runId))?.status ?? ''),
          20_000
        );
      }
      const seconds = (performance.now() - started) / 1000;
      assert.ok(seconds < 20, `three runs one after another took ${seconds.toFixed(1)} s`);
    });
  });

  test(`${name}: a run queue made before notifications were on is switched to them`, async () => {
    const databaseUrl = await database();
    const db = await openDb({ dataDir: 'memory', ...(databaseUrl ? { databaseUrl } : {}) });
    const options = { databaseUrl, runHeartbeatSeconds: 30, superviseIntervalSeconds: 30 };
    try {
      const before = await startBoss(db, options);
      await before.updateQueue(QUEUES.run, { notify: false });
      await before.stop();
      const boss = await startBoss(db, options);
      try {
        assert.equal((await boss.getQueue(QUEUES.run))?.notify, true);
      } finally {
        await boss.stop();
      }
    } finally {
      await db.close();
    }
  });
}
