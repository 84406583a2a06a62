import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { QUEUES, startBoss } from '../../src/scheduler/boss.js';
import { enqueueRun, type RunJob } from '../../src/scheduler/run-requests.js';
import { openDb } from '../../src/store/open-db.js';
import { startPostgres } from '../store/databases.js';

const postgres = await startPostgres();
const databases: Array<[string, string | undefined]> = [
  ['PGlite', undefined],
  ['PostgreSQL', await postgres.createDatabase(`run_queue_${process.pid}`)]
];

describe('the run queue wakes its workers when a run is requested', () => {
  after(async () => {
    await postgres.stop();
  });
  for (const [name, databaseUrl] of databases) {
    test(`${name}: a job sent in a transaction reaches an idle worker long before its next poll`, async () => {
      const db = await openDb({ dataDir: 'memory', ...(databaseUrl ? { databaseUrl } : {}) });
      const boss = await startBoss(db, { databaseUrl });
      try {
        let received: (at: number) => void = () => {};
        const arrival = new Promise<number>((resolve) => (received = resolve));
        await boss.work<RunJob>(QUEUES.run, { pollingIntervalSeconds: 20 }, async () => {
          received(performance.now());
        });
        // Past the worker's first (empty) fetch: only a notification brings the job before 20 s.
        await new Promise((r) => setTimeout(r, 500));
        const sent = performance.now();
        await db.transaction((tx) =>
          enqueueRun(
            boss,
            'run-1',
            { orgId: 'org', integrationId: 'a', integrationName: 'A', trigger: 'Manual', requestKey: 'k' },
            tx
          )
        );
        const waitedMs = (await arrival) - sent;
        console.log(`${name}: run job picked up ${waitedMs.toFixed(0)} ms after it was sent`);
        assert.ok(waitedMs < 2_000, `${waitedMs} ms`);
      } finally {
        await boss.stop({ graceful: true, timeout: 5_000 });
        await db.close();
      }
    });
  }
});
