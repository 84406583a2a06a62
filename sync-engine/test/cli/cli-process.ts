/**
 * The engine's CLI as an operator runs it: `main.ts` in a child process, configured only through the
 * environment (the same variables `loadConfig` reads), next to an engine in the test process that serves the
 * OAuth connect flow on a shared PostgreSQL.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { EngineConfig } from '../../src/config.js';
import { createApp, listen } from '../../src/server/app.js';
import { startEngine, type Engine, type EngineOptions } from '../../src/engine/start-engine.js';
import { createLogger } from '../../src/logging/logger.js';

export const CLI_MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** The environment that makes `loadConfig()` in a child process answer `config` (Insights reports). */
export function engineEnv(config: EngineConfig): NodeJS.ProcessEnv {
  if (!('insights' in config.reports)) throw new Error('engineEnv: the Insights source only');
  const { insights } = config.reports;
  return {
    ...(config.databaseUrl ? { DATABASE_URL: config.databaseUrl } : {}),
    ENGINE_DATA_DIR: config.dataDir,
    ENGINE_ENCRYPTION_KEY: config.encryptionKey,
    ENGINE_PUBLIC_URL: config.publicUrl,
    PORT: String(config.port),
    SF_CLIENT_ID: config.oauth.production.clientId,
    SF_CLIENT_SECRET: config.oauth.production.clientSecret,
    SF_LOGIN_URL: config.oauth.production.loginUrl,
    SF_SANDBOX_LOGIN_URL: config.oauth.sandbox.loginUrl,
    WALKME_CLIENT_ID: insights.clientId,
    WALKME_CLIENT_SECRET: insights.clientSecret,
    ...(insights.baseUrl ? { WALKME_API_URL: insights.baseUrl } : {}),
    ENGINE_RUN_HEARTBEAT_SECONDS: String(config.scheduler.runHeartbeatSeconds ?? 30),
    ENGINE_SUPERVISE_SECONDS: String(config.scheduler.superviseSeconds ?? 30),
    LOG_LEVEL: config.logLevel
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npm run engine -- <args>` (as `node --import tsx main.ts <args>`) to its end. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI_MAIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  return { code, stdout, stderr };
}

export interface ServedEngine {
  engine: Engine;
  url: string;
  stop(): Promise<void>;
}

/** An engine with only its store, pg-boss and HTTP server (no scheduler, no worker): the OAuth flow's end. */
export async function startServedEngine(
  config: EngineConfig,
  options: Partial<EngineOptions> = {}
): Promise<ServedEngine> {
  const engine = await startEngine(config, {
    role: 'none',
    logger: createLogger({ level: 'silent', destination: { write: () => {} } as pino.DestinationStream }),
    ...options
  });
  const { server, url } = await listen(
    createApp(engine.ctx, { requestRun: engine.requestRun }),
    config.port,
    config.host
  );
  return {
    engine,
    url,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await engine.stop();
    }
  };
}
