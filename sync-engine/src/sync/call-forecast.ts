/**
 * The daily API budget: what a run will spend at most, checked against `/limits` before it starts, so one
 * sync never starves the org's other integrations halfway through (field-lessons.md, complaint 2).
 */
import { COLLECTION_SIZE } from '../domain/salesforce-limits.js';

/** Encoded bytes a typical key literal takes in an IN list (an email, quoted, with its comma). */
export const TYPICAL_KEY_BYTES = 40;
/** Calls a run spends whatever the data: limits, describe, run record create/update, integration update, file. */
export const FIXED_RUN_CALLS = 6;
/** Calls of one Bulk API 2.0 job besides polling: create, upload, close, results. */
export const BULK_JOB_CALLS = 5;

export interface ForecastInput {
  rows: number;
  /** Encoded bytes of every key literal, when a first pass measured them. */
  keyBytes?: number;
  /** Bytes an IN list may take in one query URL. */
  inListBudget: number;
  matchStrategy: 'soql' | 'bulk-query';
  writeStrategy: 'collections' | 'bulk-ingest' | 'none';
  /** Describes beyond the target object's (e.g. Contact when converted Leads are followed). */
  extraDescribes: number;
}

/**
 * The most calls the run can spend: every key queried, every matched row changed (the diff can only
 * lower this), a few polls per Bulk job.
 */
export function forecastCalls(input: ForecastInput): number {
  const keyBytes = input.keyBytes ?? input.rows * TYPICAL_KEY_BYTES;
  const match =
    input.matchStrategy === 'soql'
      ? Math.ceil(keyBytes / Math.max(1, input.inListBudget))
      : BULK_JOB_CALLS + Math.ceil(input.rows / 50_000);
  const write =
    input.writeStrategy === 'collections'
      ? Math.ceil(input.rows / COLLECTION_SIZE)
      : input.writeStrategy === 'bulk-ingest'
        ? BULK_JOB_CALLS + 10
        : 0;
  return FIXED_RUN_CALLS + input.extraDescribes + match + write;
}
