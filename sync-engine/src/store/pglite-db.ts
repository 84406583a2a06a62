/** The embedded default: PGlite (PostgreSQL compiled to WASM) in a data folder, or in memory for tests. */
import { PGlite } from '@electric-sql/pglite';
import { fromPglite } from 'pg-boss';
import type { Db, Queryable } from './db.js';

interface PgliteQueryable {
  query<T>(text: string, values?: unknown[]): Promise<{ rows: T[] }>;
  exec(text: string): Promise<Array<{ rows: unknown[] }>>;
}

function queryable(target: PgliteQueryable): Queryable {
  return {
    async query<T>(text: string, values?: unknown[]) {
      return (await target.query<T>(text, values)).rows;
    },
    async executeSql(text: string, values?: unknown[]) {
      // PGlite's query() runs one statement; pg-boss's parameterless blocks go through exec().
      if (values?.length) return await target.query(text, values);
      const results = await target.exec(text);
      return { rows: results.flatMap((r) => r.rows ?? []) };
    }
  };
}

/** Opens PGlite on `dataDir` (a folder path) or in memory when `dataDir` is undefined. */
export async function openPgliteDb(dataDir?: string): Promise<Db & { pglite: PGlite }> {
  const pglite = await PGlite.create(dataDir);
  // pg-boss's own adapter also rolls back a transaction a failed statement left open on the single session.
  const boss = fromPglite(pglite);
  const self = queryable(pglite);
  return {
    kind: 'pglite',
    pglite,
    query: self.query,
    executeSql: boss.executeSql.bind(boss),
    ...(boss.listen ? { listen: boss.listen.bind(boss) } : {}),
    transaction: (fn) => pglite.transaction((tx) => fn(queryable(tx))),
    close: () => pglite.close()
  };
}
