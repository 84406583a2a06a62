/**
 * An engine on PGlite (in memory) with its server on a free loopback port, wired to the org emulator's two
 * orgs and the Insights emulator, for tests that go through HTTP end to end.
 */
import { pino } from 'pino';
import { DEFAULT_SCHEDULER, type EngineConfig } from '../../src/config.js';
import { startInsightsEmulator, type InsightsEmulator } from '../../emulators/insights/start.js';
import { startOrgEmulator, type OrgEmulator } from '../../emulators/org/start.js';
import { startEngine, type Engine, type EngineOptions } from '../../src/engine/start-engine.js';
import { createLogger } from '../../src/logging/logger.js';
import { freePort } from '../store/databases.js';

export interface EngineHarness {
  orgs: OrgEmulator;
  insights: InsightsEmulator;
  config: EngineConfig;
  engine: Engine;
  /** Every log line the engine wrote. */
  logs: string[];
  stop(): Promise<void>;
}

export async function engineConfig(
  orgs: OrgEmulator,
  insights: InsightsEmulator,
  over: Partial<EngineConfig> = {}
): Promise<EngineConfig> {
  const port = await freePort();
  const { production, sandbox } = orgs.orgs;
  return {
    port,
    host: '127.0.0.1',
    publicUrl: `http://localhost:${port}`,
    dataDir: 'memory',
    encryptionKey: 'ab'.repeat(32),
    oauth: {
      production: {
        loginUrl: production.loginUrl,
        clientId: production.clientId,
        clientSecret: production.clientSecret
      },
      sandbox: { loginUrl: sandbox.loginUrl, clientId: sandbox.clientId, clientSecret: sandbox.clientSecret }
    },
    reports: {
      insights: { clientId: insights.clientId, clientSecret: insights.clientSecret, baseUrl: insights.url }
    },
    workerName: 'test-worker',
    scheduler: DEFAULT_SCHEDULER,
    logLevel: 'debug',
    ...over
  };
}

export async function startEngineHarness(
  options: Partial<EngineOptions> = {},
  seed: { population?: number } = { population: 40 },
  configOver: Partial<EngineConfig> = {}
): Promise<EngineHarness> {
  const orgs = await startOrgEmulator({ autoApprove: true, seed });
  const insights = await startInsightsEmulator();
  const config = await engineConfig(orgs, insights, configOver);
  const logs: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (line: string) => void logs.push(line) } as pino.DestinationStream
  });
  const engine = await startEngine(config, { role: 'all', logger, ...options });
  return {
    orgs,
    insights,
    config,
    engine,
    logs,
    async stop() {
      await engine.stop();
      await orgs.stop();
      await insights.stop();
    }
  };
}
