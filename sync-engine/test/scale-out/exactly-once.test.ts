/**
 * Scale-out proof: three engine worker processes (`main.ts worker`) share one real PostgreSQL; 30 integrations
 * across the emulated Production and Sandbox orgs all fall due at once; every due run happens exactly once,
 * even when one worker is killed (SIGKILL) in the middle of its runs.
 */
import { DEFAULT_MASS_CHANGE_GUARD } from '../../src/domain/integration.js';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SCHEDULER } from '../../src/config.js';
import { connectThroughBrowser } from '../../demo/browser-oauth.js';
import { startInsightsEmulator, type InsightsEmulator } from '../../emulators/insights/start.js';
import type { EmulatedReport } from '../../emulators/insights/sample-reports.js';
import { startOrgEmulator, type OrgEmulator, type OrgHandle } from '../../emulators/org/start.js';
import { toIntegrationRecord } from '../../src/salesforce/integration-reader.js';
import { INTEGRATION_TAG } from '../../src/sources/report-source.js';
import { CLI_MAIN, engineEnv, startServedEngine, type ServedEngine } from '../cli/cli-process.js';
import { engineConfig } from '../server/engine-harness.js';
import { startPostgres, type PostgresServer } from '../store/databases.js';
import { waitFor } from '../wait-for.js';

const INTEGRATIONS_PER_ORG = 15;
const ROWS_PER_REPORT = 20;
const HEARTBEAT_SECONDS = 10;

const email = (report: number, row: number) => `user${row}@report${report}.scale.example`;
const logins = (report: number, row: number) => report * 100 + row + 1;

/** One report per integration, each reaching its own 20 Leads, so every Lead is written by exactly one run. */
function scaleReports(): EmulatedReport[] {
  return Array.from({ length: INTEGRATIONS_PER_ORG }, (_, r) => ({
    info: {
      id: `rpt-scale-${r}`,
      name: `Scale ${r}`,
      tags: [INTEGRATION_TAG],
      walkMeEnvironment: 'Production',
      columns: [
        { name: 'Email', type: 'email' },
        { name: 'Logins', type: 'number' }
      ]
    },
    rows: () =>
      Array.from({ length: ROWS_PER_REPORT }, (_, i) => [email(r, i), String(logins(r, i))]) as Iterable<
        string[]
      >
  }));
}

function seedOrg(org: OrgHandle): void {
  const leads = [];
  for (let r = 0; r < INTEGRATIONS_PER_ORG; r += 1) {
    for (let i = 0; i < ROWS_PER_REPORT; i += 1) {
      leads.push({ LastName: `User ${r}-${i}`, Company: 'Scale Co', Email: email(r, i) });
    }
  }
  org.data.load('Lead', leads);
  org.data.load(
    'WalkMe_Integration__c',
    Array.from({ length: INTEGRATIONS_PER_ORG }, (_, r) =>
      toIntegrationRecord({
        name: `Scale ${r} → Lead`,
        reportId: `rpt-scale-${r}`,
        reportName: `Scale ${r}`,
        walkMeEnvironment: 'Production',
        targetObject: 'Lead',
        reportKeyColumn: 'Email',
        objectKeyField: 'Email',
        mappings: [
          { column: 'Logins', columnType: 'number', field: 'WalkMe_Logins_Last_30_Days__c', blank: 'keep' }
        ],
        ambiguityPolicy: 'update-all',
        convertedLeadHandling: 'skip',
        schedule: { type: 'Daily', hourUtc: 9, intervalHours: null },
        active: true,
        guard: { ...DEFAULT_MASS_CHANGE_GUARD }
      })
    )
  );
}

/** Counts every save of a Lead by id (a validation rule that never fires sees each record written). */
function countLeadWrites(org: OrgHandle): Map<string, number> {
  const writes = new Map<string, number>();
  org.faults.validationRules.push({
    object: 'Lead',
    message: 'never',
    predicate: (record) => {
      const id = String(record.Id);
      writes.set(id, (writes.get(id) ?? 0) + 1);
      return false;
    }
  });
  return writes;
}

interface Worker {
  name: string;
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

function spawnWorker(name: string, env: NodeJS.ProcessEnv): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI_MAIN, 'worker'], {
    env: { ...process.env, ...env, ENGINE_WORKER_NAME: name },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, child, output, exited };
}

describe('three workers on one PostgreSQL: every due run exactly once', () => {
  let pg: PostgresServer;
  let orgs: OrgEmulator;
  let insights: InsightsEmulator;
  let served: ServedEngine;
  let dataDir: string;
  const workers: Worker[] = [];
  const writes = new Map<string, Map<string, number>>();

  before(async () => {
    pg = await startPostgres();
    const databaseUrl = await pg.createDatabase('scale_out');
    orgs = await startOrgEmulator({ autoApprove: true, seed: false });
    insights = await startInsightsEmulator({ reports: scaleReports() });
    for (const org of Object.values(orgs.orgs)) {
      seedOrg(org);
      writes.set(org.orgId, countLeadWrites(org));
    }
    dataDir = mkdtempSync(join(tmpdir(), 'scale-out-'));
    const config = await engineConfig(orgs, insights, {
      databaseUrl,
      dataDir,
      scheduler: { ...DEFAULT_SCHEDULER, runHeartbeatSeconds: HEARTBEAT_SECONDS, superviseSeconds: 1 },
      logLevel: 'info'
    });
    // The test's own engine process: the store, pg-boss and the OAuth server, but no worker and no cron.
    served = await startServedEngine(config);
    for (const environment of ['production', 'sandbox'] as const) {
      const flow = await connectThroughBrowser(served.url, environment);
      assert.equal(flow.status, 200, flow.body);
    }
    await served.engine.scheduler.refreshIntegrations();
    for (const name of ['worker-1', 'worker-2', 'worker-3'])
      workers.push(spawnWorker(name, engineEnv(config)));
    await Promise.all(
      workers.map((w) =>
        waitFor(
          `${w.name} to start`,
          async () => (w.output.join('').includes('worker started') ? true : undefined),
          60_000,
          100
        )
      )
    );
  });

  after(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill();
    await Promise.all(workers.map((w) => w.exited));
    await served?.stop();
    await orgs?.stop();
    await insights?.stop();
    await pg?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('30 due integrations run once each, and a killed worker’s runs are finished by the others', async () => {
    const { engine } = served;
    const { store } = engine.ctx;
    assert.equal((await store.schedules.list()).length, 2 * INTEGRATIONS_PER_ORG);
    // Slow the orgs down so that runs overlap and a worker can be caught in the middle of one.
    for (const org of Object.values(orgs.orgs)) org.faults.latencyMs = 150;

    // Three schedulers tick at once past everyone's slot: each slot is claimed by exactly one of them.
    const due = new Date(Date.now() + 25 * 3600_000);
    const claimed = (await Promise.all([1, 2, 3].map(() => engine.scheduler.tick(due)))).flat();
    assert.equal(claimed.length, 2 * INTEGRATIONS_PER_ORG);
    assert.equal(new Set(claimed).size, claimed.length);
    assert.deepEqual(await engine.scheduler.tick(due), [], 'a later tick finds nothing due');

    // Kill worker-1 (no goodbye) once it is inside a run that already has its WalkMe_Sync_Run__c.
    const victim = workers[0]!;
    const caught = await waitFor(
      'worker-1 to be inside a run',
      async () =>
        (
          await store.db.query<{ id: string }>(
            `SELECT id FROM runs WHERE worker = $1 AND status = 'Running' AND sf_run_id IS NOT NULL`,
            [victim.name]
          )
        )[0]?.id,
      30_000,
      100
    );
    victim.child.kill('SIGKILL');
    await victim.exited;
    const interrupted = (
      await store.db.query<{ id: string }>(`SELECT id FROM runs WHERE worker = $1 AND status = 'Running'`, [
        victim.name
      ])
    ).map((r) => r.id);
    assert.ok(interrupted.includes(caught));

    const runs = await waitFor(
      'every run to finish',
      async () => {
        const all = await store.runs.recent(1000);
        return all.every((r) => r.status !== 'Queued' && r.status !== 'Running') ? all : undefined;
      },
      90_000,
      100
    );

    // The store: one run per integration, each Completed; the killed worker's runs were re-run elsewhere.
    assert.equal(runs.length, 2 * INTEGRATIONS_PER_ORG);
    assert.equal(new Set(runs.map((r) => `${r.orgId}/${r.integrationId}`)).size, runs.length);
    assert.deepEqual(
      runs.filter((r) => r.status !== 'Completed').map((r) => [r.integrationName, r.status, r.error]),
      []
    );
    for (const id of interrupted) {
      const run = runs.find((r) => r.id === id)!;
      assert.ok(run.attempts >= 2, `run ${id} was attempted again`);
      assert.notEqual(run.worker, victim.name);
      assert.match(run.log.join('\n'), /previous attempt was interrupted/);
    }
    assert.ok(runs.every((r) => r.counts?.updated === ROWS_PER_REPORT || interrupted.includes(r.id)));
    const workersUsed = new Set(runs.map((r) => r.worker));
    assert.ok(workersUsed.size >= 2, `runs spread over workers: ${[...workersUsed].join(', ')}`);

    for (const org of Object.values(orgs.orgs)) {
      // The org: one WalkMe_Sync_Run__c per integration, Completed, and no other.
      const logs = org.data.query(
        'SELECT Integration__c, Status__c, Rows_Read__c FROM WalkMe_Sync_Run__c'
      ) as Array<{ Integration__c: string; Status__c: string; Rows_Read__c: number }>;
      assert.equal(logs.length, INTEGRATIONS_PER_ORG, `${org.name}: one run record per integration`);
      assert.equal(new Set(logs.map((l) => l.Integration__c)).size, INTEGRATIONS_PER_ORG);
      assert.deepEqual(
        logs.filter((l) => l.Status__c !== 'Completed' || l.Rows_Read__c !== ROWS_PER_REPORT),
        []
      );
      // Every Lead written exactly once, with its report's value: no double write, none missed.
      const leads = org.data.query('SELECT Id, Email, WalkMe_Logins_Last_30_Days__c FROM Lead') as Array<{
        Id: string;
        Email: string;
        WalkMe_Logins_Last_30_Days__c: number;
      }>;
      assert.equal(leads.length, INTEGRATIONS_PER_ORG * ROWS_PER_REPORT);
      const counted = writes.get(org.orgId)!;
      const wrong = leads.filter((lead) => {
        const [, row, report] = /^user(\d+)@report(\d+)\./.exec(lead.Email)!;
        return counted.get(lead.Id) !== 1 || lead.WalkMe_Logins_Last_30_Days__c !== logins(+report!, +row!);
      });
      assert.deepEqual(
        wrong.map((l) => [l.Email, counted.get(l.Id) ?? 0, l.WalkMe_Logins_Last_30_Days__c]),
        [],
        `${org.name}: each Lead written once`
      );
    }
  });

  test('the missed-event sweep does not take a scheduled run’s record left Queued for a Run Now request', async () => {
    const { engine } = served;
    const org = orgs.orgs.production;
    // What a worker killed between creating the record and noting its id leaves behind.
    const [integration] = org.data.query('SELECT Id FROM WalkMe_Integration__c LIMIT 1') as Array<{
      Id: string;
    }>;
    org.data.load('WalkMe_Sync_Run__c', [
      { Integration__c: integration!.Id, Status__c: 'Queued', Trigger__c: 'Scheduled' }
    ]);
    assert.equal(await engine.scheduler.sweepQueued(), 0);
    assert.equal((await engine.ctx.store.runs.recent(1000)).length, 2 * INTEGRATIONS_PER_ORG);
  });
});
