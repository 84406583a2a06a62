/**
 * Finds the records a report's keys point at. Two strategies:
 * - `SoqlMatcher`: `SELECT … WHERE <key> IN (…)` with escaped literals, statements cut by URL length
 *   (soql-in-chunker.ts), every page read with queryMore (a page holds at most 2,000 records).
 * - `loadObjectIndex`: one Bulk API 2.0 query job over the whole object, indexed by key, for reports so big
 *   that thousands of IN queries would cost more than one job.
 */
import type { Connection, QueryResult } from '@jsforce/jsforce-node';
import { apiPath, postComposite, subrequestError } from './composite-request.js';
import { bulkQueryPages, type BulkQueryOptions } from './bulk-query-pages.js';
import { chunkInStatements, SoqlInChunker } from './soql-in-chunker.js';
import { recordKey } from '../domain/keys.js';
import { CompactCandidateIndex } from '../sync/match/compact-candidate-index.js';
import type { CandidateIndex, CandidateRecord, KeyLookup, MatchSpec } from '../sync/target-org.js';

function selectList(spec: MatchSpec): string[] {
  const fields = new Set(['Id', spec.keyField.name, ...spec.fieldNames]);
  if (spec.withLastModified) fields.add('LastModifiedDate');
  if (spec.withConversion) {
    fields.add('IsConverted');
    fields.add('ConvertedContactId');
  }
  return [...fields];
}

/** Reads one raw record (REST JSON or Bulk CSV text) into a candidate. */
function toCandidate(spec: MatchSpec, record: Record<string, unknown>): CandidateRecord {
  const values: Record<string, unknown> = {};
  for (const name of spec.fieldNames) values[name] = record[name];
  const converted = record.IsConverted;
  return {
    id: String(record.Id),
    key: recordKey(record[spec.keyField.name], spec.keyField),
    values,
    lastModified: record.LastModifiedDate ? String(record.LastModifiedDate) : undefined,
    isConverted: spec.withConversion ? converted === true || converted === 'true' : undefined,
    convertedContactId: spec.withConversion ? (record.ConvertedContactId as string | null) || null : undefined
  };
}

/** Runs a SOQL statement and hands over every record of every page. */
export async function queryEveryPage(
  conn: Connection,
  soql: string,
  onRecord: (record: Record<string, unknown>) => void
): Promise<void> {
  let page = await conn.query<Record<string, unknown>>(soql);
  for (;;) {
    for (const record of page.records) onRecord(record);
    if (page.done || !page.nextRecordsUrl) return;
    page = await conn.queryMore<Record<string, unknown>>(page.nextRecordsUrl);
  }
}

function addTo(index: Map<string, CandidateRecord[]>, candidate: CandidateRecord): void {
  const list = index.get(candidate.key);
  if (list) list.push(candidate);
  else index.set(candidate.key, [candidate]);
}

/**
 * Packs keys into IN statements as they arrive, `perCall` statements to a lookup; `add` returns the statements
 * of a lookup that filled up so the caller can match that batch of rows. A lookup of several statements goes
 * in one composite call (composite-request.ts); further pages of any statement are read with `queryMore`.
 */
export class SoqlMatcher implements KeyLookup {
  private readonly chunker: SoqlInChunker;
  private pending: string[] = [];

  constructor(
    private readonly conn: Connection,
    private readonly spec: MatchSpec,
    maxUrlBytes?: number,
    private readonly perCall = 1
  ) {
    this.chunker = new SoqlInChunker({
      queryUrlPrefix: `${conn._baseUrl()}/query?q=`,
      soqlHead: `SELECT ${selectList(spec).join(', ')} FROM ${spec.objectName} WHERE ${spec.keyField.name} IN (`,
      soqlTail: ')',
      maxUrlBytes
    });
  }

  /** Queues a key; answers a full lookup's statements when the key did not fit beside the queued ones. */
  add(queryValue: string): string[] | undefined {
    const closed = this.chunker.add(queryValue);
    if (closed) this.pending.push(closed.statement);
    return this.pending.length >= this.perCall ? this.take() : undefined;
  }

  fits(queryValue: string): boolean {
    return this.chunker.fits(queryValue);
  }

  /** The statements for the keys still queued. */
  flush(): string[] | undefined {
    const last = this.chunker.flush();
    if (last) this.pending.push(last.statement);
    return this.pending.length > 0 ? this.take() : undefined;
  }

  private take(): string[] {
    const statements = this.pending;
    this.pending = [];
    return statements;
  }

  async run(statements: string[]): Promise<CandidateIndex> {
    const index = new Map<string, CandidateRecord[]>();
    const add = (record: Record<string, unknown>) => addTo(index, toCandidate(this.spec, record));
    if (statements.length === 1) {
      await queryEveryPage(this.conn, statements[0], add);
      return index;
    }
    // Each statement stays sized to a query URL, as a plain query's: whether Salesforce holds a composite
    // subrequest's URL to the same 16,384 bytes is not documented [unverified].
    const results = await postComposite(
      this.conn,
      statements.map((statement, i) => ({
        method: 'GET',
        url: `${apiPath(this.conn)}/query?q=${encodeURIComponent(statement)}`,
        referenceId: `q${i}`
      }))
    );
    for (const result of results) {
      if (result.httpStatusCode >= 400) throw subrequestError(result);
      let page = result.body as QueryResult<Record<string, unknown>>;
      for (;;) {
        for (const record of page.records) add(record);
        if (page.done || !page.nextRecordsUrl) break;
        page = await this.conn.queryMore<Record<string, unknown>>(page.nextRecordsUrl);
      }
    }
    return index;
  }
}

/** One Bulk API 2.0 query job over every record of the object that has a key, read page by page. */
export async function loadObjectIndex(
  conn: Connection,
  spec: MatchSpec,
  options: BulkQueryOptions
): Promise<CandidateIndex> {
  const columns = selectList(spec);
  const soql = `SELECT ${columns.join(', ')} FROM ${spec.objectName} WHERE ${spec.keyField.name} != null`;
  const index = new CompactCandidateIndex(columns, (record) => toCandidate(spec, record));
  for await (const page of bulkQueryPages(conn, soql, options)) {
    for (const record of page) index.add(recordKey(record[spec.keyField.name], spec.keyField), record);
  }
  return index;
}

/** Records by id (for following converted Leads to their Contacts), in URL-sized statements. */
export async function queryByIds(
  conn: Connection,
  spec: MatchSpec,
  ids: string[],
  maxUrlBytes?: number
): Promise<Map<string, CandidateRecord>> {
  const statements = chunkInStatements(
    {
      queryUrlPrefix: `${conn._baseUrl()}/query?q=`,
      soqlHead: `SELECT ${selectList(spec).join(', ')} FROM ${spec.objectName} WHERE Id IN (`,
      soqlTail: ')',
      maxUrlBytes
    },
    ids
  );
  const byId = new Map<string, CandidateRecord>();
  for (const statement of statements) {
    await queryEveryPage(conn, statement, (record) => {
      const candidate = toCandidate(spec, record);
      byId.set(candidate.id, candidate);
    });
  }
  return byId;
}
