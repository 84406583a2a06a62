import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IntegrationExport } from '../../src/salesforce/integration-promotion.js';
import { connectThroughBrowser } from '../../demo/browser-oauth.js';
import { SAMPLE_INTEGRATION } from '../../demo/sample-integration.js';
import { startInsightsEmulator, type InsightsEmulator } from '../../emulators/insights/start.js';
import { startOrgEmulator, type OrgEmulator } from '../../emulators/org/start.js';
import { toIntegrationRecord } from '../../src/salesforce/integration-reader.js';
import type { IntegrationDefinition } from '../../src/domain/integration.js';
import { engineConfig } from '../server/engine-harness.js';
import { startPostgres, type PostgresServer } from '../store/databases.js';
import { engineEnv, runCli, startServedEngine, type ServedEngine } from './cli-process.js';

const CONTACT_NPS: IntegrationDefinition = {
  ...SAMPLE_INTEGRATION,
  name: 'NPS → Contact by Email',
  reportId: 'rpt-nps',
  reportName: 'NPS',
  targetObject: 'Contact',
  mappings: [
    { column: 'NPS Score', columnType: 'number', field: 'WalkMe_NPS_Score__c', blank: 'keep' },
    { column: 'NPS Category', columnType: 'string', field: 'WalkMe_NPS_Category__c', blank: 'keep' }
  ],
  schedule: { type: 'Every N Hours', hourUtc: 1, intervalHours: 6 }
};

describe('the operator CLI: accounts and Sandbox → Production promotion', () => {
  let pg: PostgresServer;
  let orgs: OrgEmulator;
  let insights: InsightsEmulator;
  let served: ServedEngine;
  let env: NodeJS.ProcessEnv;
  let dir: string;

  before(async () => {
    pg = await startPostgres();
    orgs = await startOrgEmulator({ autoApprove: true, seed: false });
    insights = await startInsightsEmulator();
    dir = mkdtempSync(join(tmpdir(), 'operator-cli-'));
    const config = await engineConfig(orgs, insights, {
      databaseUrl: await pg.createDatabase('operator_cli'),
      dataDir: dir,
      logLevel: 'warn'
    });
    served = await startServedEngine(config);
    env = engineEnv(config);
  });

  after(async () => {
    await served?.stop();
    await orgs?.stop();
    await insights?.stop();
    await pg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('accounts list, then connect prints the URL whose flow (auto-approved) connects each org', async () => {
    const empty = await runCli(['accounts', 'list'], env);
    assert.equal(empty.code, 0, empty.stderr);
    assert.equal(empty.stdout, 'No account connected.\n');

    for (const environment of ['sandbox', 'production'] as const) {
      const printed = await runCli(['accounts', 'connect', '--environment', environment], env);
      assert.equal(printed.code, 0, printed.stderr);
      const url = /(http\S+\/oauth\/connect\?environment=\S+)/.exec(printed.stdout)?.[1];
      assert.equal(url, `${served.url}/oauth/connect?environment=${environment}`);
      const flow = await connectThroughBrowser(served.url, environment);
      assert.equal(flow.status, 200, flow.body);
    }
    const refused = await runCli(['accounts', 'connect', '--environment', 'staging'], env);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /--environment: production or sandbox/);

    const listed = await runCli(['accounts', 'list'], env);
    assert.equal(listed.code, 0, listed.stderr);
    const lines = listed.stdout.trim().split('\n');
    assert.equal(lines.length, 2);
    for (const [name, org] of Object.entries(orgs.orgs)) {
      const line = lines.find((l) => l.startsWith(name));
      assert.ok(line, `${name} listed`);
      assert.match(
        line,
        new RegExp(`${org.orgId}\\s+Acme.*${org.username.replace(/\./g, '\\.')}\\s+connected`)
      );
    }
  });

  test('integrations export from the sandbox and import into production, reporting what cannot be mapped', async () => {
    const sandbox = orgs.orgs.sandbox;
    const production = orgs.orgs.production;
    sandbox.data.load('WalkMe_Integration__c', [
      toIntegrationRecord(SAMPLE_INTEGRATION),
      toIntegrationRecord(CONTACT_NPS),
      toIntegrationRecord({ ...SAMPLE_INTEGRATION, name: 'Logins → Usage', targetObject: 'Usage__c' })
    ]);

    const exported = await runCli(['integrations', 'export', '--org', 'sandbox'], env);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stderr, /Exported 3 integrations from Acme \(Sandbox\)/);
    const file = JSON.parse(exported.stdout) as IntegrationExport;
    assert.deepEqual(file.exportedFrom, {
      orgId: sandbox.orgId,
      orgName: 'Acme (Sandbox)',
      environment: 'sandbox'
    });
    assert.deepEqual(
      file.integrations.map((i) => i.name).sort(),
      ['Logins Review → Lead by Email', 'Logins → Usage', 'NPS → Contact by Email'].sort()
    );
    assert.ok(
      file.integrations.every((i) => !('id' in i)),
      'sandbox record ids are not carried over'
    );
    const nps = file.integrations.find((i) => i.name === CONTACT_NPS.name)!;
    assert.deepEqual(nps.schedule, CONTACT_NPS.schedule);
    // A field added in the sandbox and not (yet) deployed to production.
    nps.mappings.push({
      column: 'Comment',
      columnType: 'string',
      field: 'WalkMe_NPS_Comment__c',
      blank: 'keep'
    });
    const path = join(dir, 'integrations.json');
    // As `npm run engine -- integrations export --org sandbox > integrations.json` writes it: npm's banners
    // (the build first, then the engine) before the JSON.
    const npmBanner =
      '\n> walkme-insights-salesforce@0.1.0 preengine\n> tsc -b tsconfig.build.json\n\n' +
      '\n> walkme-insights-salesforce@0.1.0 engine\n> node --max-old-space-size=1024 --max-semi-space-size=8 dist/cli/main.js integrations export --org sandbox\n\n';
    writeFileSync(path, npmBanner + JSON.stringify(file, null, 2));

    const imported = await runCli(['integrations', 'import', '--org', 'production', path], env);
    assert.equal(imported.code, 3, 'exit 3: imported with things not mapped');
    assert.equal(
      imported.stdout,
      [
        'Imported into Acme (production): 2 created, 0 updated, 1 not imported.',
        '  not imported: Logins → Usage: object Usage__c does not exist in this org',
        '  mapping dropped: NPS → Contact by Email: Contact.WalkMe_NPS_Comment__c: field does not exist',
        ''
      ].join('\n')
    );
    const records = production.data.query(
      'SELECT Name, Target_Object__c, Field_Mappings__c, Schedule_Type__c, Schedule_Interval_Hours__c, Connection__c FROM WalkMe_Integration__c ORDER BY Name'
    ) as Array<Record<string, unknown>>;
    assert.deepEqual(
      records.map((r) => [r.Name, r.Target_Object__c]),
      [
        ['Logins Review → Lead by Email', 'Lead'],
        ['NPS → Contact by Email', 'Contact']
      ]
    );
    assert.deepEqual(JSON.parse(String(records[1]!.Field_Mappings__c)), CONTACT_NPS.mappings);
    assert.equal(records[1]!.Schedule_Type__c, 'Every N Hours');
    assert.equal(records[1]!.Schedule_Interval_Hours__c, 6);
    const connection = production.data.query('SELECT Id FROM WalkMe_Connection__c') as Array<{ Id: string }>;
    assert.ok(
      records.every((r) => r.Connection__c === connection[0]!.Id),
      'linked to the production connection'
    );

    // Importing again updates by name: nothing is duplicated.
    const again = await runCli(['integrations', 'import', '--org', 'production', path], env);
    assert.match(again.stdout, /^Imported into Acme \(production\): 0 created, 2 updated, 1 not imported\./);
    assert.equal((production.data.query('SELECT Id FROM WalkMe_Integration__c') as unknown[]).length, 2);

    const unknown = await runCli(['integrations', 'export', '--org', 'staging'], env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No connected account matches "staging"/);
  });

  test('accounts disconnect revokes the token at Salesforce and forgets the account', async () => {
    const sandbox = orgs.orgs.sandbox;
    const token = await served.engine.ctx.store.accounts.refreshToken(sandbox.orgId);
    const result = await runCli(['accounts', 'disconnect', 'sandbox'], env);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      `Disconnected Acme (Sandbox) (${sandbox.orgId}): token revoked at Salesforce.\n`
    );
    const refresh = await fetch(`${sandbox.loginUrl}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: token,
        client_id: sandbox.clientId,
        client_secret: sandbox.clientSecret
      })
    });
    assert.equal(refresh.status, 400, 'the token no longer works at Salesforce');
    const status = sandbox.data.query('SELECT Status__c FROM WalkMe_Connection__c') as Array<{
      Status__c: string;
    }>;
    assert.deepEqual(
      status.map((s) => s.Status__c),
      ['Disconnected']
    );
    const listed = await runCli(['accounts', 'list'], env);
    assert.match(listed.stdout, /^production /);
    assert.doesNotMatch(listed.stdout, /sandbox/);
    const again = await runCli(['accounts', 'disconnect', 'sandbox'], env);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /No connected account matches "sandbox"/);
  });

  test('a worker without DATABASE_URL and an unknown accounts action are refused with the usage', async () => {
    const worker = await runCli(['worker'], { ...env, DATABASE_URL: '' });
    assert.equal(worker.code, 2);
    assert.match(worker.stderr, /A worker shares the engine database: set DATABASE_URL/);
    const accounts = await runCli(['accounts', 'rename'], env);
    assert.equal(accounts.code, 2);
    assert.match(
      accounts.stderr,
      /^Unknown or incomplete accounts action "rename"\.\nUsage: npm run engine -- accounts list \| connect/
    );
  });
});
