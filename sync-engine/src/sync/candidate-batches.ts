/**
 * Steps 3 and 4 of a run, streamed: each report row validated (key normalised, values coerced as step 6
 * says; an invalid row is settled at once), and the valid ones grouped into batches with the records their
 * keys reached — one URL-limited SOQL query per batch, or one Bulk API 2.0 index of the whole object loaded
 * up front for very large reports.
 */
import type { Connection } from '@jsforce/jsforce-node';
import type { ReportRowStream } from '../sources/report-source.js';
import {
  loadObjectIndex,
  SoqlMatcher,
  type CandidateIndex,
  type MatchSpec
} from '../salesforce/record-matcher.js';
import type { OutcomeTally } from './outcome-tally.js';
import { validateRow, type RowRules } from './row-validation.js';
import { reportUnreadable } from './run-failure.js';
import type { RunLog } from './run-log.js';
import type { JsonFieldValue } from './value-coercion.js';

const BULK_INDEX_BATCH = 2_000;

/** A report row that passed validation and waits for its match. */
export interface PendingRow {
  row: number;
  key: string;
  rawKey: string;
  values: JsonFieldValue[];
}

export interface CandidateBatch {
  rows: PendingRow[];
  /** The candidate records by normalised key; holds at least this batch's keys that matched. */
  index: CandidateIndex;
}

export interface BatchingInput {
  conn: Connection;
  spec: MatchSpec;
  strategy: 'soql' | 'bulk-query';
  rules: RowRules;
  reportName: string;
  maxUrlBytes?: number;
  bulkPolling: { pollInterval: number; pollTimeout: number };
  tally: OutcomeTally;
  log: RunLog;
}

export async function* candidateBatches(
  stream: ReportRowStream,
  input: BatchingInput
): AsyncGenerator<CandidateBatch> {
  const { conn, spec, tally } = input;
  const soql = input.strategy === 'soql' ? new SoqlMatcher(conn, spec, input.maxUrlBytes) : undefined;
  let index: CandidateIndex | undefined;
  if (!soql) {
    index = await loadObjectIndex(conn, spec, input.bulkPolling);
    input.log.note(`Bulk API 2.0 query: ${index.size} distinct keys in ${spec.objectName}.`);
  }
  let batch: PendingRow[] = [];
  try {
    for await (const reportRow of stream) {
      tally.counts.read += 1;
      const valid = validateRow(reportRow, input.rules);
      if (!valid.ok) {
        tally.emit(reportRow.row, valid.rawKey, 'invalid', { reason: valid.reason });
        continue;
      }
      const { key, rawKey, values } = valid;
      const pending: PendingRow = { row: reportRow.row, key, rawKey, values };
      if (soql) {
        const full = soql.add(rawKey);
        if (full) {
          yield { rows: batch, index: await soql.run(full) };
          batch = [];
        }
        batch.push(pending);
      } else {
        batch.push(pending);
        if (batch.length >= BULK_INDEX_BATCH) {
          yield { rows: batch, index: index! };
          batch = [];
        }
      }
    }
  } catch (error) {
    if ((error as Error).name?.startsWith('Report')) throw reportUnreadable(input.reportName, error);
    throw error;
  }
  const last = soql?.flush();
  if (batch.length > 0) yield { rows: batch, index: soql ? await soql.run(last!) : index! };
}
