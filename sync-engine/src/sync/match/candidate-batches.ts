/**
 * Step 4 of a run, streamed: the valid rows grouped into batches with the records their keys reached — one
 * lookup per batch (URL-sized SOQL statements, one per call or five in one composite call), or one Bulk API
 * 2.0 index of the whole object loaded up front, whichever the run's plan chose.
 */
import { reportUnreadable } from '../../domain/errors.js';
import type { RunLog } from '../run-log.js';
import type { ValidRow } from '../row-validation.js';
import type { BulkPolling, CandidateIndex, MatchSpec, TargetOrg } from '../target-org.js';
import { COMPOSITE_HEAVY_SUBREQUESTS, type MatchWay } from '../run-plan.js';

const BULK_INDEX_BATCH = 2_000;

export interface CandidateBatch {
  rows: ValidRow[];
  /** The candidate records by normalised key; holds at least this batch's keys that matched. */
  index: CandidateIndex;
}

export interface BatchingInput {
  org: TargetOrg;
  spec: MatchSpec;
  strategy: MatchWay;
  reportName: string;
  maxUrlBytes?: number;
  bulkPolling: BulkPolling;
  log: RunLog;
  /** A row whose key no lookup can hold: settled invalid with the reason, the run goes on. */
  reject(row: ValidRow, reason: string): void;
}

export async function* candidateBatches(
  rows: AsyncIterable<ValidRow>,
  input: BatchingInput
): AsyncGenerator<CandidateBatch> {
  const { org, spec } = input;
  const lookup =
    input.strategy === 'bulk-query'
      ? undefined
      : org.keyLookup(spec, {
          maxUrlBytes: input.maxUrlBytes,
          perCall: input.strategy === 'soql-composite' ? COMPOSITE_HEAVY_SUBREQUESTS : 1
        });
  let index: CandidateIndex | undefined;
  if (!lookup) {
    index = await org.objectIndex(spec, input.bulkPolling);
    input.log.note(`Bulk API 2.0 query: ${index.size} distinct keys in ${spec.objectName}.`);
  }
  let batch: ValidRow[] = [];
  try {
    for await (const row of rows) {
      if (lookup) {
        if (!lookup.fits(row.queryValue)) {
          input.reject(
            row,
            'the key is too long to fit in a query URL (Salesforce takes at most 16,384 bytes)'
          );
          continue;
        }
        const full = lookup.add(row.queryValue);
        if (full) {
          yield { rows: batch, index: await lookup.run(full) };
          batch = [];
        }
        batch.push(row);
      } else {
        batch.push(row);
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
  const last = lookup?.flush();
  if (batch.length > 0) yield { rows: batch, index: lookup ? await lookup.run(last!) : index! };
}
