/**
 * The engine's settings, from the environment (see README "Engine configuration"). Everything has an embedded
 * default except the connected app's client id, which only the operator can supply.
 */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { DropSourceOptions } from './sources/drops/drop-source.js';
import { DEFAULT_MAX_AGE_HOURS } from './sources/drops/newest-export.js';
import type { DropStoreConfig } from './sources/drops/open-store.js';
import type { InsightsApiConfig } from './sources/insights-api-source.js';
import { dropUrl, parseReportSource, type DropAddress } from './sources/report-source-url.js';
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
  /** Where reports come from (`REPORTS_SOURCE`, docs/report-sources.md). */
  reports: ReportsConfig;
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

/**
 * The report source: the Insights API, a CSV folder, a manifest URL, or a bucket of scheduled export drops.
 * `setting` is the variable as the operator wrote it, for messages (`REPORTS_SOURCE=s3://…`).
 */
export type ReportsConfig =
  | { insights: InsightsApiConfig }
  | { csvDir: string; setting?: string }
  | { manifestUrl: string; setting: string }
  | { drops: DropsConfig; setting: string };

export type DropsConfig = { store: DropStoreConfig } & Pick<
  DropSourceOptions,
  'prefix' | 'rootName' | 'maxAgeHours'
>;

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

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number, unit: string): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw invalid(name, value, `a number of ${unit} above 0`);
  return n;
}

function seconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  return positive(env, name, fallback, 'seconds');
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

function insightsConfig(env: NodeJS.ProcessEnv): InsightsApiConfig {
  return {
    clientId: env.WALKME_CLIENT_ID ?? '',
    clientSecret: env.WALKME_CLIENT_SECRET ?? '',
    ...(env.WALKME_API_URL ? { baseUrl: url(env, 'WALKME_API_URL', WEB)! } : {}),
    ...(oneOf(env, 'WALKME_REGION', ['us', 'eu'] as const) === 'eu' ? { region: 'eu' as const } : {})
  };
}

/** A drop's bucket client settings, each platform's credentials as its SDK takes them (docs/report-sources.md). */
function dropStore(env: NodeJS.ProcessEnv, drop: DropAddress): DropStoreConfig {
  const source = `REPORTS_SOURCE=${dropUrl(drop)}`;
  if (drop.platform === 'azure') {
    const sasUrl = env.AZURE_STORAGE_SAS_URL || undefined;
    // Its signature is a secret: a bad value is described, never echoed.
    if (sasUrl && !URL.canParse(sasUrl)) {
      throw new Error(
        'AZURE_STORAGE_SAS_URL is not a URL: it must be https://<account>.blob.core.windows.net/<container>?<SAS token>.'
      );
    }
    const connectionString = env.AZURE_STORAGE_CONNECTION_STRING || undefined;
    if (!sasUrl && !connectionString) {
      throw new Error(
        `${source} reads Azure Blob Storage: set AZURE_STORAGE_SAS_URL (a container SAS URL with read and list ` +
          'permissions) or AZURE_STORAGE_CONNECTION_STRING.'
      );
    }
    // Both set: the SAS URL, which can read and list only, rather than the account key.
    const credential = sasUrl ? { sasUrl } : { connectionString };
    return { platform: 'azure', account: drop.account!, container: drop.bucket, ...credential };
  }
  if (drop.platform === 'gcs') {
    const accessKeyId = env.GCS_HMAC_ACCESS_ID;
    const secretAccessKey = env.GCS_HMAC_SECRET;
    if (!accessKeyId || !secretAccessKey) {
      throw new Error(
        `${source} reads Cloud Storage through its XML API: set GCS_HMAC_ACCESS_ID and GCS_HMAC_SECRET (an ` +
          'HMAC key of a service account that may list and read the bucket).'
      );
    }
    const endpoint = url(env, 'GCS_ENDPOINT_URL', WEB);
    return {
      platform: 'gcs',
      bucket: drop.bucket,
      credentials: { accessKeyId, secretAccessKey },
      ...(endpoint ? { endpoint } : {})
    };
  }
  const endpoint = url(env, 'AWS_ENDPOINT_URL_S3', WEB) ?? url(env, 'AWS_ENDPOINT_URL', WEB);
  // S3-compatible stores take any region and most use us-east-1; Amazon S3 itself needs the bucket's.
  const region = env.AWS_REGION || (endpoint ? 'us-east-1' : undefined);
  // Keys in `env` are the default chain's first source; given explicitly, `env` need not be process.env.
  const keys =
    env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? {
          credentials: {
            accessKeyId: env.AWS_ACCESS_KEY_ID,
            secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
            ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {})
          }
        }
      : {};
  return {
    platform: 's3',
    bucket: drop.bucket,
    ...(endpoint ? { endpoint } : {}),
    ...(region ? { region } : {}),
    ...keys
  };
}

/**
 * `REPORTS_SOURCE` (docs/report-sources.md), or its older forms: `REPORTS_CSV_DIR` (a folder) and, with
 * neither set, the Insights API.
 */
function reportsConfig(env: NodeJS.ProcessEnv): ReportsConfig {
  const csvDir = env.REPORTS_CSV_DIR ? resolve(env.REPORTS_CSV_DIR) : undefined;
  const value = env.REPORTS_SOURCE;
  if (!value) return csvDir ? { csvDir } : { insights: insightsConfig(env) };
  const address = parseReportSource(value);
  if (csvDir !== undefined && !(address.kind === 'folder' && resolve(address.dir) === csvDir)) {
    throw new Error(
      `REPORTS_SOURCE=${value} and REPORTS_CSV_DIR=${env.REPORTS_CSV_DIR} name different report sources: set ` +
        'REPORTS_SOURCE only (REPORTS_CSV_DIR=/path is the older way to write REPORTS_SOURCE=file:///path/).'
    );
  }
  const setting = `REPORTS_SOURCE=${value}`;
  switch (address.kind) {
    case 'folder':
      return { csvDir: resolve(address.dir), setting };
    case 'manifest-url':
      return { manifestUrl: address.url, setting };
    case 'insights':
      return { insights: insightsConfig(env) };
    case 'drop': {
      const { drop } = address;
      return {
        drops: {
          store: dropStore(env, drop),
          prefix: drop.prefix,
          // Names the report of CSV files directly under the prefix, when no manifest names it.
          rootName: drop.prefix.split('/').filter(Boolean).pop() ?? drop.bucket,
          maxAgeHours: positive(env, 'REPORTS_MAX_AGE_HOURS', DEFAULT_MAX_AGE_HOURS, 'hours')
        },
        setting
      };
    }
  }
}

/**
 * Reads the engine's settings from the environment, checking each before anything listens or connects: a
 * value the engine cannot use is refused, naming the variable, rather than silently replaced by a default.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): EngineConfig {
  const listenPort = port(env.PORT);
  const clientId = env.SF_CLIENT_ID ?? '';
  const clientSecret = env.SF_CLIENT_SECRET || undefined;
  const reports = reportsConfig(env);
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
