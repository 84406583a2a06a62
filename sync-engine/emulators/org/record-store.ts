/**
 * In-memory records of one org: one table per object, indexed by id, with lazily built lowercase
 * indexes on the fields queries filter on (SOQL `=`/`IN` on strings ignore case), kept current on writes.
 */
import type { StoredValue } from './field-values.js';

/** A stored record: canonical field names → stored values. Always has `Id` and `IsDeleted`. */
export type StoredRecord = Record<string, StoredValue> & { Id: string };

export class RecordTable {
  private readonly byId = new Map<string, StoredRecord>();
  private readonly indexes = new Map<string, Map<string, Set<string>>>();

  constructor(readonly objectName: string) {}

  get size(): number {
    return this.byId.size;
  }

  /** Every record, deleted ones included, in creation order. */
  all(): IterableIterator<StoredRecord> {
    return this.byId.values();
  }

  get(id: string): StoredRecord | undefined {
    return this.byId.get(id);
  }

  insert(record: StoredRecord): void {
    this.byId.set(record.Id, record);
    for (const [fieldName, index] of this.indexes) addToIndex(index, record[fieldName], record.Id);
  }

  /** Applies `changes` to the stored record, keeping indexes current. */
  update(id: string, changes: Record<string, StoredValue>): void {
    const record = this.byId.get(id);
    if (!record) return;
    for (const [fieldName, value] of Object.entries(changes)) {
      const index = this.indexes.get(fieldName);
      if (index && record[fieldName] !== value) {
        removeFromIndex(index, record[fieldName], id);
        addToIndex(index, value, id);
      }
      (record as Record<string, StoredValue>)[fieldName] = value;
    }
  }

  /** Ids whose `fieldName` equals one of `values`, ignoring case (the index is built on first use). */
  lookup(fieldName: string, values: Iterable<string>): Set<string> {
    let index = this.indexes.get(fieldName);
    if (!index) {
      index = new Map();
      for (const record of this.byId.values()) addToIndex(index, record[fieldName], record.Id);
      this.indexes.set(fieldName, index);
    }
    const ids = new Set<string>();
    for (const value of values) for (const id of index.get(value.toLowerCase()) ?? []) ids.add(id);
    return ids;
  }

  clear(): void {
    this.byId.clear();
    this.indexes.clear();
  }
}

function addToIndex(index: Map<string, Set<string>>, value: StoredValue | undefined, id: string): void {
  if (typeof value !== 'string') return;
  const key = value.toLowerCase();
  let ids = index.get(key);
  if (!ids) index.set(key, (ids = new Set()));
  ids.add(id);
}

function removeFromIndex(index: Map<string, Set<string>>, value: StoredValue | undefined, id: string): void {
  if (typeof value !== 'string') return;
  index.get(value.toLowerCase())?.delete(id);
}

/** All tables of one org, by object name. */
export class RecordStore {
  private readonly tables = new Map<string, RecordTable>();

  table(objectName: string): RecordTable {
    let table = this.tables.get(objectName);
    if (!table) this.tables.set(objectName, (table = new RecordTable(objectName)));
    return table;
  }

  /** Every table with at least one record. */
  nonEmpty(): RecordTable[] {
    return [...this.tables.values()].filter((t) => t.size > 0);
  }
}
