/**
 * The write queue's last line of defence: every row keeps exactly one outcome even when the engine queues a
 * record twice or Salesforce answers nothing for one, so the run's invariant check is never what speaks; and
 * its rows map back right when they waited in the spool's file or went in several Bulk jobs.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OutcomeTally } from '../../../src/sync/outcome-tally.js';
import { RunLog } from '../../../src/sync/run-log.js';
import { WriteQueue } from '../../../src/sync/write/write-queue.js';
import type {
  BulkJobOutcome,
  BulkUpload,
  RecordWrite,
  TargetOrg,
  WriteResult
} from '../../../src/sync/target-org.js';

const write = (id: string, objectName = 'Lead') => ({ objectName, item: { id, fields: { F__c: 1 } } });

const settings = (bulk: boolean) => ({
  bulk,
  bulkPolling: { pollInterval: 1, pollTimeout: 1 },
  collections: {
    perCall: 1,
    concurrency: 2,
    lockRetries: 0,
    lockBackoffMs: 0,
    transientRetries: 0,
    retryBackoffMs: 0
  }
});

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
    await queue.writeAll(orgAnsweringAllBut('C'), settings(false), new RunLog(), () => undefined);
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

  test('rows that waited in the spool file are written in queue order, each settled once', async () => {
    const tally = new OutcomeTally(10_000);
    const queue = new WriteQueue(tally, 50);
    const rows = 2_000;
    for (let row = 0; row < rows; row += 1) {
      tally.read(row, `k${row}`);
      const writes = row % 4 === 0 ? [write(`L${row}`), write(`C${row}`, 'Contact')] : [write(`L${row}`)];
      queue.add(
        row,
        `k${row}`,
        writes.map((w) => w.item.id),
        writes
      );
    }
    const sent: string[] = [];
    const org = {
      async updateWithCollections(
        writes: Iterable<RecordWrite>,
        _o: unknown,
        onResult: (r: WriteResult) => void
      ) {
        for (const { item } of writes) {
          sent.push(item.id);
          onResult(
            item.id === 'C8'
              ? { id: 'C8', ok: false, statusCode: 'X', message: 'refused' }
              : { id: item.id, ok: true }
          );
        }
      }
    } as unknown as TargetOrg;
    const log = new RunLog();
    await queue.writeAll(org, settings(false), log, () => undefined);
    queue.discard();
    assert.equal(sent.length, rows + rows / 4);
    assert.deepEqual(sent.slice(0, 5), ['L0', 'C0', 'L1', 'L2', 'L3']);
    assert.equal(tally.invariantError(), undefined);
    assert.equal(tally.counts.updated, rows - 1);
    assert.deepEqual(
      tally.rejectedRows().rejected.map((outcome) => `${outcome.row}: ${outcome.reason}`),
      ['8: C8: X: refused']
    );
    const spilled = /2500 records waited for their write, (\d+) of them in a temporary file/.exec(
      log.lines.join('\n')
    );
    assert.ok(spilled && Number(spilled[1]) >= 2_450, log.lines.join('\n'));
  });

  test('Bulk jobs map back to their rows: several jobs an object, a failure, a job still running, one refused', async () => {
    const tally = new OutcomeTally(100);
    const queue = new WriteQueue(tally, 3);
    // Rows 0–5 write a Lead; rows 0 and 4 their Contact too.
    for (let row = 0; row < 6; row += 1) {
      tally.read(row, `k${row}`);
      const writes = [write(`L${row}`), ...(row === 0 || row === 4 ? [write(`C${row}`, 'Contact')] : [])];
      queue.add(
        row,
        `k${row}`,
        writes.map((w) => w.item.id),
        writes
      );
    }
    const jobs: Record<string, BulkJobOutcome[]> = {
      // L0–L1 ended with L1 failed; L2–L3 still running; L4–L5 never closed.
      Lead: [
        { state: 'ended', records: 2, failures: new Map([['L1', { statusCode: 'X', message: 'bad' }]]) },
        { state: 'running', records: 2, jobId: '750R' },
        {
          state: 'refused',
          records: 2,
          failure: { statusCode: 'BULK_JOB_FAILED', message: 'upload refused' }
        }
      ],
      Contact: [{ state: 'ended', records: 2, failures: new Map() }]
    };
    const uploads: Record<string, string[]> = {};
    const org = {
      async updateWithBulkIngest(objectName: string, upload: BulkUpload) {
        uploads[objectName] = [...upload.items].map((item) => item.id);
        return jobs[objectName];
      }
    } as unknown as TargetOrg;
    assert.equal(queue.ingestJobs, 2, 'a job per object');
    await queue.writeAll(org, settings(true), new RunLog(), () => undefined);
    queue.discard();
    assert.deepEqual(uploads, { Lead: ['L0', 'L1', 'L2', 'L3', 'L4', 'L5'], Contact: ['C0', 'C4'] });
    assert.equal(tally.invariantError(), undefined);
    assert.deepEqual(
      tally.rejectedRows().rejected.map((outcome) => `${outcome.row}: ${outcome.statusCode}`),
      ['1: X', '2: BULK_JOB_PENDING', '3: BULK_JOB_PENDING', '4: BULK_JOB_FAILED', '5: BULK_JOB_FAILED']
    );
    assert.equal(tally.counts.updated, 1);
    assert.equal(queue.written, 3, 'L0, C0 and C4 (written, though its row failed on L4)');
    assert.deepEqual(queue.takePendingJobs(), [
      {
        jobId: '750R',
        objectName: 'Lead',
        uploaded: 2,
        records: [
          { id: 'L2', row: 2 },
          { id: 'L3', row: 3 }
        ]
      }
    ]);
  });

  test("the plan counts a Bulk job more for each further 100 MB of an object's CSV", () => {
    const queue = new WriteQueue(new OutcomeTally(10));
    const text = 'x'.repeat(999_979);
    // 101 records of about 1 MB each: past one upload.
    for (let row = 0; row < 101; row += 1) {
      const item = { id: `00Q${String(row).padStart(15, '0')}`, fields: { Note__c: text } };
      queue.add(row, `k${row}`, [item.id], [{ objectName: 'Lead', item }]);
    }
    assert.equal(queue.ingestJobs, 2);
    queue.discard();
  });
});
