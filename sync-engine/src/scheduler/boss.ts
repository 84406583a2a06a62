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
}

export async function startBoss(db: Db, options: BossOptions): Promise<PgBoss> {
  const supervise = options.superviseIntervalSeconds;
  // Stale heartbeats and expired jobs are failed (and so retried) in pg-boss's monitor pass, which runs every
  // `monitorIntervalSeconds` (default 60), not every supervise interval: keep the two together.
  const timing = { superviseIntervalSeconds: supervise, monitorIntervalSeconds: supervise, schedule: true };
  const boss =
    db.kind === 'pglite'
      ? new PgBoss({ db, backend: 'pglite', ...timing })
      : new PgBoss({ connectionString: options.databaseUrl, max: 4, ...timing });
  await boss.start();
  // One active run per integration (singletonKey), any number queued behind it; a run whose worker died is
  // retried once its heartbeat is stale.
  await ensureQueue(boss, QUEUES.run, {
    policy: 'singleton',
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
  if (!(await boss.getQueue(name))) await boss.createQueue(name, options);
}
