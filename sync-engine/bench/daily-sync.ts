/**
 * `npm run bench`: API calls against the floor Salesforce's documented APIs allow (docs/performance.md), per
 * scenario, with every way to match and every way to write side by side on the same data; then two 1,000,000-row
 * runs in child processes for memory (a daily report, a first sync where every row changes), and Run Now's
 * latency over 20 presses (run-now-latency.ts). Each scenario runs against its own emulated org (+20 ms a call):
 * - the engine's own plan, a real run;
 * - each way to match, forced, as a dry run (matching and bookkeeping only);
 * - each way to write, forced, as a real run (the changed records are put back between runs, outside the API).
 * Prints a table per scenario and, last, one JSON line.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Connection } from '@jsforce/jsforce-node';
import { startInsightsEmulator } from '../emulators/insights/start.js';
import { startOrgEmulator } from '../emulators/org/start.js';
import { csvFolderSource } from '../src/sources/csv-source.js';
import { InsightsApiSource } from '../src/sources/insights-api-source.js';
import type { ReportSource } from '../src/sources/report-source.js';
import { salesforceTargetOrg } from '../src/salesforce/salesforce-target-org.js';
import { runSync, type RunOptions } from '../src/sync/run-sync.js';
import type { IntegrationDefinition } from '../src/domain/integration.js';
import type { MatchWay, RunResult, WriteWay } from '../src/domain/run-result.js';
import { surveyReport } from '../src/sync/report-reading.js';
import { floorCalls, type Floor } from './floor.js';
import { runNowLatency } from './run-now-latency.js';
import { SAMPLE_INTEGRATION } from '../demo/sample-integration.js';
import {
  BENCH_HEADER,
  benchLeads,
  changedRows,
  countKinds,
  loginsInOrg,
  writeBenchReport
} from './bench-data.js';

const LATENCY_MS = 20;
const MEMORY_ROWS = 1_000_000;
const MEMORY_TARGET_MB = 256;
const RUN_NOW_PRESSES = 20;
const RUN_NOW_TARGET_MS = 250;
const MATCH_WAYS: MatchWay[] = ['soql', 'soql-composite', 'bulk-query'];
const WRITE_WAYS: WriteWay[] = ['collections', 'collections-composite', 'bulk-ingest'];
const OPTIONS: RunOptions = { bulkPolling: { pollInterval: 500, pollTimeout: 600_000 } };

interface Scenario {
  name: string;
  rows: number;
  leads: number;
  changedShare: number;
}

/** The scenarios (today's figures and the floor in docs/performance.md). */
const SCENARIOS: Scenario[] = [
  { name: 'daily', rows: 100_000, leads: 130_000, changedShare: 0.085 },
  { name: 'first sync', rows: 60_000, leads: 60_000, changedShare: 1 },
  { name: 'quiet day', rows: 100_000, leads: 130_000, changedShare: 0.002 },
  { name: 'big object', rows: 15_000, leads: 400_000, changedShare: 0.085 }
];

/** The demo's sample integration on a bench report: its Last Login and Logins columns, ambiguous keys skipped. */
const benchIntegration: IntegrationDefinition = {
  ...SAMPLE_INTEGRATION,
  name: 'Bench',
  reportId: 'bench-report',
  reportName: 'Bench report',
  mappings: SAMPLE_INTEGRATION.mappings.filter((mapping) => BENCH_HEADER.includes(mapping.column)),
  ambiguityPolicy: 'skip',
  convertedLeadHandling: 'skip'
};

type Org = Awaited<ReturnType<typeof startOrgEmulator>>['orgs']['production'];

async function login(org: Org): Promise<Connection> {
  const conn = new Connection({
    oauth2: { loginUrl: org.loginUrl, clientId: org.clientId, clientSecret: org.clientSecret }
  });
  await conn.login(org.username, org.password);
  return conn;
}

async function reportFolder(scenario: Scenario, totalRows = scenario.rows): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'walkme-bench-'));
  await writeBenchReport(join(dir, 'report.csv'), scenario.rows, totalRows, scenario.changedShare);
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

interface Measured {
  label: string;
  result: RunResult;
  seconds: number;
}

interface ScenarioFigures {
  name: string;
  rows: number;
  objectRecords: number;
  changed: number;
  engine: Measured;
  ways: Measured[];
  floor: Floor;
}

/** Runs every way on one org and report; `putBack` undoes a real run's writes outside the API. */
async function measure(
  name: string,
  conn: Connection,
  integration: IntegrationDefinition,
  source: ReportSource,
  putBack: () => void,
  facts: { objectRecords: number; changed: number; followsContacts?: boolean }
): Promise<ScenarioFigures> {
  const run = async (label: string, options: RunOptions): Promise<Measured> => {
    const started = Date.now();
    const result = await runSync({
      org: salesforceTargetOrg(conn),
      integration,
      source,
      options: { ...OPTIONS, ...options }
    });
    if (result.status === 'Failed') throw new Error(`${name}, ${label}: ${result.error}`);
    if (!options.dryRun) putBack();
    return { label, result, seconds: (Date.now() - started) / 1000 };
  };
  const engine = await run('engine (its own plan)', {});
  const ways: Measured[] = [];
  for (const match of MATCH_WAYS)
    ways.push(await run(`match: ${match} (dry run)`, { dryRun: true, plan: { match } }));
  for (const write of WRITE_WAYS) {
    ways.push(await run(`write: ${write}`, { plan: { match: engine.result.strategy.match, write } }));
  }
  const survey = await surveyReport(source, integration);
  const floor = floorCalls({ ...survey, ...facts });
  return {
    name,
    rows: survey.rows,
    objectRecords: facts.objectRecords,
    changed: facts.changed,
    engine,
    ways,
    floor
  };
}

async function benchScenario(scenario: Scenario, keep: (dir: string) => void): Promise<ScenarioFigures> {
  const emulator = await startOrgEmulator({ seed: false });
  try {
    const org = emulator.orgs.production;
    const changed = new Map(
      [...changedRows(scenario.rows, scenario.changedShare)].map(([i, email]) => [email, i])
    );
    const originals: Array<Record<string, unknown>> = [];
    for (const batch of benchLeads({
      reportRows: scenario.rows,
      leads: scenario.leads,
      changedShare: scenario.changedShare
    })) {
      for (const record of org.data.load('Lead', batch)) {
        const row = changed.get(String(record.Email));
        if (row !== undefined)
          originals.push({ Id: record.Id, WalkMe_Logins_Last_30_Days__c: loginsInOrg(row) });
      }
    }
    const dir = await reportFolder(scenario);
    keep(dir);
    const conn = await login(org);
    org.faults.latencyMs = LATENCY_MS;
    const kinds = countKinds(scenario.rows, scenario.rows, scenario.changedShare);
    return await measure(
      scenario.name,
      conn,
      benchIntegration,
      csvFolderSource(dir),
      () => org.data.update('Lead', originals, false),
      { objectRecords: scenario.leads, changed: kinds.changed }
    );
  } finally {
    await emulator.stop();
  }
}

/** The demo's own data: its 500 emulated users' Logins Review against the seeded org, through the Insights API. */
async function benchDemo(): Promise<ScenarioFigures> {
  const emulator = await startOrgEmulator();
  const insights = await startInsightsEmulator();
  try {
    const org = emulator.orgs.production;
    const conn = await login(org);
    const source = new InsightsApiSource({
      clientId: insights.clientId,
      clientSecret: insights.clientSecret,
      baseUrl: insights.url
    });
    const snapshot = org.data.query(
      'SELECT Id, WalkMe_Last_Login__c, WalkMe_Logins_Last_30_Days__c, WalkMe_NPS_Category__c FROM Lead'
    );
    const dry = await runSync({
      org: salesforceTargetOrg(conn),
      integration: SAMPLE_INTEGRATION,
      source,
      options: { dryRun: true, record: false }
    });
    org.faults.latencyMs = LATENCY_MS;
    const records = snapshot.map((record) => {
      const { attributes: _attributes, ...values } = record;
      void _attributes;
      return values;
    });
    const putBack = () => org.data.update('Lead', records, false);
    return await measure('demo', conn, SAMPLE_INTEGRATION, source, putBack, {
      objectRecords: snapshot.length,
      changed: dry.counts.updated,
      followsContacts:
        SAMPLE_INTEGRATION.convertedLeadHandling === 'follow-to-contact' &&
        org.data.query('SELECT Id FROM Lead WHERE IsConverted = true').length > 0
    });
  } finally {
    await emulator.stop();
    await insights.stop();
  }
}

/** `npm run build`: the memory run measures the compiled engine, as it runs outside development. */
async function build(): Promise<void> {
  const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
  const config = fileURLToPath(new URL('../../tsconfig.build.json', import.meta.url));
  const child = spawn(process.execPath, [tsc, '-b', config], { stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`npm run build exited with ${code}`);
}

/** The Node options `npm run engine` runs the engine with (its heap policy, docs/operations.md). */
async function engineNodeOptions(): Promise<string[]> {
  const manifest = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
    scripts: Record<string, string>;
  };
  return manifest.scripts.engine.split(/\s+/).filter((word) => word.startsWith('--'));
}

/**
 * The memory runs, each in a child process: a 1,000,000-row report whose first 100,000 rows are the daily
 * scenario's (the rest match nothing), and a first sync of 1,000,000 rows that all change (every record waits
 * for its write).
 */
const MEMORY_RUNS = [
  { label: 'report', scenario: SCENARIOS[0], target: MEMORY_TARGET_MB },
  {
    label: 'all changed',
    scenario: { name: 'first sync', rows: MEMORY_ROWS, leads: MEMORY_ROWS, changedShare: 1 },
    target: undefined
  }
] as const;

interface MemoryFigures {
  peakRssMb: number;
  seconds: number;
  apiCalls: number;
  status: string;
  counts: RunResult['counts'];
}

async function memoryRun(scenario: Scenario): Promise<MemoryFigures> {
  const emulator = await startOrgEmulator({ seed: false });
  const dir = await reportFolder(scenario, MEMORY_ROWS);
  try {
    const org = emulator.orgs.production;
    for (const batch of benchLeads({
      reportRows: scenario.rows,
      leads: scenario.leads,
      changedShare: scenario.changedShare
    }))
      org.data.load('Lead', batch);
    const script = fileURLToPath(new URL('./memory-run.ts', import.meta.url));
    await build();
    const child = spawn(process.execPath, [...(await engineNodeOptions()), script], {
      env: {
        ...process.env,
        BENCH_MEMORY_RUN: JSON.stringify({
          loginUrl: org.loginUrl,
          clientId: org.clientId,
          clientSecret: org.clientSecret,
          username: org.username,
          password: org.password,
          reportDir: dir,
          integration: benchIntegration
        })
      },
      stdio: ['ignore', 'pipe', 'inherit']
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`The memory run exited with ${code}: ${output}`);
    return JSON.parse(output.trim().split('\n').pop()!) as MemoryFigures;
  } finally {
    await emulator.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const line = (label: string, calls: number | string, extra = '') =>
  `  ${label.padEnd(40)} ${String(calls).padStart(7)}  ${extra}`;

function table(s: ScenarioFigures): string {
  const target = Math.floor(1.25 * s.floor.total + 2);
  const plan = s.engine.result.strategy;
  const kinds = Object.entries(s.engine.result.callsByKind ?? {})
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  return [
    `${s.name}: ${s.rows} rows, ${s.objectRecords} Leads, ${s.changed} changed (+${LATENCY_MS} ms per call)`,
    line('', 'calls', ''),
    line(
      s.engine.label,
      s.engine.result.apiCalls,
      `plan: match ${plan.match}, write ${plan.write}; ${kinds}; ${s.engine.seconds.toFixed(1)} s, ${Math.round(s.rows / s.engine.seconds)} rows/s`
    ),
    ...s.ways.map((way) => line(way.label, way.result.apiCalls, `${way.seconds.toFixed(1)} s`)),
    line('floor', s.floor.total, s.floor.explain),
    line('target: 1.25 × floor + 2', target, s.engine.result.apiCalls <= target ? 'met' : 'NOT met'),
    ''
  ].join('\n');
}

/** `npm run bench -- --only <part>`: one part of the bench (a scenario's name, demo, memory or run-now). */
function chosenParts(): (part: string) => boolean {
  const { values } = parseArgs({ options: { only: { type: 'string', multiple: true } }, strict: true });
  const known = [...SCENARIOS.map((s) => s.name), 'demo', 'memory', 'run-now'];
  for (const part of values.only ?? [])
    if (!known.includes(part))
      throw new Error(`--only ${part}: not a part of the bench (${known.join(', ')})`);
  return (part) => !values.only || values.only.includes(part);
}

async function main(): Promise<void> {
  const wanted = chosenParts();
  const dirs: string[] = [];
  try {
    const figures: ScenarioFigures[] = [];
    for (const scenario of SCENARIOS.filter((s) => wanted(s.name))) {
      const measured = await benchScenario(scenario, (dir) => dirs.push(dir));
      process.stdout.write(`${table(measured)}\n`);
      figures.push(measured);
    }
    if (wanted('demo')) {
      const demo = await benchDemo();
      process.stdout.write(`${table(demo)}\n`);
      figures.push(demo);
    }
    const memory: Record<string, MemoryFigures> = {};
    for (const run of wanted('memory') ? MEMORY_RUNS : []) {
      const figures = await memoryRun(run.scenario);
      memory[run.label] = figures;
      const target = run.target ? ` (target ≤ ${run.target})` : '';
      process.stdout.write(
        `Memory, ${MEMORY_ROWS} rows, ${run.label} (${figures.counts.updated} updated; compiled engine, npm run engine's Node options): peak RSS ${figures.peakRssMb} MB${target}, ${figures.seconds.toFixed(1)} s, ${Math.round(MEMORY_ROWS / figures.seconds)} rows/s, ${figures.apiCalls} calls, ${figures.status}\n`
      );
    }
    const runNow = wanted('run-now') ? await runNowLatency(RUN_NOW_PRESSES) : undefined;
    if (runNow)
      process.stdout.write(
        `Run Now: ${runNow.presses} presses, from the event to the run record Running: p50 ${runNow.p50Ms} ms, p95 ${runNow.p95Ms} ms (target ≤ ${RUN_NOW_TARGET_MS}), max ${runNow.maxMs} ms\n`
      );
    process.stdout.write(
      `${JSON.stringify({
        scenarios: figures.map((s) => ({
          name: s.name,
          rows: s.rows,
          engineCalls: s.engine.result.apiCalls,
          plan: s.engine.result.strategy,
          floor: s.floor.total,
          target: Math.floor(1.25 * s.floor.total + 2),
          rowsPerSecond: Math.round(s.rows / s.engine.seconds),
          ways: Object.fromEntries(s.ways.map((way) => [way.label, way.result.apiCalls]))
        })),
        ...(memory.report
          ? {
              peakRssMb: memory.report.peakRssMb,
              memoryTargetMb: MEMORY_TARGET_MB,
              allChangedPeakRssMb: memory['all changed']?.peakRssMb
            }
          : {}),
        ...(runNow ? { runNow: { ...runNow, targetP95Ms: RUN_NOW_TARGET_MS } } : {})
      })}\n`
    );
  } finally {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  }
}

await main();
