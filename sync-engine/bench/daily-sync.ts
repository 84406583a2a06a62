/**
 * `npm run bench`: the "daily sync" scenario against the org emulator with 20 ms added to every API call —
 * a 100,000-row report against 120,000 Leads (10 % changed, 1 % unmatched, 0.5 % ambiguous) — run by the
 * engine and by two baselines on the same data, then a 1,000,000-row run in a child process for memory.
 * Prints a table and, last, one JSON line.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@jsforce/jsforce-node';
import { startOrgEmulator } from '../emulators/org/start.js';
import { csvFolderSource } from '../src/sources/csv-source.js';
import { salesforceTargetOrg } from '../src/salesforce/salesforce-target-org.js';
import { runSync } from '../src/sync/run-sync.js';
import type { IntegrationDefinition } from '../src/domain/integration.js';
import type { RunResult } from '../src/domain/run-result.js';
import { countApiCalls } from '../src/salesforce/api-call-counter.js';
import { COLLECTION_SIZE } from '../src/domain/salesforce-limits.js';
import { findField, type ObjectInfo } from '../src/domain/object-schema.js';
import { SoqlMatcher } from '../src/salesforce/record-matcher.js';
import { soqlLiteral } from '../src/domain/soql-literal.js';
import { SAMPLE_INTEGRATION } from '../demo/sample-integration.js';
import { BENCH_HEADER, benchKeys, benchLeads, countKinds, writeBenchReport } from './bench-data.js';

const DAILY_ROWS = 100_000;
const LEADS = 120_000;
const MEMORY_ROWS = 1_000_000;
const LATENCY_MS = 20;
const NAIVE_SAMPLE = 300;
/** The naive slice starts past the report's unmatched (1 %) and ambiguous (0.5 %) head rows. */
const NAIVE_SKIP = 2_000;
/** Calls every run spends on bookkeeping: limits, describe, run record create and update, rejected-rows file. */
const BOOKKEEPING_CALLS = 5;

/** The demo's sample integration on the bench report: its Last Login and Logins columns, ambiguous keys skipped. */
const integration: IntegrationDefinition = {
  ...SAMPLE_INTEGRATION,
  name: 'Bench: daily sync',
  reportId: 'bench-report',
  reportName: 'Bench report',
  mappings: SAMPLE_INTEGRATION.mappings.filter((mapping) => BENCH_HEADER.includes(mapping.column)),
  ambiguityPolicy: 'skip',
  convertedLeadHandling: 'skip'
};

async function reportFolder(rows: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'walkme-bench-'));
  await writeBenchReport(join(dir, 'report.csv'), DAILY_ROWS, rows);
  const manifest = [
    {
      id: 'bench-report',
      name: 'Bench report',
      tags: ['integrations_salesforce'],
      walkMeEnvironment: 'Production',
      file: 'report.csv'
    }
  ];
  await writeFile(join(dir, 'reports.json'), JSON.stringify(manifest));
  return dir;
}

type Org = Awaited<ReturnType<typeof startOrgEmulator>>['orgs']['production'];

async function login(org: Org): Promise<Connection> {
  const conn = new Connection({
    oauth2: { loginUrl: org.loginUrl, clientId: org.clientId, clientSecret: org.clientSecret }
  });
  await conn.login(org.username, org.password);
  return conn;
}

/** The fewest calls the SOQL + Collections strategy can spend on this data: full URL-sized queries, full writes. */
async function minimumCalls(conn: Connection, changed: number): Promise<{ total: number; queries: number }> {
  const describe = (await conn.sobject('Lead').describe()) as unknown as ObjectInfo;
  const matcher = new SoqlMatcher(conn, {
    objectName: 'Lead',
    keyField: findField(describe, 'Email')!,
    fieldNames: integration.mappings.map((mapping) => findField(describe, mapping.field)!.name),
    withConversion: true,
    withLastModified: false
  });
  let queries = 0;
  for (const key of benchKeys(DAILY_ROWS, DAILY_ROWS)) if (matcher.add(key)) queries += 1;
  if (matcher.flush()) queries += 1;
  return { total: queries + Math.ceil(changed / COLLECTION_SIZE) + BOOKKEEPING_CALLS, queries };
}

/** Naive: one lookup query and one PATCH per row, measured on a slice of the report. */
async function naiveSlice(conn: Connection): Promise<{ calls: number; rows: number; seconds: number }> {
  const started = Date.now();
  const calls = await countApiCalls(conn, async (sent) => {
    let rows = 0;
    for (const key of benchKeys(NAIVE_SKIP + NAIVE_SAMPLE, DAILY_ROWS)) {
      rows += 1;
      if (rows <= NAIVE_SKIP) continue;
      const found = await conn.query<{ Id: string }>(`SELECT Id FROM Lead WHERE Email = ${soqlLiteral(key)}`);
      for (const record of found.records) {
        await conn.sobject('Lead').update({ Id: record.Id, WalkMe_Logins_Last_30_Days__c: 1 });
      }
    }
    return sent();
  });
  return { calls, rows: NAIVE_SAMPLE, seconds: (Date.now() - started) / 1000 };
}

async function memoryRun(
  org: Org,
  reportDir: string
): Promise<{ peakRssMb: number; seconds: number; apiCalls: number; status: string }> {
  const script = fileURLToPath(new URL('./memory-run.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: {
      ...process.env,
      BENCH_MEMORY_RUN: JSON.stringify({
        loginUrl: org.loginUrl,
        clientId: org.clientId,
        clientSecret: org.clientSecret,
        username: org.username,
        password: org.password,
        reportDir,
        integration
      })
    },
    stdio: ['ignore', 'pipe', 'inherit']
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`The memory run exited with ${code}: ${output}`);
  return JSON.parse(output.trim().split('\n').pop()!);
}

function row(label: string, calls: number | string, extra = ''): string {
  return `  ${label.padEnd(44)} ${String(calls).padStart(9)}  ${extra}`;
}

async function main(): Promise<void> {
  const emulator = await startOrgEmulator({ seed: false });
  const dirs: string[] = [];
  try {
    const daily = emulator.orgs.production;
    const big = emulator.orgs.sandbox;
    for (const batch of benchLeads({ reportRows: DAILY_ROWS, leads: LEADS })) {
      daily.data.load('Lead', batch);
      big.data.load('Lead', batch);
    }
    const kinds = countKinds(DAILY_ROWS, DAILY_ROWS);
    const dailyDir = await reportFolder(DAILY_ROWS);
    dirs.push(dailyDir);
    const conn = await login(daily);
    const minimum = await minimumCalls(conn, kinds.changed);
    daily.faults.latencyMs = LATENCY_MS;
    big.faults.latencyMs = LATENCY_MS;

    const source = csvFolderSource(dailyDir);
    const started = Date.now();
    const engine: RunResult = await runSync({ org: salesforceTargetOrg(conn), integration, source });
    const seconds = (Date.now() - started) / 1000;
    if (engine.status === 'Failed') throw new Error(`The engine's run failed: ${engine.error}`);
    const noDiff = await runSync({
      org: salesforceTargetOrg(conn),
      integration,
      source,
      options: { plan: { match: 'soql', write: 'collections' }, full: true }
    });
    const naive = await naiveSlice(conn);
    const matchedRecords = kinds.changed + kinds.same;
    // Per matched row as measured; an unmatched row costs its lookup, an ambiguous one its lookup and two PATCHes.
    const naiveCalls = Math.round(
      (naive.calls / naive.rows) * matchedRecords + kinds.unmatched + 3 * kinds.ambiguous
    );

    const memoryDir = await reportFolder(MEMORY_ROWS);
    dirs.push(memoryDir);
    const memory = await memoryRun(big, memoryDir);

    const lines = [
      `Daily sync: ${DAILY_ROWS} rows vs ${LEADS} Leads, +${LATENCY_MS} ms per call`,
      `  rows: ${kinds.changed} changed, ${kinds.same} unchanged, ${kinds.unmatched} unmatched, ${kinds.ambiguous} ambiguous`,
      '',
      row('strategy', 'API calls', 'notes'),
      row(
        'engine (diff, URL-sized SOQL, Collections)',
        engine.apiCalls,
        `${seconds.toFixed(1)} s; counts ${JSON.stringify(engine.counts)}`
      ),
      row(
        'minimum for that strategy',
        minimum.total,
        `${minimum.queries} queries + ${Math.ceil(kinds.changed / COLLECTION_SIZE)} writes + ${BOOKKEEPING_CALLS} bookkeeping`
      ),
      row('collections without diff', noDiff.apiCalls, `${noDiff.counts.updated} rows rewritten`),
      row(
        'naive (lookup + PATCH per row)',
        naiveCalls,
        `measured ${naive.calls} calls on ${naive.rows} rows in ${naive.seconds.toFixed(1)} s, scaled`
      ),
      '',
      `Memory: ${MEMORY_ROWS} rows in a child process: peak RSS ${memory.peakRssMb} MB, ${memory.seconds.toFixed(1)} s, ${memory.apiCalls} calls, ${memory.status}`
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    process.stdout.write(
      `${JSON.stringify({
        rows: DAILY_ROWS,
        apiCalls: engine.apiCalls,
        minimumCalls: minimum.total,
        naiveCalls,
        noDiffCalls: noDiff.apiCalls,
        rowsPerSecond: Math.round(DAILY_ROWS / seconds),
        peakRssMb: memory.peakRssMb
      })}\n`
    );
  } finally {
    await emulator.stop();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  }
}

await main();
