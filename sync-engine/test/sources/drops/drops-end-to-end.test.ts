/**
 * A WalkMe-style drop (several days of exports and a reports.json under a prefix) in each platform's local
 * server, read as an operator configures it: `npm run engine -- reports --json` in a child process on
 * `REPORTS_SOURCE`, a run into the org emulator that syncs the newest export and names it on the run record,
 * and a stale drop that fails the run with the export's time, writing nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config.js';
import { sourceFor } from '../../../src/engine/start-engine.js';
import type { ReportInfo } from '../../../src/sources/report-source.js';
import { runSync } from '../../../src/sync/run-sync.js';
import { runCli } from '../../cli/cli-process.js';
import {
  fastOptions,
  HEADER,
  integrationFor,
  loadLeads,
  readRecord,
  startHarness,
  targetOrg,
  type Harness
} from '../../sync/harness.js';
import { startDropServers, type Drop, type DropServers } from './drop-platforms.js';

const HOUR = 3_600_000;
const FIELDS = ['WalkMe_Logins_Last_30_Days__c', 'WalkMe_NPS_Category__c'];

const MANIFEST = JSON.stringify([
  {
    id: 'logins-review',
    name: 'Logins Review',
    tags: ['integrations_salesforce'],
    walkMeEnvironment: 'Production',
    files: 'logins-review/*.csv'
  }
]);

/** Three daily exports of one report; each day's logins differ, so the one synced shows which was read. */
async function writeDrop(drop: Drop, email: string): Promise<void> {
  await drop.put('reports.json', MANIFEST);
  for (const [day, logins] of [
    ['2026-12-01', '1'],
    ['2026-12-02', '2'],
    ['2026-12-03', '3']
  ]) {
    const rows = [HEADER, [email, '2026-12-01T06:00:00Z', logins, 'Promoter']];
    await drop.put(`logins-review/${day}.csv`, rows.map((row) => row.join(',')).join('\n') + '\n');
  }
}

describe('WalkMe scheduled export drops, end to end', () => {
  let servers: DropServers;
  let h: Harness;
  let dataDir: string;
  before(async () => {
    servers = await startDropServers();
    h = await startHarness();
    dataDir = await mkdtemp(join(tmpdir(), 'drops-cli-'));
  });
  after(async () => {
    await h?.stop();
    await servers?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  for (const name of ['s3', 'gcs', 'azure'] as const) {
    describe(name, () => {
      let drop: Drop;
      let leadId: string;
      before(async () => {
        drop = servers.platforms.find((platform) => platform.name === name)!.drop('walkme/exports');
        const email = `${name}@drops.test`;
        await writeDrop(drop, email);
        [leadId] = loadLeads(h.org, [{ Email: email }]);
      });

      test('npm run engine -- reports --json lists the report with its columns and newest export', async () => {
        const answer = await runCli(['reports', '--json'], {
          ...drop.env,
          ENGINE_DATA_DIR: join(dataDir, name),
          // A key of its own would be generated, with a warning on stdout, in the way of the JSON.
          ENGINE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
          DATABASE_URL: '',
          LOG_LEVEL: 'warn'
        });
        assert.equal(answer.code, 0, answer.stderr);
        const reports = JSON.parse(answer.stdout) as Array<ReportInfo & { origin: { location: string } }>;
        assert.deepEqual(
          reports.map((report) => [report.id, report.name, report.tags]),
          [['logins-review', 'Logins Review', ['integrations_salesforce']]]
        );
        assert.deepEqual(reports[0].columns, [
          { name: 'Email', type: 'email' },
          { name: 'Last Login', type: 'datetime' },
          { name: 'Logins', type: 'number' },
          { name: 'NPS Category', type: 'string' }
        ]);
        assert.equal(reports[0].origin.location, `${drop.base}logins-review/2026-12-03.csv`);
      });

      test('a run syncs the newest export and names it, with its time, on the run record', async () => {
        const result = await runSync({
          org: targetOrg(h.conn),
          integration: integrationFor('logins-review', { reportName: 'Logins Review' }),
          source: sourceFor(loadConfig(drop.env)),
          options: fastOptions()
        });
        assert.equal(result.status, 'Completed', result.error);
        assert.equal(result.counts.updated, 1);
        assert.deepEqual(
          FIELDS.map((field) => readRecord(h.org, 'Lead', leadId, FIELDS)[field]),
          [3, 'Promoter']
        );
        const line = new RegExp(
          `Report read from ${drop.base.replace(/[/.]/g, '\\$&')}logins-review/2026-12-03\\.csv \\(exported \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\)\\.`
        );
        assert.match(result.log.join('\n'), line);
        const record = readRecord(h.org, 'WalkMe_Sync_Run__c', result.runId!, ['Log__c', 'Status__c']);
        assert.equal(record.Status__c, 'Completed');
        assert.match(String(record.Log__c), line);
      });

      test('a stale drop fails the run with the time of the newest export, and nothing is written', async () => {
        const before = readRecord(h.org, 'Lead', leadId, FIELDS);
        const [report] = await sourceFor(loadConfig(drop.env)).listReports();
        const exported = report.origin!.modifiedAt.toISOString().replace('.000Z', 'Z');
        const callsBefore = h.org.calls.byKind.composite ?? 0;
        const result = await runSync({
          org: targetOrg(h.conn),
          integration: integrationFor('logins-review', { reportName: 'Logins Review' }),
          source: sourceFor(loadConfig(drop.env), () => new Date(Date.now() + 40 * HOUR)),
          options: fastOptions()
        });
        assert.equal(result.status, 'Failed');
        assert.equal(result.failureKind, 'data');
        assert.ok(
          result.error!.includes(
            `the newest export is from ${exported}: is WalkMe's scheduled export still running?`
          ),
          result.error
        );
        assert.equal(result.counts.read, 0);
        assert.equal((h.org.calls.byKind.composite ?? 0) - callsBefore, 0, 'nothing written');
        assert.deepEqual(readRecord(h.org, 'Lead', leadId, FIELDS), before);
        const record = readRecord(h.org, 'WalkMe_Sync_Run__c', result.runId!, ['Status__c']);
        assert.equal(record.Status__c, 'Failed');
      });
    });
  }
});
