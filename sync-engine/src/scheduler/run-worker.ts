/**
 * Executes run jobs. A run reads its integration fresh from the org, runs the pipeline, and stores the result
 * and rejected rows in one transaction. Its `WalkMe_Sync_Run__c` exists before the pipeline starts (created
 * Queued here for scheduled runs), so a run interrupted, or failed before its pipeline, is closed in the org too.
 */
import type { Job, PgBoss } from 'pg-boss';
import { findIntegration } from '../salesforce/integration-reader.js';
import { soqlLiteral } from '../domain/soql-literal.js';
import { salesforceTargetOrg } from '../salesforce/salesforce-target-org.js';
import { NeedsReconnectionError } from '../salesforce/org-connections.js';
import { withTransientRetries } from '../salesforce/transient-retry.js';
import { deliverPendingClosings } from './run-closings.js';

/** How often a running run stamps `Engine_Heartbeat__c` on its org record (Run Now's staleness is 15 minutes). */
const ORG_HEARTBEAT_MS = 5 * 60_000;
import type { EngineContext } from '../context/engine-context.js';
import { noRows, type RunResult } from '../domain/run-result.js';
import type { RunRecord } from '../store/runs.js';
import { runSync, type RunProgress } from '../sync/run-sync.js';
import { QUEUES } from './boss.js';
import type { RunJob } from './run-requests.js';

export const INTERRUPTED_BY_CRASH =
  'Interrupted: the engine stopped during this run (crash or kill); it was not completed.';
const PROGRESS_EVERY_MS = 2_000;

export const INTERRUPTED_BY_SHUTDOWN = 'Interrupted: the worker shut down before this run finished.';

/** Progress for the console and the CLI, written at most every 2 seconds (and at each change of phase). */
function progressTo(store: EngineContext['store'], runId: string): (progress: RunProgress) => void {
  let writtenAt = 0;
  let phase = '';
  return (progress) => {
    const now = Date.now();
    if (progress.phase === phase && now - writtenAt < PROGRESS_EVERY_MS) return;
    writtenAt = now;
    phase = progress.phase;
    void store.runs.setProgress(runId, progress).catch(() => undefined);
  };
}

export class RunWorker {
  /** Runs in progress, each with the controller that interrupts it at its next batch boundary. */
  readonly #active = new Map<string, AbortController>();
  #stopping = false;

  constructor(
    private readonly ctx: EngineContext,
    private readonly boss: PgBoss,
    private readonly options: { localConcurrency?: number; pollingIntervalSeconds?: number } = {}
  ) {}

  async start(): Promise<void> {
    const pollingIntervalSeconds = this.options.pollingIntervalSeconds ?? 1;
    await this.boss.work<RunJob>(
      QUEUES.run,
      {
        localConcurrency: this.options.localConcurrency ?? 2,
        pollingIntervalSeconds,
        // pg-boss notifies only when jobs are sent, once per statement (and PostgreSQL folds a transaction's
        // identical notifications into one, NOTIFY reference): the rest of a tick's batch, a retry coming
        // due, or the run queued behind one that just ended are found by polling alone. So the poll is not
        // relaxed while notifications are on (pg-boss's `notifyPollingIntervalSeconds`, 30 s by default,
        // which left the three-worker scale-out test's backlog draining one run per worker every 30 s).
        notifyPollingIntervalSeconds: pollingIntervalSeconds
      },
      async ([job]: Job<RunJob>[]) => await this.execute(job!.data.runId)
    );
  }

  /**
   * Stops taking runs and interrupts the ones in progress at their next batch boundary: each finishes the
   * batch in flight and closes its record, Failed "Interrupted", with its counts and rows so far. One still
   * going after `timeoutMs` is marked interrupted here.
   */
  async stop(timeoutMs = 30_000): Promise<void> {
    this.#stopping = true;
    await this.boss.offWork(QUEUES.run, { wait: false }).catch(() => undefined);
    for (const controller of this.#active.values()) controller.abort();
    const deadline = Date.now() + timeoutMs;
    while (this.#active.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    for (const runId of this.#active.keys()) {
      await this.ctx.store.runs.fail(runId, INTERRUPTED_BY_SHUTDOWN);
      await this.closeInOrg(await this.ctx.store.runs.get(runId), INTERRUPTED_BY_SHUTDOWN);
    }
  }

  async execute(runId: string): Promise<void> {
    const { store, logger } = this.ctx;
    const existing = await store.runs.get(runId);
    // Finished already (a duplicate delivery): nothing to do.
    if (!existing || ['Completed', 'Completed with errors'].includes(existing.status)) return;
    if (this.#stopping) throw new Error('worker stopping');
    const interrupt = new AbortController();
    this.#active.set(runId, interrupt);
    const run = await store.runs.start(runId, this.ctx.config.workerName);
    const beat = setInterval(() => void store.runs.heartbeat(runId).catch(() => undefined), 5_000);
    const log = logger.child({
      runId,
      orgId: run.orgId,
      integrationId: run.integrationId,
      attempt: run.attempts
    });
    log.info('run started');
    try {
      await this.ctx.orgs.use(run.orgId, async (conn) => {
        const integration = await findIntegration(conn, run.integrationId);
        if (!integration) throw new Error(`Integration ${run.integrationId} no longer exists in the org.`);
        let sfRunId = run.sfRunId;
        if (!sfRunId) {
          // A worker that died between creating the record and storing its id left it behind: find it by
          // the engine's run id, so a retry never makes a second record.
          const [left] = (
            await conn.query<{ Id: string }>(
              `SELECT Id FROM WalkMe_Sync_Run__c WHERE Engine_Run_Id__c = ${soqlLiteral(runId)} LIMIT 1`
            )
          ).records;
          sfRunId =
            left?.Id ??
            (
              (await conn.sobject('WalkMe_Sync_Run__c').create({
                Integration__c: run.integrationId,
                Engine_Run_Id__c: runId,
                Status__c: 'Queued',
                Trigger__c: run.trigger,
                Dry_Run__c: run.dryRun,
                Report_Name__c: integration.reportName,
                Target_Object__c: integration.targetObject,
                Engine_Heartbeat__c: new Date().toISOString()
              })) as { id: string }
            ).id;
          await store.runs.setSfRunId(runId, sfRunId);
        }
        // The org's record shows the engine is still on it, so Run Now is not blocked by a run nobody works on.
        const recordId = sfRunId;
        const orgBeat = setInterval(() => {
          conn
            .sobject('WalkMe_Sync_Run__c')
            .update({ Id: recordId, Engine_Heartbeat__c: new Date().toISOString() })
            .catch((error: unknown) => log.warn({ err: String(error) }, 'run record heartbeat not written'));
        }, ORG_HEARTBEAT_MS);
        let result;
        try {
          result = await runSync({
            org: salesforceTargetOrg(conn),
            integration,
            source: this.ctx.source,
            options: {
              trigger: run.trigger,
              runId: sfRunId,
              dryRun: run.dryRun,
              signal: interrupt.signal,
              onProgress: progressTo(store, runId)
            }
          });
        } finally {
          clearInterval(orgBeat);
        }
        if (run.attempts > 1)
          result.log.unshift(`Attempt ${run.attempts}: the previous attempt was interrupted.`);
        await store.db.transaction(async (tx) => {
          await store.runs.finish(runId, result, tx);
          // The org has not had all of it: a closing it refused, or rows a Bulk job still held.
          if (result.runRecordPending || result.pendingBulkJobs) {
            const closing = {
              runId,
              orgId: run.orgId,
              sfRunId: recordId,
              integrationId: run.integrationId,
              result
            };
            await store.pendingClosings.keep(closing, tx);
          }
        });
        if (result.runRecordPending) {
          log.warn(
            { reason: result.runRecordPending },
            'run record kept to close on the next contact with the org'
          );
        } else {
          await deliverPendingClosings(this.ctx, run.orgId);
        }
        if (result.failureKind === 'revoked') {
          throw await this.ctx.orgs.markRevoked(run.orgId, result.error!);
        }
        log.info({ status: result.status, counts: result.counts, apiCalls: result.apiCalls }, 'run finished');
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const finished = await store.runs.get(runId);
      if (finished?.status === 'Running') {
        await store.runs.fail(runId, message);
        // The app's record says why too; when the org is unreachable (a revoked account), the closing is kept
        // and delivered once it is reconnected.
        await this.closeInOrg(finished, message);
      }
      // Failed with its reason, not retried: a dead token or a vanished integration will not heal by itself.
      log.warn({ reason: message, needsReconnection: error instanceof NeedsReconnectionError }, 'run failed');
    } finally {
      clearInterval(beat);
      this.#active.delete(runId);
    }
  }

  /**
   * Closes the org record of a run that ended without a result (interrupted, or failed before it could run),
   * with the counts the store has; when the org cannot take it now, it is kept and delivered on the next
   * contact, like any other closing.
   */
  async closeInOrg(run: RunRecord | undefined, reason: string): Promise<void> {
    if (!run?.sfRunId) return;
    const sfRunId = run.sfRunId;
    await this.ctx.orgs
      .use(run.orgId, (conn) =>
        withTransientRetries(conn, () =>
          conn.sobject('WalkMe_Sync_Run__c').update({
            Id: sfRunId,
            Status__c: 'Failed',
            End_Time__c: new Date().toISOString(),
            Error_Summary__c: reason
          })
        )
      )
      .catch(async (error: unknown) => {
        this.ctx.logger.warn(
          { runId: run.id, err: String(error) },
          'interrupted run kept to close on the next contact'
        );
        await this.ctx.store.pendingClosings.keep({
          runId: run.id,
          orgId: run.orgId,
          sfRunId,
          integrationId: run.integrationId,
          result: interruptedResult(run, reason)
        });
      });
  }
}

/** What the store knows of a run that ended without a result, as the result its record is closed with. */
function interruptedResult(run: RunRecord, reason: string): RunResult {
  return {
    integrationName: run.integrationName,
    reportName: '',
    targetObject: '',
    status: 'Failed',
    dryRun: run.dryRun,
    startedAt: run.startedAt ?? run.requestedAt,
    endedAt: new Date(),
    counts: run.counts ?? noRows(),
    apiCalls: run.apiCalls ?? 0,
    strategy: { match: 'soql', write: 'none' },
    rejected: [],
    rejectedOmitted: 0,
    rejectedByReason: [],
    changesSample: [],
    error: reason,
    failureKind: 'transient',
    log: [...run.log, reason]
  };
}
