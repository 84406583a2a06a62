/**
 * The fewest API calls Salesforce's documented APIs allow for a run, whatever the engine does (the formula is
 * in docs/performance.md):
 * - bookkeeping: `/limits` (not allowed in a composite), one composite opening the run record beside the
 *   describe, one composite closing it beside the rejected-rows file and the integration's fields: 3;
 * - matching: the cheaper of every URL-sized `IN` statement five to a composite call, and one Bulk API 2.0
 *   query of the object (create, one poll, a results page per 50,000 records);
 * - writing: the cheaper of every changed record 1,000 to a composite call (five Collections of 200, which take
 *   several objects), and a Bulk ingest job per object written (create, upload, close, one poll, the failed
 *   results; the bench's uploads stay under 100 MB); nothing when nothing changed;
 * - following converted Leads to their Contacts: one query of those Contacts, known only once the Leads are
 *   matched (a composite reference carries one value, not a list of ids).
 */
import { COLLECTION_SIZE } from '../src/domain/salesforce-limits.js';
import {
  BULK_RESULT_PAGE_RECORDS,
  COMPOSITE_HEAVY_SUBREQUESTS,
  statementsFor
} from '../src/sync/run-plan.js';

export const BOOKKEEPING_FLOOR = 3;
const INGEST_FLOOR = 5;

export interface Floor {
  total: number;
  explain: string;
}

export function floorCalls(facts: {
  rows: number;
  keyBytes: number;
  objectRecords: number;
  changed: number;
  /** The integration follows converted Leads to their Contacts, and some were converted. */
  followsContacts?: boolean;
}): Floor {
  const statements = statementsFor(facts.keyBytes);
  const composite = Math.ceil(statements / COMPOSITE_HEAVY_SUBREQUESTS);
  const bulk = 2 + Math.max(1, Math.ceil(facts.objectRecords / BULK_RESULT_PAGE_RECORDS));
  const match = Math.min(composite, bulk);
  const writes = Math.ceil(facts.changed / (COLLECTION_SIZE * COMPOSITE_HEAVY_SUBREQUESTS));
  const follow = facts.followsContacts ? 1 : 0;
  // The Contacts converted Leads became are a second object, so a second ingest job.
  const ingest = INGEST_FLOOR * (1 + follow);
  const write = facts.changed === 0 ? 0 : Math.min(writes, ingest);
  return {
    total: BOOKKEEPING_FLOOR + match + write + follow,
    explain:
      `${BOOKKEEPING_FLOOR} bookkeeping + match min(${composite} composite, ${bulk} bulk) + write min(${writes} composite, ${ingest} bulk)` +
      (follow ? ' + 1 Contacts of converted Leads' : '')
  };
}
