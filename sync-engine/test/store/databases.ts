/**
 * The databases the engine supports, for running one test suite on each: PGlite in memory, and a real
 * PostgreSQL (`postgres-server.ts`).
 */
import { createServer } from 'node:net';
import type { Db } from '../../src/store/db.js';
import { openDb } from '../../src/store/open-db.js';
import { runPostgres } from './postgres-server.js';

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface PostgresServer {
  url(database?: string): string;
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** Starts a throw-away PostgreSQL server on a free port. */
export async function startPostgres(): Promise<PostgresServer> {
  return await runPostgres(await freePort());
}

export interface Backend {
  name: string;
  /** A fresh, empty, migrated database. */
  open(): Promise<Db>;
  stop(): Promise<void>;
}

let databases = 0;

export async function backends(): Promise<Backend[]> {
  const server = await startPostgres();
  return [
    { name: 'PGlite', open: () => openDb({ dataDir: 'memory' }), stop: async () => {} },
    {
      name: 'PostgreSQL',
      async open() {
        const url = await server.createDatabase(`engine_test_${process.pid}_${++databases}`);
        return await openDb({ databaseUrl: url, dataDir: 'memory' });
      },
      stop: () => server.stop()
    }
  ];
}
