/**
 * The write queue's last line of defence: every row keeps exactly one outcome even when the engine queues a
 * record twice or Salesforce answers nothing for one, so the run's invariant check is never what speaks.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OutcomeTally } from '../../../src/sync/outcome-tally.js';
import { RunLog } from '../../../src/sync/run-log.js';
import { WriteQueue } from '../../../src/sync/write/write-queue.js';
import type { RecordWrite, TargetOrg, WriteResult } from '../../../src/sync/target-org.js';

const write = (id: string) => ({ objectName: 'Lead', item: { id, fields: { F__c: 1 } } });

/** Only the writer the queue calls; it answers for every record but `silent`. */
function orgAnsweringAllBut(silent: string): TargetOrg {
  return {
    async updateWithCollections(
      writes: RecordWrite[],
      _options: unknown,
      onResult: (result: WriteResult) => void
    ) {
      for (const { item } of writes) if (item.id !== silent) onResult({ id: item.id, ok: true });
    }
  } as unknown as TargetOrg;
}

describe('write queue: every row settles on its own', () => {
  test('a record queued twice fails its row at once; a record without an answer fails its row', async () => {
    const tally = new OutcomeTally(100);
    for (const row of [1, 2, 3, 4]) tally.read(row, `k${row}`);
    const queue = new WriteQueue(tally);
    queue.add(1, 'k1', ['A'], [write('A')]);
    queue.add(2, 'k2', ['A'], [write('A')]);
    queue.add(3, 'k3', ['B', 'B'], [write('B'), write('B')]);
    queue.add(4, 'k4', ['C'], [write('C')]);
    const settings = {
      bulk: false,
      bulkPolling: { pollInterval: 1, pollTimeout: 1 },
      collections: {
        perCall: 1,
        concurrency: 1,
        lockRetries: 0,
        lockBackoffMs: 0,
        transientRetries: 0,
        retryBackoffMs: 0
      }
    };
    await queue.writeAll(orgAnsweringAllBut('C'), settings, new RunLog(), () => undefined);
    assert.equal(tally.invariantError(), undefined);
    assert.deepEqual(tally.counts, {
      read: 4,
      updated: 1,
      unchanged: 0,
      unmatched: 0,
      ambiguous: 0,
      invalid: 0,
      failed: 3
    });
    const reasons = tally.rejectedRows().rejected.map((outcome) => `${outcome.row}: ${outcome.reason}`);
    assert.deepEqual(reasons, [
      '2: internal error: record A is written from row 1 already; nothing was written for this row',
      '3: internal error: record B is written twice by this row; nothing was written for this row',
      '4: C: ENGINE_ERROR: internal error: no result came back for record C'
    ]);
  });
});
