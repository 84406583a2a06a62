/**
 * The run's plan: how to match and how to write, chosen by the API calls each way costs (the daily quota is
 * shared by every integration of the org: field-lessons.md, complaint 2), with latency as the tie-breaker.
 * The counts follow Salesforce's documented rules (docs/performance.md has the formulas):
 * - a SOQL `IN` query per URL-sized statement, plus a `queryMore` per further 2,000 records;
 * - `POST /composite` holds up to 5 query or sObject Collections subrequests and "the entire series of
 *   requests counts as a single call toward your API limits" (REST API Developer Guide, "Composite");
 * - a Bulk API 2.0 query job: create, poll, one results call per page; an ingest job: create, upload, close,
 *   poll, and the successful and failed results.
 */
import {
  COLLECTION_SIZE,
  HEADER_HEADROOM_BYTES,
  MAX_REQUEST_HEAD_BYTES
} from '../domain/salesforce-limits.js';
import type { MatchWay, WriteWay } from '../domain/run-result.js';

export type { MatchWay, WriteWay };

/**
 * Calls a run spends whatever the data: `/limits`, the run record's opening (one composite with the describes)
 * and its closing (one composite with the integration's last-run fields and the rejected-rows file).
 */
export const FIXED_RUN_CALLS = 3;
/** Encoded bytes a typical key literal takes in an IN list (an email, quoted, with its comma). */
export const TYPICAL_KEY_BYTES = 40;
/** Bytes of a lookup's query URL besides its IN list (the URL up to `?q=`, the select list, the WHERE). */
const QUERY_HEAD_BYTES = 400;

/** URL-sized `IN` statements the report's keys need (`maxUrlBytes`: the longest query URL). */
export function statementsFor(
  keyBytes: number,
  maxUrlBytes = MAX_REQUEST_HEAD_BYTES - HEADER_HEADROOM_BYTES
): number {
  return Math.max(1, Math.ceil(keyBytes / (maxUrlBytes - QUERY_HEAD_BYTES)));
}

/** Subrequests of one composite call that may be queries or sObject Collections. */
export const COMPOSITE_HEAVY_SUBREQUESTS = 5;
/** Records one REST query page answers (further pages: `queryMore`). */
export const QUERY_PAGE_RECORDS = 2_000;
/** Records per Bulk API 2.0 query results page the engine asks for (`maxRecords`; memory bounds it). */
export const BULK_RESULT_PAGE_RECORDS = 50_000;
/** Status polls a Bulk job is planned with: one after its first wait, one more for a slow org. */
export const BULK_POLLS = 2;
/** Create, upload, close, successful results, failed results. */
const INGEST_JOB_CALLS = 5;

export interface Forecast<W extends string> {
  way: W;
  calls: number;
  /** Seconds (REST) or minutes (Bulk jobs wait in Salesforce's queue). */
  latency: 'seconds' | 'minutes';
}

export interface MatchFacts {
  /** URL-sized `IN` statements the report's keys need. */
  statements: number;
  /** Keys per statement, on average (a statement answering more than 2,000 records pages). */
  keysPerStatement: number;
  /** Records of the object (`/limits/recordCount`); unknown when asking was not worth a call. */
  objectRecords?: number;
}

const pagesPerStatement = (keys: number) => Math.max(1, Math.ceil(keys / QUERY_PAGE_RECORDS));

/** Every way to match, with its calls. Bulk is left out while the object's size is unknown. */
export function matchForecasts(facts: MatchFacts): Array<Forecast<MatchWay>> {
  const extraPages = facts.statements * (pagesPerStatement(facts.keysPerStatement) - 1);
  const options: Array<Forecast<MatchWay>> = [
    { way: 'soql', calls: facts.statements + extraPages, latency: 'seconds' },
    {
      way: 'soql-composite',
      calls: Math.ceil(facts.statements / COMPOSITE_HEAVY_SUBREQUESTS) + extraPages,
      latency: 'seconds'
    }
  ];
  if (facts.objectRecords !== undefined) {
    const pages = Math.max(1, Math.ceil(facts.objectRecords / BULK_RESULT_PAGE_RECORDS));
    options.push({ way: 'bulk-query', calls: 1 + BULK_POLLS + pages, latency: 'minutes' });
  }
  return options;
}

/**
 * Whether the object's size is worth a call: only when a Bulk query (at least create, a poll and a page)
 * could cost less than the cheapest SOQL way.
 */
export function worthCountingRecords(facts: Omit<MatchFacts, 'objectRecords'>): boolean {
  return cheapest(matchForecasts(facts)).calls > 1 + BULK_POLLS + 1 + 1;
}

/**
 * Every way to write `records` records, with its calls: Collections take several objects in a call, Bulk needs
 * `ingestJobs` jobs (one per object, more past an upload's 100 MB).
 */
export function writeForecasts(records: number, ingestJobs = 1): Array<Forecast<WriteWay>> {
  return [
    { way: 'collections', calls: Math.ceil(records / COLLECTION_SIZE), latency: 'seconds' },
    {
      way: 'collections-composite',
      calls: Math.ceil(records / (COLLECTION_SIZE * COMPOSITE_HEAVY_SUBREQUESTS)),
      latency: 'seconds'
    },
    { way: 'bulk-ingest', calls: ingestJobs * (INGEST_JOB_CALLS + BULK_POLLS), latency: 'minutes' }
  ];
}

/** The fewest calls; on a tie the faster way, then the simpler (earlier) one. */
export function cheapest<W extends string>(options: Array<Forecast<W>>): Forecast<W> {
  return options.reduce((best, option) =>
    option.calls < best.calls ||
    (option.calls === best.calls && option.latency === 'seconds' && best.latency === 'minutes')
      ? option
      : best
  );
}

/** `soql-composite 4 calls (soql 17, bulk-query 6)`: the choice and what it beat, for the log. */
export function describeChoice<W extends string>(options: Array<Forecast<W>>): string {
  const chosen = cheapest(options);
  const others = options.filter((option) => option !== chosen).map((o) => `${o.way} ${o.calls}`);
  return `${chosen.way} ${chosen.calls} call${chosen.calls === 1 ? '' : 's'}${others.length ? ` (${others.join(', ')})` : ''}`;
}
