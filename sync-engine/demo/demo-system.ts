/**
 * The demo's whole system on embedded defaults, as `npm start` and `npm run preview` start it: the Insights
 * emulator with the sample reports, the org emulator (Production and Sandbox, auto-approving OAuth, data kept
 * in the data folder), the engine on PGlite; the Sandbox connected through the real OAuth flow, the catalog
 * pushed, the sample integration created if absent and run once.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import type { EngineConfig } from '../src/config.js';
import { startInsightsEmulator, type InsightsEmulator } from '../emulators/insights/start.js';
import { startOrgEmulator, type OrgEmulator, type OrgHandle } from '../emulators/org/start.js';
import { requestRun } from '../src/scheduler/run-requests.js';
import { startEngine, type Engine } from '../src/engine/start-engine.js';
import { createLogger } from '../src/logging/logger.js';
import type { RunRecord } from '../src/store/runs.js';
import type { IntegrationDefinition } from '../src/domain/integration.js';
import { connectThroughBrowser } from './browser-oauth.js';
import { ensureSampleIntegration } from './demo-environment.js';

/** Where the emulators listen; 0 takes a free port. */
export interface DemoPorts {
  production: number;
  sandbox: number;
  insights: number;
}

/**
 * The ports of `npm start -- --port N` and `npm run emulator` from the `--port` flag (4010 when absent):
 * Production on N, Sandbox on N+1, Insights on N+10.
 */
export function demoPorts(flag: string | undefined): DemoPorts {
  const port = Number(flag ?? 4010);
  if (!Number.isInteger(port) || port < 1 || port > 65_525) throw new Error(`--port ${flag}: not a port.`);
  return { production: port, sandbox: port + 1, insights: port + 10 };
}

export interface DemoSystem {
  engine: Engine;
  orgs: OrgEmulator;
  insights: InsightsEmulator;
  integration: IntegrationDefinition;
  /** The sample integration's run at start, finished. */
  firstRun: RunRecord;
  stop(): Promise<void>;
}

/** Connects the org unless a working connection to it is already stored. */
async function ensureConnected(engine: Engine, org: OrgHandle): Promise<string> {
  const existing = await engine.ctx.store.accounts.get(org.orgId);
  if (existing?.status === 'connected') {
    try {
      await engine.ctx.orgs.get(org.orgId);
      return 'already connected';
    } catch {
      // The stored token no longer works (e.g. the emulator's data was reset): connect again.
    }
  }
  const flow = await connectThroughBrowser(engine.url!, org.name, org.loginUrl);
  if (flow.status !== 200) {
    throw new Error(
      `Connecting the ${org.name} org failed (${flow.status}): ${flow.body.replace(/<[^>]+>/g, ' ')}`
    );
  }
  await engine.scheduler.setups.get(org.orgId);
  return 'connected through OAuth';
}

async function waitForRun(engine: Engine, runId: string, timeoutMs = 120_000): Promise<RunRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = (await engine.ctx.store.runs.get(runId))!;
    if (!['Queued', 'Running'].includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`The run did not finish within ${timeoutMs / 1000} s.`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function runSummary(run: RunRecord): string {
  const c = run.counts;
  const seconds = run.startedAt && run.endedAt ? (run.endedAt.getTime() - run.startedAt.getTime()) / 1000 : 0;
  const rows: Array<[string, string]> = [
    ['Status', run.status],
    ...(c
      ? (['read', 'updated', 'unchanged', 'unmatched', 'ambiguous', 'invalid', 'failed'] as const).map(
          (k): [string, string] => [
            k === 'read' ? 'Rows read' : k[0]!.toUpperCase() + k.slice(1),
            String(c[k])
          ]
        )
      : []),
    ['API calls', String(run.apiCalls ?? 0)],
    ['Time', `${seconds.toFixed(2)} s`]
  ];
  const lines = rows.map(([k, v]) => `  ${k.padEnd(10)} ${v}`);
  if (run.error) lines.push(`  Error      ${run.error}`);
  return lines.join('\n');
}

/** The emulators, with a message that says what to do when a port is taken. */
async function startEmulators(ports: DemoPorts, persistFile: string) {
  try {
    const insights = await startInsightsEmulator({ port: ports.insights });
    try {
      const orgs = await startOrgEmulator({
        ports: { production: ports.production, sandbox: ports.sandbox },
        autoApprove: true,
        persistFile
      });
      return { insights, orgs };
    } catch (error) {
      await insights.stop();
      throw error;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    throw new Error(
      `${(error as Error).message}: ports ${ports.production}, ${ports.sandbox} and ${ports.insights} are needed. ` +
        'Is `npm run emulator` or another `npm start` running? Stop it, or choose other ports with `npm start -- --port N`.'
    );
  }
}

/**
 * Starts everything and runs the sample integration once, saying each step on `out`. The engine's JSON log
 * goes to engine.log in the data folder.
 */
export async function startDemoSystem(
  base: EngineConfig,
  ports: DemoPorts,
  out: (line?: string) => void
): Promise<DemoSystem> {
  mkdirSync(base.dataDir, { recursive: true });
  const { insights, orgs } = await startEmulators(ports, join(base.dataDir, 'org-emulator.json'));
  const { sandbox, production } = orgs.orgs;
  const config: EngineConfig = {
    ...base,
    oauth: {
      production: {
        loginUrl: production.loginUrl,
        clientId: production.clientId,
        clientSecret: production.clientSecret
      },
      sandbox: {
        loginUrl: sandbox.loginUrl,
        clientId: sandbox.clientId,
        clientSecret: sandbox.clientSecret
      }
    },
    reports: {
      insights: { clientId: insights.clientId, clientSecret: insights.clientSecret, baseUrl: insights.url }
    }
  };
  const logFile = join(base.dataDir, 'engine.log');
  const logger = createLogger({
    level: base.logLevel,
    destination: pino.destination({ dest: logFile, sync: false })
  });
  let engine: Engine | undefined;
  const stop = async () => {
    await engine?.stop();
    await orgs.stop();
    await insights.stop();
  };
  try {
    engine = await startEngine(config, { role: 'all', logger, demoOperator: true });
    out(`Engine ${engine.url} (PGlite in ${base.dataDir}; JSON log ${logFile})`);
    out(`Sandbox: ${await ensureConnected(engine, sandbox)} (${sandbox.orgId})`);
    const reports = await engine.ctx.store.catalog.list();
    out(`Report catalog pushed to the Sandbox: ${reports.length} reports`);
    const conn = await engine.ctx.orgs.get(sandbox.orgId);
    const integration = await ensureSampleIntegration(conn);
    await engine.scheduler.refreshOrg(sandbox.orgId);
    out(`Integration: ${integration.name} (${integration.id})`);
    const { run } = await requestRun(engine.ctx, engine.boss, {
      orgId: sandbox.orgId,
      integrationId: integration.id!,
      integrationName: integration.name,
      trigger: 'Manual',
      requestKey: `start-demo:${new Date().toISOString()}`
    });
    const firstRun = await waitForRun(engine, run.id);
    out();
    out(`Run of "${integration.name}":`);
    out(runSummary(firstRun));
    out();
    return { engine, orgs, insights, integration, firstRun, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
