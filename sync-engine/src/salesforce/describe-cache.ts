/**
 * A run's object describes: each object is described once, when the run starts planning, and never reused by
 * a later run, so a field the admin deleted or made read-only since is seen by the very next run.
 */
import type { Connection } from '@jsforce/jsforce-node';
import type { ObjectInfo } from '../domain/object-schema.js';

export class DescribeCache {
  private readonly entries = new Map<string, Promise<ObjectInfo>>();

  constructor(private readonly conn: Connection) {}

  /** A describe this run already has (answered inside another call): the run's describe of it costs nothing. */
  prime(objectName: string, info: ObjectInfo): void {
    this.entries.set(objectName.toLowerCase(), Promise.resolve(info));
  }

  describe(objectName: string): Promise<ObjectInfo> {
    const key = objectName.toLowerCase();
    let describe = this.entries.get(key);
    if (!describe) {
      describe = this.conn.sobject(objectName).describe() as unknown as Promise<ObjectInfo>;
      this.entries.set(key, describe);
      describe.catch(() => this.entries.delete(key));
    }
    return describe;
  }
}
