/** Opens the engine's database from configuration and brings its schema up to date. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './db.js';
import { lockDataFolder } from './data-folder-lock.js';
import { migrate } from './migrations.js';
import { openPgliteDb } from './pglite-db.js';
import { openPostgresDb } from './postgres-db.js';

export interface DbLocation {
  /** A PostgreSQL connection string; when absent the embedded PGlite is used. */
  databaseUrl?: string;
  /** PGlite's folder is `<dataDir>/pglite`; `memory` keeps it in memory (tests). */
  dataDir: string | 'memory';
}

export async function openDb({ databaseUrl, dataDir }: DbLocation): Promise<Db> {
  let db: Db;
  if (databaseUrl) {
    db = openPostgresDb(databaseUrl);
  } else if (dataDir === 'memory') {
    db = await openPgliteDb();
  } else {
    const folder = join(dataDir, 'pglite');
    mkdirSync(folder, { recursive: true });
    const release = lockDataFolder(dataDir);
    try {
      const pglite = await openPgliteDb(folder);
      db = { ...pglite, close: () => pglite.close().finally(release) };
    } catch (error) {
      release();
      throw error;
    }
  }
  await migrate(db);
  return db;
}
