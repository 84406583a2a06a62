import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { QUEUES } from '../../src/scheduler/boss.js';
import type { RunJob } from '../../src/scheduler/run-requests.js';
import { INTERRUPTED_BY_CRASH } from '../../src/scheduler/run-worker.js';
import {
  createIntegration,
  insertQueuedRun,
  orgRunStatus,
  startSchedulerHarness,
  type SchedulerHarness
} from './scheduler-harness.js';
import { waitFor } from '../wait-for.js';

const ENGINE_PROCESS = fileURLToPath(new URL('./engine-process.ts', import.meta.url));

describe('a run interrupted by a crash', () => {
  let h: SchedulerHarness;
  before(async () => {
    h = await startSchedulerHarness({ persistent: true, engine: { runNow: false } });
  });
  after(async () => {
    await h?.stop();
  });

  test('is marked Failed with the reason on restart, in the engine and in the org, and not rerun', async () => {
    const integrationId = await createIntegration(h, 'daily');
    const sfRunId = await insertQueuedRun(h, integrationId);
    await h.engine.stop();
    // Slow calls keep the run in progress long enough to kill its process mid-run.
    h.org.faults.latencyMs = 300;
    const child = spawn(process.execPath, ['--import', 'tsx', ENGINE_PROCESS], {
      env: { ...process.env, ENGINE_TEST_CONFIG: JSON.stringify(h.config) },
      stdio: ['ignore', 'pipe', 'inherit']
    });
    try {
      await waitFor(
        'the run to start in the other process',
        () => orgRunStatus(h, sfRunId) === 'Running',
        20_000
      );
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
      h.org.faults.latencyMs = 0;
    }
    assert.equal(orgRunStatus(h, sfRunId), 'Running', 'the crash left the record Running');

    const engine = await h.restart();
    const [stored] = await engine.ctx.store.db.query<{ id: string }>(
      'SELECT id FROM runs WHERE sf_run_id = $1',
      [sfRunId]
    );
    const run = (await engine.ctx.store.runs.get(stored!.id))!;
    assert.equal(run.status, 'Failed');
    assert.equal(run.error, INTERRUPTED_BY_CRASH);
    assert.ok(run.log.includes(INTERRUPTED_BY_CRASH));
    assert.equal(run.counts, null, 'no result was recorded for it');
    const record = h.org.data.find('WalkMe_Sync_Run__c', sfRunId)!;
    assert.equal(record.Status__c, 'Failed');
    assert.equal(record.Error_Summary__c, INTERRUPTED_BY_CRASH);
    assert.ok(record.End_Time__c, 'the org record is closed');

    // Its job is over: pg-boss will not start it again behind the admin's back.
    const [job] = await engine.boss.findJobs<RunJob>(QUEUES.run, { data: { runId: run.id } });
    assert.ok(job && !['created', 'retry', 'active'].includes(job.state), `job state ${job?.state}`);
    assert.equal(await engine.scheduler.sweepQueued(), 0);
  });
});
