/**
 * The engine on PGlite with the org and Insights emulators, its Sandbox org connected through the real OAuth
 * flow, and an admin's own REST session on that org to do what the Lightning app and its Apex do (create
 * integrations, insert Queued runs, publish `WalkMe_Run_Request__e`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@jsforce/jsforce-node';
import { pino } from 'pino';
import { connectThroughBrowser } from '../../demo/browser-oauth.js';
import { SAMPLE_INTEGRATION } from '../../demo/sample-integration.js';
import type { EngineConfig } from '../../src/config.js';
import { startInsightsEmulator, type InsightsEmulator } from '../../emulators/insights/start.js';
import { startOrgEmulator, type OrgEmulator, type OrgHandle } from '../../emulators/org/start.js';
import { toIntegrationRecord } from '../../src/salesforce/integration-reader.js';
import { startEngine, type Engine, type EngineOptions } from '../../src/engine/start-engine.js';
import { createLogger } from '../../src/logging/logger.js';
import { API_VERSION } from '../../src/salesforce/org-connections.js';
import type { RunRecord } from '../../src/store/runs.js';
import type { IntegrationDefinition } from '../../src/domain/integration.js';
import type { Bulk2Options } from '../../emulators/org/bulk2.js';
import { engineConfig } from '../server/engine-harness.js';
import { waitFor } from '../wait-for.js';

export interface SchedulerHarness {
  orgs: OrgEmulator;
  insights: InsightsEmulator;
  config: EngineConfig;
  engine: Engine;
  org: OrgHandle;
  orgId: string;
  /** The admin's session on the Sandbox org, as the Lightning app's Apex has it. */
  admin: Connection;
  logs: string[];
  /** Starts another engine on the same emulators and config (after `engine.stop()`, for restarts). */
  restart(options?: Partial<EngineOptions>): Promise<Engine>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  engine?: Partial<EngineOptions>;
  config?: Partial<EngineConfig>;
  /** Connect the Sandbox org through OAuth before answering (default true). */
  connect?: boolean;
  /** PGlite in a temporary folder instead of memory, so a restarted engine finds its state. */
  persistent?: boolean;
  /** Bulk API 2.0 pacing of the org emulator (slow jobs, for poll timeouts). */
  bulk2?: Bulk2Options;
}

export async function startSchedulerHarness(options: HarnessOptions = {}): Promise<SchedulerHarness> {
  const orgs = await startOrgEmulator({
    autoApprove: true,
    seed: { population: 40 },
    ...(options.bulk2 ? { bulk2: options.bulk2 } : {})
  });
  const insights = await startInsightsEmulator();
  const dataDir = options.persistent ? mkdtempSync(join(tmpdir(), 'engine-scheduler-')) : 'memory';
  const config = await engineConfig(orgs, insights, { dataDir, ...options.config });
  const logs: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (line: string) => void logs.push(line) } as pino.DestinationStream
  });
  const launch = (over: Partial<EngineOptions> = {}) =>
    startEngine(config, { role: 'all', logger, ...options.engine, ...over });
  const org = orgs.orgs.sandbox;
  const h: SchedulerHarness = {
    orgs,
    insights,
    config,
    engine: await launch(),
    org,
    orgId: org.orgId,
    admin: new Connection({
      oauth2: { loginUrl: org.loginUrl, clientId: org.clientId, clientSecret: org.clientSecret },
      version: API_VERSION
    }),
    logs,
    async restart(over) {
      h.engine = await launch(over);
      return h.engine;
    },
    async stop() {
      await h.engine.stop();
      await orgs.stop();
      await insights.stop();
      if (dataDir !== 'memory') rmSync(dataDir, { recursive: true, force: true });
    }
  };
  await h.admin.login(org.username, org.password);
  if (options.connect !== false) await connect(h);
  return h;
}

/** A harness whose engine reads the time from `clock`, with one daily integration created and read from the org. */
export async function startWithDailyIntegration(
  clock: () => Date,
  engine: Partial<EngineOptions> = {}
): Promise<{ h: SchedulerHarness; integrationId: string }> {
  const h = await startSchedulerHarness({ engine: { clock, ...engine } });
  const integrationId = await createIntegration(h, 'daily');
  await h.engine.scheduler.refreshIntegrations();
  return { h, integrationId };
}

/** Waits until run `runId`'s record in the org says Running; answers the record's id. */
export async function runningRecord(h: SchedulerHarness, runId: string): Promise<string> {
  return await waitFor('the run record to be Running', async () => {
    const stored = await h.engine.ctx.store.runs.get(runId);
    return stored?.sfRunId && h.org.data.find('WalkMe_Sync_Run__c', stored.sfRunId)?.Status__c === 'Running'
      ? stored.sfRunId
      : undefined;
  });
}

/** Connects the Sandbox org through the engine's OAuth flow and waits for its set-up. */
export async function connect(h: SchedulerHarness): Promise<void> {
  const flow = await connectThroughBrowser(h.engine.url!, 'sandbox');
  if (flow.status !== 200) throw new Error(`connect failed: ${flow.status} ${flow.body}`);
  await h.engine.scheduler.setups.get(h.orgId);
}

/** Creates a `WalkMe_Integration__c` (the sample's mapping) as the wizard would; answers its id. */
export async function createIntegration(
  h: SchedulerHarness,
  name: string,
  over: Partial<IntegrationDefinition> = {}
): Promise<string> {
  const saved = (await h.admin
    .sobject('WalkMe_Integration__c')
    .create(toIntegrationRecord({ ...SAMPLE_INTEGRATION, name, ...over }))) as { id: string };
  return saved.id;
}

/** What Run Now's Apex does: insert the Queued run record, then publish the request event. */
export async function insertQueuedRun(h: SchedulerHarness, integrationId: string): Promise<string> {
  const saved = (await h.admin.sobject('WalkMe_Sync_Run__c').create({
    Integration__c: integrationId,
    Status__c: 'Queued',
    Trigger__c: 'Manual',
    Dry_Run__c: false
  })) as { id: string };
  return saved.id;
}

export async function publishRunRequest(
  h: SchedulerHarness,
  integrationId: string,
  runId: string
): Promise<void> {
  await h.admin
    .sobject('WalkMe_Run_Request__e')
    .create({ Integration_Id__c: integrationId, Run_Id__c: runId, Dry_Run__c: false });
}

/** The run record's status as the org holds it (read directly, no API call counted). */
export function orgRunStatus(h: SchedulerHarness, sfRunId: string): string | undefined {
  return h.org.data.find('WalkMe_Sync_Run__c', sfRunId)?.Status__c as string | undefined;
}

/** A run that ended without failing (the sample report has rows no seeded Lead matches). */
export const COMPLETED = ['Completed', 'Completed with errors'];
export const FINISHED = [...COMPLETED, 'Failed'];

/** The engine's record of run `runId`, once it has finished. */
export async function endedRun(h: SchedulerHarness, runId: string): Promise<RunRecord> {
  return await waitFor(`the end of run ${runId}`, async () => {
    const stored = await h.engine.ctx.store.runs.get(runId);
    return stored && FINISHED.includes(stored.status) ? stored : undefined;
  });
}

/** The engine's record of the run behind a `WalkMe_Sync_Run__c`, once it has finished. */
export async function finishedRun(h: SchedulerHarness, sfRunId: string): Promise<RunRecord> {
  return await waitFor(`the stored end of run ${sfRunId}`, async () => {
    const [run] = await h.engine.ctx.store.db.query<{ id: string }>(
      'SELECT id FROM runs WHERE sf_run_id = $1',
      [sfRunId]
    );
    const stored = run && (await h.engine.ctx.store.runs.get(run.id));
    return stored && FINISHED.includes(stored.status) ? stored : undefined;
  });
}
