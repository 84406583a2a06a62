import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunResult } from '../../../src/domain/run-result.js';
import { BULK_JOB_PENDING, PENDING_REASON, settleLateRows } from '../../../src/sync/write/late-settlement.js';

const pending = (row: number) => ({
  row,
  key: `k${row}`,
  outcome: 'failed' as const,
  recordIds: [`00Q${row}`],
  statusCode: BULK_JOB_PENDING,
  reason: PENDING_REASON
});

describe('settling rows a Bulk job held past the poll timeout', () => {
  test('written records make their rows updated; a failed record fails its row with the reason', () => {
    const result = {
      status: 'Completed with errors',
      counts: { read: 4, updated: 0, unchanged: 0, unmatched: 0, ambiguous: 0, invalid: 1, failed: 3 },
      rejected: [
        pending(1),
        pending(2),
        { row: 4, key: 'k4', outcome: 'invalid', recordIds: [], reason: 'bad' }
      ],
      rejectedOmitted: 1,
      pendingBulkJobs: [
        {
          jobId: '750A',
          objectName: 'Lead',
          records: [
            { id: '00Q1', row: 1 },
            { id: '00Q2', row: 2 },
            { id: '00Q3', row: 3 }
          ]
        }
      ],
      log: []
    } as unknown as RunResult;
    const outcomes = new Map([
      ['00Q1', { id: '00Q1', ok: true as const }],
      [
        '00Q2',
        {
          id: '00Q2',
          ok: false as const,
          statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
          message: 'Too big'
        }
      ],
      ['00Q3', { id: '00Q3', ok: true as const }]
    ]);
    assert.deepEqual(settleLateRows(result, outcomes), { updated: 2, failed: 1 });
    assert.deepEqual(result.counts, {
      read: 4,
      updated: 2,
      unchanged: 0,
      unmatched: 0,
      ambiguous: 0,
      invalid: 1,
      failed: 1
    });
    assert.deepEqual(
      result.rejected.map((row) => [row.row, row.statusCode, row.reason]),
      [
        [2, 'FIELD_CUSTOM_VALIDATION_EXCEPTION', '00Q2: FIELD_CUSTOM_VALIDATION_EXCEPTION: Too big'],
        [4, undefined, 'bad']
      ]
    );
    assert.equal(result.rejectedOmitted, 0, 'row 3 was beyond the cap and is now updated');
    assert.equal(result.pendingBulkJobs, undefined);
    assert.equal(result.status, 'Completed with errors');
    assert.match(result.log[0]!, /Bulk API job 750A ended: 2 rows updated, 1 failed\.$/);
  });

  test('a row writing a Lead and a Contact, each in its own job, is settled once from both', () => {
    const result = {
      status: 'Completed with errors',
      counts: { read: 1, updated: 0, unchanged: 0, unmatched: 0, ambiguous: 0, invalid: 0, failed: 1 },
      rejected: [pending(1)],
      rejectedOmitted: 0,
      pendingBulkJobs: [
        { jobId: '750L', objectName: 'Lead', records: [{ id: '00Q1', row: 1 }] },
        { jobId: '750C', objectName: 'Contact', records: [{ id: '0031', row: 1 }] }
      ],
      log: []
    } as unknown as RunResult;
    const outcomes = new Map([
      ['00Q1', { id: '00Q1', ok: true as const }],
      ['0031', { id: '0031', ok: false as const, statusCode: 'REQUIRED_FIELD_MISSING', message: 'LastName' }]
    ]);
    assert.deepEqual(settleLateRows(result, outcomes), { updated: 0, failed: 1 });
    assert.equal(result.counts.failed, 1);
    assert.equal(result.counts.updated, 0);
    assert.equal(result.rejected[0]!.statusCode, 'REQUIRED_FIELD_MISSING');
    assert.match(result.log[0]!, /Bulk API jobs 750L, 750C ended: 0 rows updated, 1 failed\.$/);
  });
});
