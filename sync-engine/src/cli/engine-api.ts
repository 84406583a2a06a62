/**
 * How a CLI command reaches the configured engine: through the running engine's local API when one runs on
 * this data folder (it holds the embedded database, and its store and accounts are the ones that count), or
 * else through an engine of the command's own, started for it on the same configuration and stopped after.
 * Either way the command speaks to one API (server/operator-api.ts), so it behaves the same.
 */
import type { Server } from 'node:http';
import { loadConfig } from '../config.js';
import { startEngine } from '../engine/start-engine.js';
import { localUrl, newCliToken, readOperatorApiFile } from '../engine/operator-api-file.js';
import { commandLogger } from '../logging/logger.js';
import { createApp, listen } from '../server/app.js';
import { OPERATOR_API } from '../server/operator-api.js';

/** The engine answered with a refusal (an unknown org, integration or run): its message, and the status. */
export class EngineRefusal extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message);
    this.name = 'EngineRefusal';
  }
}

export interface EngineApi {
  get<T>(path: string, query?: Record<string, string | undefined>): Promise<T>;
  post<T>(path: string, body?: unknown, query?: Record<string, string | undefined>): Promise<T>;
}

function apiClient(url: string, token: string): EngineApi {
  async function call<T>(
    method: string,
    path: string,
    body: unknown,
    query: Record<string, string | undefined> = {}
  ): Promise<T> {
    const target = new URL(`${OPERATOR_API}${path}`, url);
    for (const [name, value] of Object.entries(query))
      if (value !== undefined) target.searchParams.set(name, value);
    const response = await fetch(target, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' })
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    });
    const answer = (await response.json().catch(() => ({}))) as { error?: string };
    if (!response.ok) {
      throw new EngineRefusal(response.status, answer.error ?? `The engine answered ${response.status}.`);
    }
    return answer as T;
  }
  return {
    get: (path, query) => call('GET', path, undefined, query),
    post: (path, body, query) => call('POST', path, body, query)
  };
}

/** The running engine's API, if its address file is there and it answers. */
async function runningEngine(dataDir: string): Promise<EngineApi | undefined> {
  const address = readOperatorApiFile(dataDir);
  if (!address) return undefined;
  const api = apiClient(address.url, address.token);
  try {
    await api.get('/ping');
    return api;
  } catch (error) {
    // A file left by an engine that crashed: nobody answers there, so this command starts its own.
    if (error instanceof EngineRefusal) throw error;
    return undefined;
  }
}

/** Runs `use` against the configured engine's API (the running one, or one started for this command). */
export async function withEngineApi<T>(use: (api: EngineApi) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const running = await runningEngine(config.dataDir);
  if (running) return await use(running);
  const engine = await startEngine(config, { role: 'none', logger: commandLogger() });
  let server: Server | undefined;
  try {
    const token = newCliToken();
    const served = await listen(
      createApp(engine.ctx, { requestRun: engine.requestRun, cliToken: token }),
      0,
      '127.0.0.1'
    );
    server = served.server;
    const port = (server.address() as { port: number }).port;
    return await use(apiClient(localUrl('127.0.0.1', port), token));
  } finally {
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    }
    await engine.stop();
  }
}
