/**
 * Open query cursors behind `nextRecordsUrl` (`/services/data/vXX.X/query/01g…-2000`). A cursor keeps
 * the matched records of its query; pages are serialised when read. Cursors idle for 15 minutes expire
 * (REST API Developer Guide, "Query": query locators).
 */
import { randomBytes } from 'node:crypto';
import type { StoredRecord } from '../record-store.js';

interface Cursor {
  rows: StoredRecord[];
  project: (record: StoredRecord) => Record<string, unknown>;
  batchSize: number;
  touchedAt: number;
}

const IDLE_MS = 15 * 60_000;

export interface QueryPage {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: Array<Record<string, unknown>>;
}

/** `Sforce-Query-Options: batchSize=N`: 200–2000, default 2000. */
export function batchSizeOf(header: string | undefined): number {
  const match = /batchSize\s*=\s*(\d+)/i.exec(header ?? '');
  const n = match ? Number(match[1]) : 2000;
  return Math.min(2000, Math.max(200, n));
}

export class QueryCursors {
  private readonly cursors = new Map<string, Cursor>();

  /** The first page; opens a cursor when more remain. */
  open(rows: StoredRecord[], project: Cursor['project'], batchSize: number, version: string): QueryPage {
    return this.page({ rows, project, batchSize, touchedAt: Date.now() }, 0, version, null);
  }

  /** The page at `locator` (`01g…-offset`), or undefined when the locator is unknown or expired. */
  more(locator: string, version: string): QueryPage | undefined {
    this.expire();
    const match = /^(.+)-(\d+)$/.exec(locator);
    const cursor = match ? this.cursors.get(match[1]) : undefined;
    if (!match || !cursor) return undefined;
    cursor.touchedAt = Date.now();
    return this.page(cursor, Number(match[2]), version, match[1]);
  }

  private page(cursor: Cursor, offset: number, version: string, id: string | null): QueryPage {
    const end = Math.min(cursor.rows.length, offset + cursor.batchSize);
    const records = cursor.rows.slice(offset, end).map(cursor.project);
    if (end >= cursor.rows.length) {
      if (id) this.cursors.delete(id);
      return { totalSize: cursor.rows.length, done: true, records };
    }
    const cursorId = id ?? `01g${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 15)}`;
    this.cursors.set(cursorId, cursor);
    return {
      totalSize: cursor.rows.length,
      done: false,
      nextRecordsUrl: `/services/data/v${version}/query/${cursorId}-${end}`,
      records
    };
  }

  private expire(): void {
    const now = Date.now();
    for (const [id, cursor] of this.cursors) if (now - cursor.touchedAt > IDLE_MS) this.cursors.delete(id);
  }
}
