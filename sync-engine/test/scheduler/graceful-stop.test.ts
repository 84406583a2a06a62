/**
 * Graceful stop (issue 11, item 8): stopping the engine interrupts a run at its next batch boundary; the run
 * closes its record Failed, "Interrupted", with how many records it wrote, and every row read has an outcome.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runningRecord, startWithDailyIntegration, type SchedulerHarness } from './scheduler-harness.js';

describe('stopping the engine while a run is in progress', () => {
  let h: SchedulerHarness;
  let now = new Date('2025-03-10T10:00:00Z');
  before(async () => {
    ({ h } = await startWithDailyIntegration(() => now, { runNow: false }));
  });
  after(async () => {
    await h?.stop();
  });

  test('interrupts it between batches and closes its record with what it did', async () => {
    now = new Date('2025-03-11T09:00:00Z');
    h.org.faults.latencyMs = 100;
    const [runId] = await h.engine.scheduler.tick();
    const sfRunId = await runningRecord(h, runId!);
    const started = Date.now();
    await h.engine.worker.stop();
    h.org.faults.latencyMs = 0;
    assert.ok(Date.now() - started < 10_000, 'the run stopped at a batch boundary, not at its end');
    const run = (await h.engine.ctx.store.runs.get(runId!))!;
    assert.equal(run.status, 'Failed');
    assert.match(
      run.error!,
      /^Interrupted: the engine was stopped after \d+ records were written; the next run writes the rest\./
    );
    const { read, ...outcomes } = run.counts!;
    assert.equal(
      Object.values(outcomes).reduce((a, b) => a + b, 0),
      read,
      'every row read has an outcome'
    );
    const record = h.org.data.find('WalkMe_Sync_Run__c', sfRunId)!;
    assert.equal(record.Status__c, 'Failed');
    assert.equal(record.Rows_Read__c, read);
    assert.match(
      String(record.Error_Summary__c),
      /Interrupted: the engine was stopped after \d+ records were written/
    );
  });
});
