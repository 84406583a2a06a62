/**
 * One engine process: the store, pg-boss, and — by role — the HTTP server and scheduler (`start`) and/or the
 * run worker (`start` and `worker`). Stopping is graceful: the server closes, runs in progress finish or are
 * marked interrupted, pg-boss stops, the database closes.
 */
import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import type { PgBoss } from 'pg-boss';
import { checkExposure, isLoopbackHost, type EngineConfig } from '../config.js';
import { startBoss } from '../scheduler/boss.js';
import { nextDue } from '../scheduler/schedule-plan.js';
import { RunWorker } from '../scheduler/run-worker.js';
import { requestRun } from '../scheduler/run-requests.js';
import type { RunRecord, RunRequest } from '../store/runs.js';
import { Scheduler } from '../scheduler/scheduler.js';
import { csvFolderSource, csvManifestUrlSource } from '../sources/csv-source.js';
import { dropSource } from '../sources/drops/drop-source.js';
import { openStore } from '../sources/drops/open-store.js';
import { InsightsApiSource } from '../sources/insights-api-source.js';
import type { ReportSource } from '../sources/report-source.js';
import { createStore } from '../store/index.js';
import { openDb } from '../store/open-db.js';
import { loadTokenCipher } from '../store/token-cipher.js';
import { createApp, listen } from '../server/app.js';
import { localUrl, newCliToken, writeOperatorApiFile } from './operator-api-file.js';
import type { RunNowStatus } from '../server/health.js';
import type { SubscriptionState } from '../scheduler/run-now-listener.js';
import type { AccountEvents, EngineContext } from '../context/engine-context.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { OrgConnections } from '../salesforce/org-connections.js';

export interface EngineOptions {
  /** `all`: server + scheduler + worker; `worker`: runs only; `none`: the store and pg-boss (CLI commands). */
  role: 'all' | 'worker' | 'none';
  logger?: Logger;
  source?: ReportSource;
  /** Subscribe to Run Now events (default true with the scheduler). */
  runNow?: boolean;
  /** Runs one worker executes at once. */
  concurrency?: number;
  /** Seconds without a heartbeat after which a dead worker's run is retried elsewhere. */
  runHeartbeatSeconds?: number;
  superviseIntervalSeconds?: number;
  clock?: () => Date;
  /** Refuse to start when the key opens none of the stored tokens (default true; `keys rotate` re-seals them). */
  checkKey?: boolean;
  /** The demo's operator is signed in automatically; refused unless the engine listens on loopback. */
  demoOperator?: boolean;
}

export interface Engine {
  ctx: EngineContext;
  boss: PgBoss;
  scheduler: Scheduler;
  worker: RunWorker;
  /** The console's URL when the server runs. */
  url?: string;
  /**
   * Asks for a run (the console's and the CLI's Run Now): queued for the workers when this process has one,
   * else (a CLI command's own engine, `role: 'none'`) recorded and run here, so it never takes another job.
   */
  requestRun(req: RunRequest): Promise<RunRecord>;
  stop(): Promise<void>;
}

/** The configured report source; `clock` is the time a drop's newest export is judged stale against. */
export function sourceFor(config: EngineConfig, clock?: () => Date): ReportSource {
  const { reports } = config;
  if ('csvDir' in reports) return csvFolderSource(reports.csvDir);
  if ('manifestUrl' in reports) return csvManifestUrlSource(reports.manifestUrl);
  if ('drops' in reports) {
    const { store, ...options } = reports.drops;
    return dropSource(openStore(store), { ...options, ...(clock ? { now: clock } : {}) });
  }
  return new InsightsApiSource(reports.insights);
}

/** The settings that make the report source, named for the operator to check. */
function reportSettings(reports: EngineConfig['reports']): string {
  if ('insights' in reports) {
    return 'WALKME_CLIENT_ID, WALKME_CLIENT_SECRET and WALKME_REGION or WALKME_API_URL (or REPORTS_SOURCE)';
  }
  if ('csvDir' in reports) return reports.setting ?? `REPORTS_CSV_DIR=${reports.csvDir}`;
  if ('manifestUrl' in reports) return reports.setting;
  const credentials = {
    s3: "the AWS credentials the SDK finds (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE or the host's role), AWS_REGION and AWS_ENDPOINT_URL",
    gcs: 'GCS_HMAC_ACCESS_ID and GCS_HMAC_SECRET',
    azure: 'AZURE_STORAGE_SAS_URL or AZURE_STORAGE_CONNECTION_STRING'
  }[reports.drops.store.platform];
  return `${reports.setting} and ${credentials}`;
}

/**
 * Refuses to start a hosted engine whose report source answers nothing: the settings are named (a folder that
 * is not there, a bucket the credentials may not list, Insights credentials refused), not found out on the
 * first run. A drop's stale export does not stop the start (the catalog lists it; its runs fail).
 */
export async function checkReportSource(
  config: EngineConfig,
  source: ReportSource = sourceFor(config)
): Promise<void> {
  const settings = reportSettings(config.reports);
  if ('insights' in config.reports && !config.reports.insights.clientId) {
    throw new Error(`No report source: set ${settings}.`);
  }
  try {
    await source.listReports();
  } catch (error) {
    throw new Error(
      `The report source cannot list reports (${(error as Error).message}): check ${settings}.`
    );
  }
}

/** An org's Run Now subscription, for the console and `/healthz`. */
function describeSubscription(state: SubscriptionState | undefined): RunNowStatus | undefined {
  if (!state) return undefined;
  if (state.state === 'listening')
    return { listening: true, text: `listening since ${state.since.toISOString()}` };
  if (state.state === 'retrying') {
    return {
      listening: false,
      text: `reconnecting at ${state.nextAttemptAt.toISOString()} (${state.reason})`
    };
  }
  return { listening: false, text: `stopped (${state.reason})` };
}

export async function startEngine(config: EngineConfig, options: EngineOptions): Promise<Engine> {
  if (options.role === 'all') checkExposure(config);
  if (options.demoOperator && !isLoopbackHost(config.host)) {
    throw new Error(
      `The demo signs its operator in automatically, which only an engine on loopback may do; HOST is ${config.host}.`
    );
  }
  if (config.databaseUrl && !config.encryptionKey) {
    // Every host would otherwise generate a key of its own, and no worker could read another's tokens.
    throw new Error(
      'DATABASE_URL is set but ENGINE_ENCRYPTION_KEY is not: every engine sharing the database needs the same ' +
        'key (32 bytes, base64 or hex; e.g. `openssl rand -base64 32`).'
    );
  }
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const cipher = loadTokenCipher({
    envKey: config.encryptionKey,
    dataDir: config.dataDir,
    onGenerated: (path) =>
      logger.warn(
        { path },
        'generated a new token encryption key (owner-only file); back it up with the data, or set ENGINE_ENCRYPTION_KEY'
      )
  });
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const store = createStore(db, cipher, nextDue);
  if (options.checkKey !== false) {
    try {
      await store.accounts.checkKey();
    } catch (error) {
      await db.close();
      throw new Error(
        `ENGINE_ENCRYPTION_KEY: ${(error as Error).message} Set the key that encrypted them, or re-encrypt them ` +
          'with `npm run engine -- keys rotate` (ENGINE_ENCRYPTION_KEY_PREVIOUS: the old key).'
      );
    }
  }
  const accountEvents = new EventEmitter<AccountEvents>();
  const ctx: EngineContext = {
    config,
    logger,
    store,
    orgs: new OrgConnections(store, config, logger, (orgId) => accountEvents.emit('revoked', orgId)),
    source: options.source ?? sourceFor(config, options.clock),
    accountEvents
  };
  const boss = await startBoss(db, {
    databaseUrl: config.databaseUrl,
    runHeartbeatSeconds: options.runHeartbeatSeconds ?? config.scheduler.runHeartbeatSeconds,
    superviseIntervalSeconds: options.superviseIntervalSeconds ?? config.scheduler.superviseSeconds,
    onWarning: (warning) => logger.warn({ data: warning.data }, `job queue: ${warning.message}`)
  });
  boss.on('error', (error) => logger.error({ err: String(error) }, 'job queue error'));
  const worker = new RunWorker(ctx, boss, { localConcurrency: options.concurrency });
  const scheduler = new Scheduler(ctx, boss, options.clock);
  let server: Server | undefined;
  let url: string | undefined;
  let removeApiFile: (() => void) | undefined;
  const requestRunHere = async (req: RunRequest): Promise<RunRecord> => {
    if (options.role !== 'none') return (await requestRun(ctx, boss, req)).run;
    const { run, created } = await store.runs.request(req);
    if (created) {
      void worker.execute(run.id).catch((error: unknown) => {
        logger.error({ err: String(error), runId: run.id }, 'run failed to execute');
        return store.runs.fail(run.id, `The run could not be executed: ${String(error)}`);
      });
    }
    return run;
  };

  if (options.role === 'all') {
    // Listening comes first: a port in use ends the start here, before any run or schedule is taken on.
    const cliToken = newCliToken();
    try {
      ({ server, url } = await listen(
        createApp(ctx, {
          requestRun: requestRunHere,
          cliToken,
          demoOperator: options.demoOperator === true,
          runNowStatus: (orgId) => describeSubscription(scheduler.runNow.state(orgId))
        }),
        config.port,
        config.host
      ));
    } catch (error) {
      await boss.stop({ graceful: false });
      await db.close();
      const code = (error as { code?: string }).code;
      throw code === 'EADDRINUSE' || code === 'EACCES'
        ? new Error(
            `PORT=${config.port}: ${config.host}:${config.port} ${code === 'EADDRINUSE' ? 'is in use by another process' : 'may not be listened on by this user'}; ` +
              'stop that process or set PORT to a free port.'
          )
        : error;
    }
    const port = (server!.address() as { port: number }).port;
    removeApiFile = writeOperatorApiFile(config.dataDir, {
      url: localUrl(config.host, port),
      token: cliToken,
      pid: process.pid
    });
  }
  if (options.role !== 'none') {
    await scheduler.recoverInterrupted(worker);
    await worker.start();
  }
  if (options.role === 'all') {
    await scheduler.start({ runNow: options.runNow });
    logger.info({ url, database: db.kind, worker: config.workerName }, 'engine started');
  } else if (options.role === 'worker') {
    logger.info({ database: db.kind, worker: config.workerName }, 'worker started');
  }

  return {
    ctx,
    boss,
    scheduler,
    worker,
    ...(url ? { url } : {}),
    requestRun: requestRunHere,
    async stop() {
      removeApiFile?.();
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server!.close(() => resolve()));
      }
      await scheduler.stop();
      await worker.stop();
      await boss.stop({ graceful: true, timeout: 10_000 });
      await db.close();
      logger.info('engine stopped');
    }
  };
}
