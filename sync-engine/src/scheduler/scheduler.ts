/**
 * Keeps each connected org's integrations scheduled and its runs moving, all through pg-boss jobs so that any
 * number of engine processes share the work: the tick enqueues due slots (claimed once, in the transaction
 * that sends the run job), the refresh re-reads integration records (changes picked up within
 * `refreshSeconds`), the sweep picks up Queued runs whose Run Now event was missed and closes scheduled run
 * records a dead worker orphaned, the heartbeat keeps `WalkMe_Connection__c` current, and the catalog is
 * pushed daily. Each handler is also callable directly.
 */
import type { PgBoss } from 'pg-boss';
import { listIntegrations } from '../salesforce/integration-reader.js';
import { writeConnectionRecord } from '../salesforce/connection-record.js';
import type { EngineContext } from '../context/engine-context.js';
import { QUEUES } from './boss.js';
import { failureKindOf } from '../salesforce/salesforce-errors.js';
import { pushCatalog, refreshCatalog } from './catalog-push.js';
import { deliverPendingClosings } from './run-closings.js';
import { closeOrphanedScheduledRuns } from './orphaned-runs.js';
import { RunNowListener } from './run-now-listener.js';
import { enqueueRun, requestRun, type RunJob } from './run-requests.js';
import { INTERRUPTED_BY_CRASH, type RunWorker } from './run-worker.js';

/** A cron expression firing every `seconds` (pg-boss cron has minute resolution). */
function everyMinutes(seconds: number): string {
  const minutes = Math.max(1, Math.round(seconds / 60));
  return minutes === 1 ? '* * * * *' : `*/${Math.min(minutes, 59)} * * * *`;
}

export class Scheduler {
  readonly runNow: RunNowListener;
  /** Set-up of orgs connected through this process, so a caller can wait for it. */
  readonly setups = new Map<string, Promise<void>>();
  readonly #onConnected = (orgId: string) => {
    this.setups.set(orgId, this.connected(orgId));
  };
  /** Disconnected or revoked: its Run Now subscription ends until the account is connected again. */
  readonly #onDisconnected = (orgId: string) => {
    this.#cancelCatalogRetry(orgId);
    void this.runNow.unsubscribe(orgId);
  };

  constructor(
    private readonly ctx: EngineContext,
    private readonly boss: PgBoss,
    private readonly clock: () => Date = () => new Date()
  ) {
    this.runNow = new RunNowListener(ctx, boss, () => this.sweepQueued());
  }

  #runNow = true;

  async start(options: { runNow?: boolean } = {}): Promise<void> {
    this.#runNow = options.runNow !== false;
    const s = this.ctx.config.scheduler;
    const handlers: Array<[string, string, () => Promise<unknown>]> = [
      [QUEUES.tick, everyMinutes(s.tickSeconds), () => this.tick()],
      [QUEUES.refresh, everyMinutes(s.refreshSeconds), () => this.refreshIntegrations()],
      [QUEUES.sweep, everyMinutes(s.sweepSeconds), () => this.sweepQueued()],
      [QUEUES.heartbeat, everyMinutes(s.heartbeatSeconds), () => this.heartbeat()],
      [QUEUES.catalog, '0 8 * * *', () => this.pushCatalogToAll()]
    ];
    for (const [queue, cron, handler] of handlers) {
      await this.boss.schedule(queue, cron, null, { tz: 'UTC' });
      await this.boss.work(queue, { pollingIntervalSeconds: 5 }, async () => {
        await handler();
      });
    }
    this.ctx.accountEvents.on('connected', this.#onConnected);
    this.ctx.accountEvents.on('disconnected', this.#onDisconnected);
    this.ctx.accountEvents.on('revoked', this.#onDisconnected);
    if (this.#runNow)
      await this.#eachConnectedOrg('Run Now subscription', (orgId) => this.runNow.subscribeOrRetry(orgId));
    await this.#eachConnectedOrg('late run record closing', (orgId) =>
      deliverPendingClosings(this.ctx, orgId)
    );
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const orgId of [...this.#catalogRetries.keys()]) this.#cancelCatalogRetry(orgId);
    this.ctx.accountEvents.off('connected', this.#onConnected);
    this.ctx.accountEvents.off('disconnected', this.#onDisconnected);
    this.ctx.accountEvents.off('revoked', this.#onDisconnected);
    await Promise.allSettled(this.setups.values());
    await this.runNow.stop();
  }

  /**
   * A newly connected org: its schedules, its catalog, its Run Now subscription, each on its own. The
   * schedules come first (the connect has already read them once, so the console lists them at once; this
   * read is the retry when that one failed): a catalog push can take long (the report source is listed when
   * no catalog is cached, then every report is upserted). A catalog push that fails (a report source down, a
   * malformed export) is logged on the org and tried again with backoff; it never keeps the schedules or Run
   * Now from starting.
   */
  async connected(orgId: string): Promise<void> {
    await deliverPendingClosings(this.ctx, orgId).catch((error: unknown) =>
      this.ctx.logger.warn({ orgId, err: String(error) }, 'closing earlier run records failed')
    );
    await this.refreshOrg(orgId).catch((error: unknown) =>
      this.ctx.logger.warn({ orgId, err: String(error) }, "reading the new connection's integrations failed")
    );
    await this.#pushCatalogTo(orgId, 0);
    if (this.#runNow) await this.runNow.subscribeOrRetry(orgId);
  }

  /** One pending catalog retry per org; a disconnect, a revocation, a reconnect or a stop cancels it. */
  readonly #catalogRetries = new Map<string, NodeJS.Timeout>();
  #stopped = false;

  #cancelCatalogRetry(orgId: string): void {
    clearTimeout(this.#catalogRetries.get(orgId));
    this.#catalogRetries.delete(orgId);
  }

  async #pushCatalogTo(orgId: string, attempt: number): Promise<void> {
    this.#cancelCatalogRetry(orgId);
    try {
      const cached = await this.ctx.store.catalog.list();
      const reports = cached.length ? cached : await refreshCatalog(this.ctx, this.clock());
      await this.ctx.orgs.use(orgId, (conn) => pushCatalog(conn, reports));
      await this.ctx.store.accounts.recordCatalogPush(orgId, this.clock());
    } catch (error) {
      const kind = failureKindOf(error);
      // Gone, disconnected or revoked: reconnecting it sets the org up again.
      const account = await this.ctx.store.accounts.get(orgId).catch(() => undefined);
      if (this.#stopped || kind === 'revoked' || account?.status !== 'connected') return;
      const delaySeconds = Math.min(3_600, this.ctx.config.scheduler.catalogRetrySeconds * 2 ** attempt);
      this.ctx.logger.warn(
        { orgId, kind, err: String(error), retryInSeconds: delaySeconds },
        'catalog push failed'
      );
      const timer = setTimeout(() => {
        this.#catalogRetries.delete(orgId);
        void this.#pushCatalogTo(orgId, attempt + 1);
      }, delaySeconds * 1_000);
      timer.unref();
      this.#catalogRetries.set(orgId, timer);
    }
  }

  /** Enqueues every due slot once; answers the runs requested. */
  async tick(now = this.clock()): Promise<string[]> {
    const { store } = this.ctx;
    return await store.db.transaction(async (tx) => {
      const runIds: string[] = [];
      for (const due of await store.schedules.claimDue(tx, now)) {
        const req = {
          orgId: due.orgId,
          integrationId: due.integrationId,
          integrationName: due.integrationName,
          trigger: 'Scheduled' as const,
          requestKey: `scheduled:${due.slot.toISOString()}`
        };
        const { run, created } = await store.runs.request(req, tx);
        if (created) {
          await enqueueRun(this.boss, run.id, req, tx);
          runIds.push(run.id);
        }
      }
      return runIds;
    });
  }

  async refreshIntegrations(): Promise<void> {
    await this.#eachConnectedOrg('integration refresh', (orgId) => this.refreshOrg(orgId));
  }

  async refreshOrg(orgId: string): Promise<void> {
    const definitions = await this.ctx.orgs.use(orgId, (conn) => listIntegrations(conn));
    const changes = await this.ctx.store.schedules.sync(orgId, definitions, this.clock());
    if (changes.added.length || changes.changed.length || changes.removed.length) {
      this.ctx.logger.info({ orgId, ...changes }, 'schedules updated');
    }
  }

  /**
   * Queued `WalkMe_Sync_Run__c` records whose Run Now event never reached the engine (answers how many were
   * picked up); scheduled ones a dead worker left open are closed.
   */
  async sweepQueued(): Promise<number> {
    let found = 0;
    const grace = this.ctx.config.scheduler.orphanGraceSeconds;
    // Run records the org could not take when their runs ended are closed first, from what the store kept.
    await this.#eachConnectedOrg('late run record closing', (orgId) =>
      deliverPendingClosings(this.ctx, orgId)
    );
    await this.#eachConnectedOrg('queued-run sweep', (orgId) =>
      this.ctx.orgs.use(orgId, async (conn) => {
        const queued = (
          await conn.query<{ Id: string; Integration__c: string | null; Dry_Run__c: boolean }>(
            // Only Run Now's records: a Scheduled one is the engine's own, left Queued by a worker that died
            // before noting its id; its slot is already recorded (and retried) in the store, and the record
            // is closed as orphaned below.
            `SELECT Id, Integration__c, Dry_Run__c FROM WalkMe_Sync_Run__c WHERE Status__c = 'Queued' AND Trigger__c != 'Scheduled'`
          )
        ).records;
        for (const record of queued) {
          if (!record.Integration__c) continue;
          const { created } = await requestRun(this.ctx, this.boss, {
            orgId,
            integrationId: record.Integration__c,
            integrationName: '',
            trigger: 'Manual',
            requestKey: `manual:${record.Id}`,
            sfRunId: record.Id,
            dryRun: record.Dry_Run__c === true
          });
          if (created) found += 1;
        }
        await closeOrphanedScheduledRuns(this.ctx, orgId, conn, this.clock(), grace);
      })
    );
    if (found) this.ctx.logger.info({ found }, 'sweep picked up queued runs');
    return found;
  }

  async heartbeat(): Promise<void> {
    await this.#eachConnectedOrg('heartbeat', (orgId) => {
      const now = this.clock();
      return this.ctx.orgs.use(orgId, async (conn, current) => {
        const id = await writeConnectionRecord(conn, current, this.ctx.config.publicUrl, 'Connected', now);
        await this.ctx.store.accounts.recordHeartbeat(orgId, id, now);
      });
    });
  }

  async pushCatalogToAll(): Promise<void> {
    const reports = await refreshCatalog(this.ctx, this.clock());
    await this.#eachConnectedOrg('catalog push', async (orgId) => {
      await this.ctx.orgs.use(orgId, (conn) => pushCatalog(conn, reports));
      await this.ctx.store.accounts.recordCatalogPush(orgId, this.clock());
    });
  }

  /** `fn` for each connected org in turn; an org's failure is logged (`<what> failed`) and the next goes on. */
  async #eachConnectedOrg(what: string, fn: (orgId: string) => Promise<unknown>): Promise<void> {
    for (const account of await this.ctx.store.accounts.list()) {
      if (account.status !== 'connected') continue;
      await fn(account.orgId).catch((error) =>
        this.ctx.logger.warn({ orgId: account.orgId, err: String(error) }, `${what} failed`)
      );
    }
  }

  /**
   * Runs a previous process left Running are marked Failed with the reason, here and in the org. The embedded
   * engine owns its database alone, so all of them, and their jobs end with them: a run reported Failed is
   * not restarted behind the admin's back (the next slot or Run Now runs the integration again). On a shared
   * PostgreSQL, those whose worker went silent; pg-boss hands a dead worker's job to another worker.
   */
  async recoverInterrupted(worker: RunWorker, staleSeconds = 60): Promise<number> {
    const embedded = this.ctx.store.db.kind === 'pglite';
    const interrupted = await this.ctx.store.runs.failInterrupted(
      INTERRUPTED_BY_CRASH,
      embedded ? { all: true } : { staleSeconds }
    );
    for (const run of interrupted) {
      this.ctx.logger.warn({ runId: run.id, orgId: run.orgId }, 'run interrupted by a previous stop');
      if (embedded) await this.#cancelRunJobs(run.id);
      await worker.closeInOrg(run, INTERRUPTED_BY_CRASH);
    }
    return interrupted.length;
  }

  async #cancelRunJobs(runId: string): Promise<void> {
    const pending = (await this.boss.findJobs<RunJob>(QUEUES.run, { data: { runId } })).filter((job) =>
      ['created', 'retry', 'active'].includes(job.state)
    );
    if (pending.length)
      await this.boss.cancel(
        QUEUES.run,
        pending.map((job) => job.id)
      );
  }
}
