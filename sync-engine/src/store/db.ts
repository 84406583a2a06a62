/**
 * One small database interface over PGlite (embedded) and PostgreSQL (`DATABASE_URL`). Both speak the same
 * SQL dialect, so every query in the engine is written once. A `Db` is also a pg-boss `IDatabase`
 * (`executeSql`), so pg-boss jobs can be sent inside the engine's own transactions.
 */
import type { Db as BossDatabase } from 'pg-boss';

export interface Queryable {
  /** Runs one parameterised statement and returns its rows. */
  query<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]>;
  /** pg-boss's adapter contract: statements without parameters may be multi-statement blocks. */
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface Db extends Queryable, Omit<BossDatabase, 'executeSql'> {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
