/**
 * Where a running engine tells its CLI how to reach its local API (server/operator-api.ts):
 * `<ENGINE_DATA_DIR>/operator-api.json`, `{ url, token, pid }`, owner-only like the key file beside it, written
 * when the server listens and removed when the engine stops.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface OperatorApiAddress {
  url: string;
  token: string;
  pid: number;
}

const fileIn = (dataDir: string) => join(dataDir, 'operator-api.json');

export function newCliToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The address an engine on `host:port` answers its own machine at. */
export function localUrl(host: string, port: number): string {
  const reachable = ['0.0.0.0', '::', 'localhost', ''].includes(host) ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/** Writes the file; answers the function that removes it. */
export function writeOperatorApiFile(dataDir: string, address: OperatorApiAddress): () => void {
  const path = fileIn(dataDir);
  writeFileSync(path, JSON.stringify(address), { mode: 0o600 });
  return () => rmSync(path, { force: true });
}

/** The running engine's address, if its file is there and readable (not proof that it still runs). */
export function readOperatorApiFile(dataDir: string): OperatorApiAddress | undefined {
  try {
    const parsed = JSON.parse(readFileSync(fileIn(dataDir), 'utf8')) as Partial<OperatorApiAddress>;
    if (
      typeof parsed.url === 'string' &&
      typeof parsed.token === 'string' &&
      typeof parsed.pid === 'number'
    ) {
      return parsed as OperatorApiAddress;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof SyntaxError)) throw error;
  }
  return undefined;
}
