/**
 * Bulk jobs are not abandoned (issue 11, item 4): a job still running at the run's poll timeout leaves its
 * rows "outcome not known yet" (never reported written), and the sweep settles them from the job's results
 * when it ends: in the engine's store and on the org's run record.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SAMPLE_INTEGRATION } from '../../demo/sample-integration.js';
import { salesforceTargetOrg } from '../../src/salesforce/salesforce-target-org.js';
import { runSync } from '../../src/sync/run-sync.js';
import { createIntegration, startSchedulerHarness, type SchedulerHarness } from './scheduler-harness.js';
import { waitFor } from '../wait-for.js';

describe('a Bulk API job still running at the poll timeout', () => {
  let h: SchedulerHarness;
  before(async () => {
    h = await startSchedulerHarness({
      engine: { runNow: false },
      bulk2: { chunkSize: 5, chunkDelayMs: 150 }
    });
  });
  after(async () => {
    await h?.stop();
  });

  test('leaves its rows unknown, then the sweep settles them in the store and the org', async () => {
    const integrationId = await createIntegration(h, 'bulk');
    const sfRunId = (
      (await h.admin
        .sobject('WalkMe_Sync_Run__c')
        .create({ Integration__c: integrationId, Status__c: 'Queued', Trigger__c: 'Manual' })) as {
        id: string;
      }
    ).id;
    const conn = await h.engine.ctx.orgs.get(h.orgId);
    const result = await runSync({
      org: salesforceTargetOrg(conn),
      integration: { ...SAMPLE_INTEGRATION, id: integrationId, convertedLeadHandling: 'skip' },
      source: h.engine.ctx.source,
      options: {
        runId: sfRunId,
        plan: { match: 'soql', write: 'bulk-ingest' },
        bulkPolling: { pollInterval: 20, pollTimeout: 100 }
      }
    });
    const [job] = result.pendingBulkJobs ?? [];
    assert.ok(job, result.log.join('\n'));
    const waiting = job.records.length;
    assert.ok(waiting > 5);
    assert.equal(result.counts.updated, 0, 'nothing is reported written before Salesforce says so');
    assert.equal(result.rejected.filter((row) => row.statusCode === 'BULK_JOB_PENDING').length, waiting);
    assert.match(
      result.log.join('\n'),
      new RegExp(`Bulk API job ${job.jobId} had not ended when the run did`)
    );

    const { run } = await h.engine.ctx.store.runs.request({
      orgId: h.orgId,
      integrationId,
      integrationName: 'bulk',
      trigger: 'Manual',
      requestKey: `manual:${sfRunId}`,
      sfRunId
    });
    await h.engine.ctx.store.db.transaction(async (tx) => {
      await h.engine.ctx.store.runs.finish(run.id, result, tx);
      await h.engine.ctx.store.pendingClosings.keep(
        { runId: run.id, orgId: h.orgId, sfRunId, integrationId, result },
        tx
      );
    });
    // While the job runs, the sweep leaves it be.
    await h.engine.scheduler.sweepQueued();
    assert.equal((await h.engine.ctx.store.pendingClosings.forOrg(h.orgId)).length, 1);

    await waitFor('the job to end', async () => {
      await h.engine.scheduler.sweepQueued();
      return (await h.engine.ctx.store.pendingClosings.forOrg(h.orgId)).length === 0;
    });
    const stored = (await h.engine.ctx.store.runs.get(run.id))!;
    assert.equal(stored.counts!.updated, waiting);
    assert.equal(stored.counts!.failed, result.counts.failed - waiting);
    assert.match(
      stored.log.join('\n'),
      new RegExp(`Bulk API job ${job.jobId} ended: ${waiting} rows updated, 0 failed`)
    );
    const record = h.org.data.find('WalkMe_Sync_Run__c', sfRunId)!;
    assert.equal(record.Rows_Updated__c, waiting);
    assert.equal(record.Status__c, stored.status);
  });
});
