/**
 * Object describes, cached per org and object for a few minutes: a describe is one API call, and a
 * schedule running many integrations against one object would otherwise repeat it. Short enough that a
 * field removed by the admin is noticed by the next day's run; a run that fails on a describe mismatch
 * evicts the entry so the retry sees the schema afresh.
 */
import type { Connection } from '@jsforce/jsforce-node';
import type { ObjectInfo } from '../domain/object-schema.js';

const DEFAULT_TTL_MS = 5 * 60_000;

export class DescribeCache {
  private readonly entries = new Map<string, { at: number; describe: Promise<ObjectInfo> }>();

  constructor(private readonly ttlMs = DEFAULT_TTL_MS) {}

  private static keyOf(conn: Connection, objectName: string): string {
    return `${conn.instanceUrl}|${objectName.toLowerCase()}`;
  }

  describe(conn: Connection, objectName: string): Promise<ObjectInfo> {
    const key = DescribeCache.keyOf(conn, objectName);
    const cached = this.entries.get(key);
    if (cached && Date.now() - cached.at < this.ttlMs) return cached.describe;
    const describe = conn.sobject(objectName).describe() as unknown as Promise<ObjectInfo>;
    this.entries.set(key, { at: Date.now(), describe });
    describe.catch(() => this.entries.delete(key));
    return describe;
  }

  evict(conn: Connection, objectName: string): void {
    this.entries.delete(DescribeCache.keyOf(conn, objectName));
  }
}

/** The engine's shared cache. */
export const describeCache = new DescribeCache();
