/**
 * pg-boss on the engine's database: over PGlite through pg-boss's `db` adapter (the same PGlite instance, so
 * jobs can be sent inside the engine's transactions), over PostgreSQL with pg-boss's own pool.
 */
import { PgBoss } from 'pg-boss';
import type { Db } from '../store/db.js';

export const QUEUES = {
  run: 'sync-run',
  tick: 'schedule-tick',
  refresh: 'integration-refresh',
  sweep: 'queued-run-sweep',
  catalog: 'catalog-refresh',
  heartbeat: 'connection-heartbeat'
} as const;

export interface BossOptions {
  databaseUrl?: string;
  /** Seconds without a heartbeat after which a run's job is retried by another worker (pg-boss minimum 10). */
  runHeartbeatSeconds: number;
  superviseIntervalSeconds: number;
  /**
   * pg-boss's warnings, from its start on: among them that LISTEN/NOTIFY could not be set up (runs then start
   * at the next poll, within a second), which an operator should see.
   */
  onWarning?: (warning: { message: string; data?: unknown }) => void;
}

export async function startBoss(db: Db, options: BossOptions): Promise<PgBoss> {
  const supervise = options.superviseIntervalSeconds;
  // Stale heartbeats and expired jobs are failed (and so retried) in pg-boss's monitor pass, which runs every
  // `monitorIntervalSeconds` (default 60), not every supervise interval: keep the two together.
  // LISTEN/NOTIFY wakes the run workers the moment a run job is sent (Run Now), in every process: pg-boss's
  // own connection on PostgreSQL (a client of its own, not one of the pool's), PGlite's in-process listener.
  const timing = {
    superviseIntervalSeconds: supervise,
    monitorIntervalSeconds: supervise,
    schedule: true,
    useListenNotify: true
  };
  const boss =
    db.kind === 'pglite'
      ? new PgBoss({ db, backend: 'pglite', ...timing })
      : new PgBoss({ connectionString: options.databaseUrl, max: 4, ...timing });
  if (options.onWarning) boss.on('warning', options.onWarning);
  await boss.start();
  // One active run per integration (singletonKey), any number queued behind it; a run whose worker died is
  // retried once its heartbeat is stale.
  await ensureQueue(boss, QUEUES.run, {
    policy: 'singleton',
    notify: true,
    heartbeatSeconds: options.runHeartbeatSeconds,
    expireInSeconds: 4 * 3600,
    retryLimit: 3,
    retryDelay: 1
  });
  for (const name of [QUEUES.tick, QUEUES.refresh, QUEUES.sweep, QUEUES.catalog, QUEUES.heartbeat]) {
    await ensureQueue(boss, name, { policy: 'singleton', expireInSeconds: 15 * 60, retryLimit: 1 });
  }
  return boss;
}

async function ensureQueue(boss: PgBoss, name: string, options: Parameters<PgBoss['createQueue']>[1]) {
  const queue = await boss.getQueue(name);
  if (!queue) await boss.createQueue(name, options);
  // A queue made before notifications were turned on (an existing data folder or database) is switched over.
  else if (options?.notify && !queue.notify) await boss.updateQueue(name, { notify: true });
}
