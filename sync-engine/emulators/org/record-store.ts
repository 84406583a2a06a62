/**
 * In-memory records of one org: one table per object, indexed by id, with lazily built lowercase
 * indexes on the fields queries filter on (SOQL `=`/`IN` on strings ignore case), kept current on writes.
 * A transaction journal (`RecordStore.begin()`) remembers what each write replaced, so that a composite
 * request with `allOrNone` can put every table back as it was.
 */
import type { StoredValue } from './field-values.js';

/** A stored record: canonical field names → stored values. Always has `Id` and `IsDeleted`. */
export type StoredRecord = Record<string, StoredValue> & { Id: string };

/** The state of one record before the transaction first wrote it: a copy, or null when it was inserted. */
type Journal = Map<RecordTable, Map<string, StoredRecord | null>>;

export class RecordTable {
  private readonly byId = new Map<string, StoredRecord>();
  private readonly indexes = new Map<string, Map<string, Set<string>>>();

  constructor(
    readonly objectName: string,
    private readonly journal: () => Journal | null = () => null
  ) {}

  /** Notes the record's state before its first write in the open transaction, if one is open. */
  private remember(id: string): void {
    const journal = this.journal();
    if (!journal) return;
    let before = journal.get(this);
    if (!before) journal.set(this, (before = new Map()));
    if (before.has(id)) return;
    const record = this.byId.get(id);
    before.set(id, record ? { ...record } : null);
  }

  /** Puts a record back as it was (or removes it when `previous` is null), keeping indexes current. */
  restore(id: string, previous: StoredRecord | null): void {
    const current = this.byId.get(id);
    if (current)
      for (const [fieldName, index] of this.indexes) removeFromIndex(index, current[fieldName], id);
    if (previous === null) {
      this.byId.delete(id);
      return;
    }
    // In place, so that whoever holds the record (an open query cursor) sees it as it was.
    const record = current ?? previous;
    for (const key of Object.keys(record)) if (!(key in previous)) delete record[key];
    Object.assign(record, previous);
    this.byId.set(id, record);
    for (const [fieldName, index] of this.indexes) addToIndex(index, record[fieldName], id);
  }

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
    this.remember(record.Id);
    this.byId.set(record.Id, record);
    for (const [fieldName, index] of this.indexes) addToIndex(index, record[fieldName], record.Id);
  }

  /** Applies `changes` to the stored record, keeping indexes current. */
  update(id: string, changes: Record<string, StoredValue>): void {
    const record = this.byId.get(id);
    if (!record) return;
    this.remember(id);
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

/** An open transaction: `rollback()` puts back every record written since `begin()`; `commit()` keeps them. */
export interface StoreTransaction {
  commit(): void;
  rollback(): void;
}

/** All tables of one org, by object name. */
export class RecordStore {
  private readonly tables = new Map<string, RecordTable>();
  private journal: Journal | null = null;

  table(objectName: string): RecordTable {
    let table = this.tables.get(objectName);
    if (!table) this.tables.set(objectName, (table = new RecordTable(objectName, () => this.journal)));
    return table;
  }

  /** Starts journaling writes. Transactions do not nest: one composite request at a time holds one. */
  begin(): StoreTransaction {
    if (this.journal) throw new Error('A transaction is already open on this record store.');
    const journal: Journal = new Map();
    this.journal = journal;
    const close = () => {
      if (this.journal === journal) this.journal = null;
    };
    return {
      commit: close,
      rollback: () => {
        close();
        for (const [table, before] of journal) for (const [id, record] of before) table.restore(id, record);
      }
    };
  }

  /** Every table with at least one record. */
  nonEmpty(): RecordTable[] {
    return [...this.tables.values()].filter((t) => t.size > 0);
  }
}
