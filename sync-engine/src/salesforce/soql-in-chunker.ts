/**
 * SOQL `WHERE <field> IN (…)` statements sized by the length of the URL jsforce will send.
 *
 * jsforce queries with GET `{instanceUrl}/services/data/vXX.X/query?q=<encodeURIComponent(soql)>`, and
 * Salesforce refuses a request whose URI and headers exceed 16,384 bytes (431; 414 for the URI alone —
 * reference/salesforce-api.md §3, KB 000386264). The IN list is therefore cut by encoded length, not by a
 * count of keys: short keys pack more per call, and no call is wasted on a half-empty list.
 */
import { HEADER_HEADROOM_BYTES, MAX_REQUEST_HEAD_BYTES } from '../domain/salesforce-limits.js';
import { soqlLiteral, wireLength } from '../domain/soql-literal.js';

export interface InChunkerOptions {
  /** The query URL up to and including `?q=`, e.g. `https://x.my.salesforce.com/services/data/v62.0/query?q=`. */
  queryUrlPrefix: string;
  /** Everything before the first literal, e.g. `SELECT Id, Email FROM Lead WHERE Email IN (`. */
  soqlHead: string;
  /** Everything after the last literal, e.g. `)`. */
  soqlTail: string;
  /** Longest URL allowed; default 16,384 − 2,048 bytes. */
  maxUrlBytes?: number;
}

/**
 * Packs literals into IN lists, greedily, in arrival order. `add` answers the full chunk (the statement)
 * that had to be closed to make room, if any; `flush` closes the last one.
 */
export class SoqlInChunker {
  private readonly budget: number;
  private readonly fixedBytes: number;
  private values: string[] = [];
  private usedBytes = 0;

  constructor(private readonly options: InChunkerOptions) {
    this.budget = options.maxUrlBytes ?? MAX_REQUEST_HEAD_BYTES - HEADER_HEADROOM_BYTES;
    this.fixedBytes =
      options.queryUrlPrefix.length + wireLength(options.soqlHead) + wireLength(options.soqlTail);
    if (this.fixedBytes >= this.budget) throw new Error('The query is too long for any IN list.');
  }

  /** Bytes one more value would take in the current chunk (its literal plus a separating comma). */
  private costOf(literal: string): number {
    return wireLength(literal) + (this.values.length > 0 ? wireLength(',') : 0);
  }

  /** Whether `value` fits in a statement of its own (a longer one cannot be queried at all). */
  fits(value: string): boolean {
    return this.fixedBytes + wireLength(soqlLiteral(value)) <= this.budget;
  }

  add(value: string): { statement: string; values: string[] } | undefined {
    if (!this.fits(value)) throw new Error(`A key is too long to query: ${value.slice(0, 80)}…`);
    const literal = soqlLiteral(value);
    let closed: { statement: string; values: string[] } | undefined;
    if (this.values.length > 0 && this.fixedBytes + this.usedBytes + this.costOf(literal) > this.budget) {
      closed = this.flush();
    }
    this.usedBytes += this.costOf(literal);
    this.values.push(value);
    return closed;
  }

  get pending(): number {
    return this.values.length;
  }

  flush(): { statement: string; values: string[] } | undefined {
    if (this.values.length === 0) return undefined;
    const values = this.values;
    const statement = `${this.options.soqlHead}${values.map(soqlLiteral).join(',')}${this.options.soqlTail}`;
    this.values = [];
    this.usedBytes = 0;
    return { statement, values };
  }
}

/** Cuts a whole list of values into statements (for id lists and for computing a minimum call count). */
export function chunkInStatements(options: InChunkerOptions, values: Iterable<string>): string[] {
  const chunker = new SoqlInChunker(options);
  const statements: string[] = [];
  for (const value of values) {
    const closed = chunker.add(value);
    if (closed) statements.push(closed.statement);
  }
  const last = chunker.flush();
  if (last) statements.push(last.statement);
  return statements;
}
