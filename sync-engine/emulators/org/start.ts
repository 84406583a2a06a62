/**
 * Starts the org emulator: a Production org and a Sandbox org, each on its own port (its login URL
 * and instance URL alike), and returns their handles for tests, the demo and the CLI.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { samplePopulation, type SampleUser } from '../sample-population.js';
import type { CallKind } from './api-accounting.js';
import type { Bulk2Options } from './bulk2.js';
import { EmulatedOrg, type NewUser, type OrgSnapshot } from './emulated-org.js';
import type { OrgFaults } from './faults.js';
import type { OrgEventBus } from './org-context.js';
import type { OrgRecords } from './org-records.js';
import { seedFromPath, seedPopulation, seedRecords, type SeedCounts } from './seed/seed-data.js';
import type { StreamingOptions } from './streaming.js';

export const DEFAULT_CLIENT_ID = 'emulator-client';
export const DEFAULT_CLIENT_SECRET = 'emulator-secret';
export const DEFAULT_CALLBACK = 'http://localhost:3000/oauth/callback';
export const DEFAULT_PASSWORD = 'emulator';
/** Users of the demo population seeded by default (sample reports have 500 rows). */
export const DEMO_POPULATION = 500;

const DEFAULT_OBJECTS_DIR = fileURLToPath(
  new URL('../../../force-app/main/default/objects', import.meta.url)
);

export type OrgName = 'production' | 'sandbox';

/** The admin user of each org, who auto-approve signs in as and scripts log in as (password DEFAULT_PASSWORD). */
export const ADMIN_USERNAMES: Record<OrgName, string> = {
  production: 'admin@acme.example',
  sandbox: 'admin@acme.example.sandbox'
};

export interface SeedInput {
  /** Leads and Contacts of the sample population: its first N users, or given users. */
  population?: number | SampleUser[];
  /** Rows by object: `{"Lead":[{…}]}`. */
  records?: Record<string, Array<Record<string, unknown>>>;
  /** A `.json` file, an `<Object>.csv` file or a folder of them. */
  path?: string;
}

export interface OrgEmulatorOptions {
  host?: string;
  /** Ports per org; 0 or absent: a free port. */
  ports?: Partial<Record<OrgName, number>>;
  /** Package metadata the schema is built from (default: the repository's force-app objects). */
  objectsDir?: string;
  /** Initial data of both orgs: default the demo population of 500 users; `false`: empty orgs. */
  seed?: SeedInput | false;
  autoApprove?: boolean;
  /** Access token lifetime (default 7200 s, Salesforce's default session timeout of 2 hours). */
  accessTokenTtlSeconds?: number;
  rotateRefreshTokens?: boolean;
  /** Daily API request allowance per org (default 100,000, an Enterprise Edition org). */
  dailyApiLimit?: number;
  /** JSON file the data is loaded from at start (when it exists) and saved to at stop. */
  persistFile?: string;
  /** CometD timeouts (default Salesforce's: connect held 110 s, idle client forgotten after 40 s). */
  streaming?: StreamingOptions;
  /** Bulk API 2.0 pacing and upload limit (default 100 MB). */
  bulk2?: Bulk2Options;
}

export interface OrgHandle {
  name: OrgName;
  loginUrl: string;
  instanceUrl: string;
  orgId: string;
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
  /** The admin user's id. */
  userId: string;
  /** Requests by kind and the quota-counted `total` since the last `reset()`. */
  calls: {
    readonly total: number;
    readonly byKind: Partial<Record<CallKind, number>>;
    /** The most API requests answered at once since the last reset. */
    readonly peakConcurrent: number;
    /** Requests refused: over the quota (403 REQUEST_LIMIT_EXCEEDED), or with an invalid session (401). */
    readonly refused: { quota: number; session: number };
    reset(): void;
  };
  faults: OrgFaults;
  quota: {
    readonly max: number;
    readonly remaining: number;
    set(options: { max?: number; remaining?: number }): void;
  };
  seed(input: SeedInput): SeedCounts;
  /** Adds a user (the org's password) with a profile and package permission sets; answers their id. */
  addUser(spec: NewUser): string;
  /** Whom auto-approve signs in as from now on (the admin when undefined). */
  approveAs(username: string | undefined): void;
  /** Direct access to the records (no API call counted): `query`, `find`, `load`, `describe`. */
  data: OrgRecords;
  /** The org's platform events (what REST publishes and CometD delivers). */
  events: OrgEventBus;
  /** Live settings. */
  options: { autoApprove: boolean; accessTokenTtlSeconds: number; rotateRefreshTokens: boolean };
}

export interface OrgEmulator {
  orgs: Record<OrgName, OrgHandle>;
  stop(): Promise<void>;
}

function seedOrg(org: EmulatedOrg, input: SeedInput): SeedCounts {
  const counts: SeedCounts = {};
  const merge = (more: SeedCounts) => {
    for (const [k, v] of Object.entries(more)) counts[k] = (counts[k] ?? 0) + v;
  };
  if (input.population !== undefined) {
    const users =
      typeof input.population === 'number' ? samplePopulation(input.population) : input.population;
    merge(seedPopulation(org.records, users));
  }
  if (input.records) merge(seedRecords(org.records, input.records));
  if (input.path) merge(seedFromPath(org.records, input.path));
  return counts;
}

function handleOf(name: OrgName, org: EmulatedOrg): OrgHandle {
  const { config, accounting } = org;
  return {
    name,
    loginUrl: org.baseUrl,
    instanceUrl: org.baseUrl,
    orgId: org.orgId,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    username: config.username,
    password: config.password,
    userId: org.admin.id,
    calls: {
      get total() {
        return accounting.total;
      },
      get byKind() {
        return { ...accounting.byKind };
      },
      get peakConcurrent() {
        return accounting.peakInFlight;
      },
      get refused() {
        return { ...accounting.refused };
      },
      reset: () => accounting.resetCounters()
    },
    faults: org.faults,
    quota: {
      get max() {
        return accounting.max;
      },
      get remaining() {
        return accounting.remaining;
      },
      set: (options) => accounting.setQuota(options)
    },
    seed: (input) => seedOrg(org, input),
    addUser: (spec) => org.addUser(spec).id,
    approveAs: (username) => {
      org.tokens.approvingUsername = username;
    },
    data: org.records,
    events: org.events,
    options: {
      get autoApprove() {
        return config.autoApprove;
      },
      set autoApprove(value: boolean) {
        config.autoApprove = value;
      },
      get accessTokenTtlSeconds() {
        return org.tokens.options.accessTokenTtlSeconds;
      },
      set accessTokenTtlSeconds(value: number) {
        org.tokens.options.accessTokenTtlSeconds = value;
      },
      get rotateRefreshTokens() {
        return org.tokens.options.rotateRefreshTokens;
      },
      set rotateRefreshTokens(value: boolean) {
        org.tokens.options.rotateRefreshTokens = value;
      }
    }
  };
}

export async function startOrgEmulator(options: OrgEmulatorOptions = {}): Promise<OrgEmulator> {
  const host = options.host ?? '127.0.0.1';
  const common = {
    objectsDir: options.objectsDir ?? DEFAULT_OBJECTS_DIR,
    password: DEFAULT_PASSWORD,
    clientId: DEFAULT_CLIENT_ID,
    clientSecret: DEFAULT_CLIENT_SECRET,
    callbackUrls: [DEFAULT_CALLBACK],
    dailyApiLimit: options.dailyApiLimit ?? 100_000,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 7200,
    rotateRefreshTokens: options.rotateRefreshTokens ?? false,
    autoApprove: options.autoApprove ?? false,
    streaming: options.streaming,
    bulk2: options.bulk2
  };
  const orgs: Record<OrgName, EmulatedOrg> = {
    production: new EmulatedOrg({
      ...common,
      number: 1,
      name: 'production',
      isSandbox: false,
      username: ADMIN_USERNAMES.production
    }),
    sandbox: new EmulatedOrg({
      ...common,
      number: 2,
      name: 'sandbox',
      isSandbox: true,
      username: ADMIN_USERNAMES.sandbox
    })
  };
  const persisted =
    options.persistFile && existsSync(options.persistFile)
      ? (JSON.parse(readFileSync(options.persistFile, 'utf8')) as Partial<Record<OrgName, OrgSnapshot>>)
      : null;
  for (const [name, org] of Object.entries(orgs) as Array<[OrgName, EmulatedOrg]>) {
    const snapshot = persisted?.[name];
    if (snapshot) org.restore(snapshot);
    else if (options.seed !== false) seedOrg(org, options.seed ?? { population: DEMO_POPULATION });
  }
  try {
    await orgs.production.listen(options.ports?.production ?? 0, host);
    await orgs.sandbox.listen(options.ports?.sandbox ?? 0, host);
  } catch (error) {
    await Promise.all(Object.values(orgs).map((org) => org.close()));
    throw error;
  }
  return {
    orgs: { production: handleOf('production', orgs.production), sandbox: handleOf('sandbox', orgs.sandbox) },
    async stop() {
      await Promise.all(Object.values(orgs).map((org) => org.close()));
      if (options.persistFile) {
        const snapshot = { production: orgs.production.snapshot(), sandbox: orgs.sandbox.snapshot() };
        writeFileSync(options.persistFile, JSON.stringify(snapshot));
      }
    }
  };
}
