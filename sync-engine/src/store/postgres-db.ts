/** A real PostgreSQL (`DATABASE_URL`) through a `pg` pool. */
import pg from 'pg';
import type { Db, Queryable } from './db.js';

function queryable(target: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<T>(text: string, values?: unknown[]) {
      return (await target.query(text, values)).rows as T[];
    },
    async executeSql(text: string, values?: unknown[]) {
      const result = (await target.query(text, values)) as pg.QueryResult | pg.QueryResult[];
      // A multi-statement block answers one result per statement (pg-boss unwraps them the same way).
      return Array.isArray(result) ? { rows: result.flatMap((r) => r.rows ?? []) } : result;
    }
  };
}

export function openPostgresDb(connectionString: string, maxConnections = 10): Db & { pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString, max: maxConnections });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const self = queryable(pool);
  return {
    kind: 'postgres',
    pool,
    ...self,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(queryable(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end()
  };
}
