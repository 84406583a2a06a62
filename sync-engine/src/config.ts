/**
 * The engine's settings, from the environment (see README "Engine configuration"). Everything has an embedded
 * default except the connected app's client id, which only the operator can supply.
 */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { InsightsApiConfig } from './sources/insights-api-source.js';
import type { Environment } from './store/accounts.js';

export interface OAuthApp {
  loginUrl: string;
  clientId: string;
  clientSecret?: string;
}

export interface EngineConfig {
  port: number;
  /** The address the HTTP server listens on (`HOST`); loopback unless the operator chose to expose it. */
  host: string;
  /**
   * Org ids (15-character form) that may connect (`ENGINE_ALLOWED_ORG_IDS`); undefined: any org, which only a
   * loopback engine accepts (see `checkExposure`).
   */
  allowedOrgIds?: string[];
  /** Bearer token `/metrics` requires (`ENGINE_METRICS_TOKEN`); unset: metrics answer loopback callers only. */
  metricsToken?: string;
  /** The engine's address as a browser and the orgs see it: OAuth redirect URI and `Engine_URL__c`. */
  publicUrl: string;
  dataDir: string;
  databaseUrl?: string;
  encryptionKey?: string;
  /** The connected app per environment (one app usually serves both; login hosts differ). */
  oauth: Record<Environment, OAuthApp>;
  /** Where reports come from: the Insights API, or a CSV folder (WalkMe's scheduled exports). */
  reports: { insights: InsightsApiConfig } | { csvDir: string };
  /** Names this process in run records and logs. */
  workerName: string;
  scheduler: {
    /** How often integration records are re-read from each org (changes are picked up within this). */
    refreshSeconds: number;
    /** How often due schedules are enqueued. */
    tickSeconds: number;
    /** How often Queued runs whose event was missed are looked for. */
    sweepSeconds: number;
    /**
     * Age after which the sweep closes a Scheduled run record no stored run refers to (a worker died between
     * creating it and noting its id).
     */
    orphanGraceSeconds: number;
    /** How often each org's WalkMe_Connection__c heartbeat is written. */
    heartbeatSeconds: number;
    /** Seconds without a heartbeat after which a dead worker's run is given to another (pg-boss minimum 10). */
    runHeartbeatSeconds: number;
    /** How often pg-boss looks for such runs (and expired jobs). */
    superviseSeconds: number;
    /** First wait before a failed catalog push to an org is tried again; doubles each time, up to an hour. */
    catalogRetrySeconds: number;
  };
  logLevel: string;
}

export const DEFAULT_SCHEDULER: EngineConfig['scheduler'] = {
  refreshSeconds: 5 * 60,
  tickSeconds: 30,
  sweepSeconds: 3 * 60,
  orphanGraceSeconds: 5 * 60,
  heartbeatSeconds: 10 * 60,
  runHeartbeatSeconds: 30,
  superviseSeconds: 30,
  catalogRetrySeconds: 60
};

const ORG_ID = /^00D[a-zA-Z0-9]{12}([a-zA-Z0-9]{3})?$/;

/** `ENGINE_ALLOWED_ORG_IDS`: comma-separated 15- or 18-character org ids, kept in their 15-character form. */
function allowedOrgIds(value: string | undefined): string[] | undefined {
  if (!value?.trim()) return undefined;
  return value
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean)
    .map((id) => {
      if (!ORG_ID.test(id))
        throw new Error(
          `ENGINE_ALLOWED_ORG_IDS: "${id}" is not a Salesforce org id (15 or 18 characters starting with 00D).`
        );
      return id.slice(0, 15);
    });
}

/** Whether `orgId` (15 or 18 characters) may connect; ids compare case-sensitively on their 15-character form. */
export function isOrgAllowed(config: Pick<EngineConfig, 'allowedOrgIds'>, orgId: string): boolean {
  return !config.allowedOrgIds || config.allowedOrgIds.includes(orgId.slice(0, 15));
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * An engine reachable from other machines must say which orgs it serves: refuses a non-loopback `HOST` without
 * `ENGINE_ALLOWED_ORG_IDS`, so no stranger can connect their own org to it.
 */
export function checkExposure(config: Pick<EngineConfig, 'host' | 'allowedOrgIds'>): void {
  if (!isLoopbackHost(config.host) && !config.allowedOrgIds) {
    throw new Error(
      `HOST=${config.host} exposes the engine beyond this machine, but ENGINE_ALLOWED_ORG_IDS is not set: ` +
        'set it to the org ids that may connect (comma-separated), or listen on 127.0.0.1 behind a proxy.'
    );
  }
}

/** A setting that cannot be used: names the variable and what it must be. */
function invalid(name: string, value: string, must: string): Error {
  return new Error(`${name}=${value} is not valid: ${must}.`);
}

function seconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw invalid(name, value, 'a number of seconds above 0');
  return n;
}

function port(value: string | undefined): number {
  if (value === undefined || value === '') return 3000;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65_535) throw invalid('PORT', value, 'a port number, 0 to 65535');
  return n;
}

/** An absolute URL with one of `protocols` (`postgres:`), or undefined when unset. */
function url(env: NodeJS.ProcessEnv, name: string, protocols: string[]): string | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw invalid(name, value, `a URL (${protocols.map((p) => `${p}//…`).join(' or ')})`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw invalid(name, value, `a URL starting ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return value;
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, values: readonly T[]): T | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  if (!values.includes(value as T)) throw invalid(name, value, `one of ${values.join(', ')}`);
  return value as T;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const WEB = ['https:', 'http:'];

/**
 * Reads the engine's settings from the environment, checking each before anything listens or connects: a
 * value the engine cannot use is refused, naming the variable, rather than silently replaced by a default.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): EngineConfig {
  const listenPort = port(env.PORT);
  const clientId = env.SF_CLIENT_ID ?? '';
  const clientSecret = env.SF_CLIENT_SECRET || undefined;
  const reports: EngineConfig['reports'] = env.REPORTS_CSV_DIR
    ? { csvDir: resolve(env.REPORTS_CSV_DIR) }
    : {
        insights: {
          clientId: env.WALKME_CLIENT_ID ?? '',
          clientSecret: env.WALKME_CLIENT_SECRET ?? '',
          ...(env.WALKME_API_URL ? { baseUrl: url(env, 'WALKME_API_URL', WEB)! } : {}),
          ...(oneOf(env, 'WALKME_REGION', ['us', 'eu'] as const) === 'eu' ? { region: 'eu' as const } : {})
        }
      };
  const allowed = allowedOrgIds(env.ENGINE_ALLOWED_ORG_IDS);
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const publicUrl = url(env, 'ENGINE_PUBLIC_URL', WEB) ?? `http://localhost:${listenPort}`;
  return {
    port: listenPort,
    host: env.HOST || '127.0.0.1',
    ...(allowed ? { allowedOrgIds: allowed } : {}),
    ...(env.ENGINE_METRICS_TOKEN ? { metricsToken: env.ENGINE_METRICS_TOKEN } : {}),
    publicUrl: publicUrl.replace(/\/+$/, ''),
    dataDir: resolve(env.ENGINE_DATA_DIR ?? '.data'),
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(env.ENGINE_ENCRYPTION_KEY ? { encryptionKey: env.ENGINE_ENCRYPTION_KEY } : {}),
    oauth: {
      production: {
        loginUrl: url(env, 'SF_LOGIN_URL', WEB) ?? 'https://login.salesforce.com',
        clientId,
        clientSecret
      },
      sandbox: {
        loginUrl: url(env, 'SF_SANDBOX_LOGIN_URL', WEB) ?? 'https://test.salesforce.com',
        clientId,
        clientSecret
      }
    },
    reports,
    workerName: env.ENGINE_WORKER_NAME ?? `${hostname()}:${process.pid}`,
    scheduler: {
      refreshSeconds: seconds(env, 'ENGINE_REFRESH_SECONDS', DEFAULT_SCHEDULER.refreshSeconds),
      tickSeconds: seconds(env, 'ENGINE_TICK_SECONDS', DEFAULT_SCHEDULER.tickSeconds),
      sweepSeconds: seconds(env, 'ENGINE_SWEEP_SECONDS', DEFAULT_SCHEDULER.sweepSeconds),
      orphanGraceSeconds: seconds(env, 'ENGINE_ORPHAN_GRACE_SECONDS', DEFAULT_SCHEDULER.orphanGraceSeconds),
      heartbeatSeconds: seconds(env, 'ENGINE_HEARTBEAT_SECONDS', DEFAULT_SCHEDULER.heartbeatSeconds),
      runHeartbeatSeconds: seconds(
        env,
        'ENGINE_RUN_HEARTBEAT_SECONDS',
        DEFAULT_SCHEDULER.runHeartbeatSeconds
      ),
      superviseSeconds: seconds(env, 'ENGINE_SUPERVISE_SECONDS', DEFAULT_SCHEDULER.superviseSeconds),
      catalogRetrySeconds: DEFAULT_SCHEDULER.catalogRetrySeconds
    },
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS) ?? 'info'
  };
}
