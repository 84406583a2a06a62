/**
 * Every operator command against a hosted engine (`start`'s roles, the embedded database, an org connected
 * over OAuth), run as the operator runs them: `main.ts` in a child process configured by the environment. The
 * engine holds the data folder, so each command must go through its local API; once it has stopped, the
 * commands open the store themselves.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { pino } from 'pino';
import { connectThroughBrowser } from '../../demo/browser-oauth.js';
import { SAMPLE_INTEGRATION } from '../../demo/sample-integration.js';
import { startInsightsEmulator, type InsightsEmulator } from '../../emulators/insights/start.js';
import { startOrgEmulator, type OrgEmulator } from '../../emulators/org/start.js';
import type { EngineConfig } from '../../src/config.js';
import { readOperatorApiFile } from '../../src/engine/operator-api-file.js';
import { startEngine, type Engine } from '../../src/engine/start-engine.js';
import { createLogger } from '../../src/logging/logger.js';
import { toIntegrationRecord } from '../../src/salesforce/integration-reader.js';
import type { ReportInfo } from '../../src/sources/report-source.js';
import type { RunAnswer } from '../../src/cli/run-views.js';
import { engineConfig } from '../server/engine-harness.js';
import { engineEnv, runCli } from './cli-process.js';

describe('the operator CLI on the configured engine', () => {
  let orgs: OrgEmulator;
  let insights: InsightsEmulator;
  let engine: Engine | undefined;
  let config: EngineConfig;
  let env: NodeJS.ProcessEnv;
  let dir: string;

  before(async () => {
    orgs = await startOrgEmulator({ autoApprove: true, seed: { population: 60 } });
    insights = await startInsightsEmulator();
    dir = mkdtempSync(join(tmpdir(), 'engine-cli-'));
    config = await engineConfig(orgs, insights, { dataDir: dir, logLevel: 'warn' });
    engine = await startEngine(config, {
      role: 'all',
      runNow: false,
      logger: createLogger({ level: 'silent', destination: { write: () => {} } as pino.DestinationStream })
    });
    const flow = await connectThroughBrowser(engine.url!, 'production');
    assert.equal(flow.status, 200, flow.body);
    orgs.orgs.production.data.load('WalkMe_Integration__c', [toIntegrationRecord(SAMPLE_INTEGRATION)]);
    env = { ...engineEnv(config), DATABASE_URL: '' };
  });

  after(async () => {
    await engine?.stop();
    await orgs?.stop();
    await insights?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the running engine publishes its API to its own user only, and refuses a request without the token', async () => {
    const address = readOperatorApiFile(dir)!;
    assert.ok(address, 'operator-api.json written at start');
    const { statSync } = await import('node:fs');
    assert.equal(statSync(join(dir, 'operator-api.json')).mode & 0o077, 0, 'owner-only');
    const refused = await fetch(`${address.url}/api/cli/accounts`);
    assert.equal(refused.status, 401);
    const wrong = await fetch(`${address.url}/api/cli/accounts`, {
      headers: { authorization: 'Bearer nope' }
    });
    assert.equal(wrong.status, 401);
  });

  test('accounts list and reports go through the running engine (its embedded database is busy)', async () => {
    const accounts = await runCli(['accounts', 'list'], env);
    assert.equal(accounts.code, 0, accounts.stderr);
    assert.match(accounts.stdout, new RegExp(`^production\\s+${orgs.orgs.production.orgId}\\s+Acme`));

    const reports = await runCli(['reports', '--json'], env);
    assert.equal(reports.code, 0, reports.stderr);
    const listed = JSON.parse(reports.stdout) as ReportInfo[];
    const logins = listed.find((r) => r.id === SAMPLE_INTEGRATION.reportId);
    assert.ok(logins, 'the sample report is offered');
    assert.ok(logins.columns.some((c) => c.name === SAMPLE_INTEGRATION.reportKeyColumn));
    assert.ok(listed.every((r) => r.tags.includes('integrations_salesforce')));
    const text = await runCli(['reports'], env);
    assert.match(text.stdout, new RegExp(`${logins.name}  \\(${logins.id}; tags: `));
  });

  test('run --dry-run writes nothing; run writes and exits 3 for rows rejected; runs and runs show tell them', async () => {
    const dry = await runCli(['run', SAMPLE_INTEGRATION.name, '--org', 'production', '--dry-run'], env);
    assert.ok(dry.code === 0 || dry.code === 3, dry.stderr);
    assert.match(dry.stdout, /Status\s+Completed.*\(dry run: nothing written\)/);
    assert.match(dry.stdout, /Would update\s+[1-9]/);
    const [integration] = orgs.orgs.production.data.query(
      "SELECT Id, Last_Run__c FROM WalkMe_Integration__c WHERE Name = 'Logins Review → Lead by Email'"
    );
    assert.equal(integration.Last_Run__c, null, 'a dry run leaves the integration untouched');

    const real = await runCli(['run', SAMPLE_INTEGRATION.name, '--org', 'production', '--json'], env);
    const answer = JSON.parse(real.stdout) as RunAnswer;
    assert.equal(answer.run.status, 'Completed with errors', real.stderr);
    assert.equal(real.code, 3, 'exit 3: done, with rows rejected');
    assert.ok(answer.run.counts!.updated > 0);
    assert.ok(answer.rows.length > 0, 'the rejected rows come with the run');
    assert.deepEqual(
      [answer.run.strategy!.match, answer.run.strategy!.write],
      ['soql-composite', 'collections'],
      'several SOQL statements: five to a composite call; under 200 changed records: one Collections call'
    );

    const history = await runCli(['runs', '--integration', SAMPLE_INTEGRATION.name], env);
    assert.equal(history.code, 0, history.stderr);
    const lines = history.stdout.trim().split('\n');
    assert.equal(lines.length, 2);
    assert.match(
      lines[0],
      new RegExp(`${answer.run.id}  Logins Review → Lead by Email  Completed with errors  Manual`)
    );
    assert.match(lines[1], /\(dry run\)/);
    const failed = await runCli(['runs', '--failed', '--limit', '1'], env);
    assert.match(failed.stdout, new RegExp(answer.run.id));
    assert.match(failed.stdout, /\(1 of 2: --limit shows more\)/);

    const shown = await runCli(['runs', 'show', answer.run.id], env);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /Rejected rows by reason:\n\s+\d+ × unmatched/);
    assert.match(shown.stdout, /row \d+ invalid /);
    const csv = await runCli(['runs', 'show', answer.run.id, '--csv'], env);
    const rows = parse(csv.stdout, { columns: true }) as Array<Record<string, string>>;
    assert.equal(rows.length, answer.rows.length);
    assert.deepEqual(Object.keys(rows[0]), ['Row', 'Key', 'Outcome', 'Status Code', 'Reason', 'Record Ids']);

    const unknown = await runCli(['run', 'No Such Integration', '--org', 'production'], env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No integration named or with id "No Such Integration" in Acme/);
    const mistyped = await runCli(['run', SAMPLE_INTEGRATION.name, '--dryrun'], env);
    assert.equal(mistyped.code, 2);
    assert.match(mistyped.stderr, /Unknown option '--dryrun'/);
  });

  test('integrations export goes through the running engine too', async () => {
    const exported = await runCli(['integrations', 'export', '--org', 'production'], env);
    assert.equal(exported.code, 0, exported.stderr);
    const file = JSON.parse(exported.stdout) as { integrations: Array<{ name: string }> };
    assert.deepEqual(
      file.integrations.map((i) => i.name),
      [SAMPLE_INTEGRATION.name]
    );
  });

  test('with the engine stopped, the commands open its store themselves', async () => {
    await engine!.stop();
    engine = undefined;
    assert.equal(readOperatorApiFile(dir), undefined, 'the address file goes with the engine');
    const accounts = await runCli(['accounts', 'list'], env);
    assert.equal(accounts.code, 0, accounts.stderr);
    assert.match(accounts.stdout, /^production\s+/);
    const history = await runCli(['runs', '--json'], env);
    assert.equal((JSON.parse(history.stdout) as { total: number }).total, 2);
    const dry = await runCli(['run', SAMPLE_INTEGRATION.name, '--dry-run'], env);
    assert.ok(dry.code === 0 || dry.code === 3, dry.stderr);
    assert.match(dry.stdout, /\(dry run: nothing written\)/, 'the only account is the default org');
  });
});
