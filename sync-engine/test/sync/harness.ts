/**
 * Test harness for runs: the org emulator over HTTP, a jsforce connection logged in with the password grant,
 * and a CSV report folder the real CSV source reads.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@jsforce/jsforce-node';
import { stringify } from 'csv-stringify/sync';
import { startOrgEmulator } from '../../emulators/org/start.js';
import { csvFolderSource } from '../../src/sources/csv-source.js';
import { DEFAULT_MASS_CHANGE_GUARD, type IntegrationDefinition } from '../../src/domain/integration.js';
import type { ReportSource } from '../../src/sources/report-source.js';
import { salesforceTargetOrg } from '../../src/salesforce/salesforce-target-org.js';
import type { TargetOrg } from '../../src/sync/target-org.js';
import type { RunOptions } from '../../src/sync/run-sync.js';

export type Emulator = Awaited<ReturnType<typeof startOrgEmulator>>;
export type EmulatedOrg = Emulator['orgs']['production'];

export interface Harness {
  emulator: Emulator;
  org: EmulatedOrg;
  conn: Connection;
  dir: string;
  source: ReportSource;
  stop(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const emulator = await startOrgEmulator({ seed: false });
  const org = emulator.orgs.production;
  const conn = new Connection({
    oauth2: { loginUrl: org.loginUrl, clientId: org.clientId, clientSecret: org.clientSecret }
  });
  await conn.login(org.username, org.password);
  const dir = await mkdtemp(join(tmpdir(), 'run-sync-test-'));
  await writeFile(join(dir, 'reports.json'), '[]');
  return {
    emulator,
    org,
    conn,
    dir,
    source: csvFolderSource(dir),
    async stop() {
      await emulator.stop();
      await rm(dir, { recursive: true, force: true });
    }
  };
}

/** Writes a report (header + rows) as a CSV file listed in the folder's manifest. */
export async function writeReport(dir: string, id: string, rows: string[][]): Promise<void> {
  await writeFile(join(dir, `${id}.csv`), stringify(rows));
  const manifestPath = join(dir, 'reports.json');
  const manifest = (JSON.parse(await readFile(manifestPath, 'utf8')) as Array<{ id: string }>).filter(
    (entry) => entry.id !== id
  );
  manifest.push({
    id,
    name: `Report ${id}`,
    tags: ['integrations_salesforce'],
    walkMeEnvironment: 'Production',
    file: `${id}.csv`
  } as { id: string });
  await writeFile(manifestPath, JSON.stringify(manifest));
}

/** An integration of `reportId` into Lead by Email with three mapped fields; `overrides` change it. */
export function integrationFor(
  reportId: string,
  overrides: Partial<IntegrationDefinition> = {}
): IntegrationDefinition {
  return {
    name: `Test ${reportId}`,
    reportId,
    reportName: `Report ${reportId}`,
    walkMeEnvironment: 'Production',
    targetObject: 'Lead',
    reportKeyColumn: 'Email',
    objectKeyField: 'Email',
    mappings: [
      { column: 'Last Login', columnType: 'datetime', field: 'WalkMe_Last_Login__c', blank: 'keep' },
      { column: 'Logins', columnType: 'number', field: 'WalkMe_Logins_Last_30_Days__c', blank: 'keep' },
      { column: 'NPS Category', columnType: 'string', field: 'WalkMe_NPS_Category__c', blank: 'keep' }
    ],
    ambiguityPolicy: 'update-all',
    convertedLeadHandling: 'skip',
    schedule: { type: 'Daily', hourUtc: 9, intervalHours: null },
    active: true,
    guard: { ...DEFAULT_MASS_CHANGE_GUARD },
    ...overrides
  };
}

export const HEADER = ['Email', 'Last Login', 'Logins', 'NPS Category'];

/** The org a run writes to (each run describes the schema afresh). */
export function targetOrg(conn: Connection): TargetOrg {
  return salesforceTargetOrg(conn);
}

/** Options that keep a test fast: no lock backoff to speak of, quick Bulk polling. */
export function fastOptions(extra: RunOptions = {}): RunOptions {
  return {
    lockBackoffMs: 20,
    bulkPolling: { pollInterval: 20, pollTimeout: 10_000 },
    ...extra
  };
}

/** Loads Leads straight into the org (no API call spent), with the required fields filled in. */
export function loadLeads(org: EmulatedOrg, leads: Array<Record<string, unknown>>): string[] {
  return org.data
    .load(
      'Lead',
      leads.map((lead) => ({ LastName: 'Tester', Company: 'Test Co', ...lead }))
    )
    .map((record) => record.Id);
}

export function readRecord(
  org: EmulatedOrg,
  objectName: string,
  id: string,
  fields: string[]
): Record<string, unknown> {
  return org.data.query(`SELECT ${fields.join(', ')} FROM ${objectName} WHERE Id = '${id}'`)[0];
}

/** A record's fields, without the `attributes` a query answers with. */
export function fieldsOf(
  org: EmulatedOrg,
  objectName: string,
  id: string,
  fields: string[]
): Record<string, unknown> {
  const { attributes: _attributes, ...values } = readRecord(org, objectName, id, fields);
  void _attributes;
  return values;
}
