/**
 * The deterministic sample reports, drawn from `generatePopulation` (the same users the org emulator seeds
 * as Leads and Contacts, so most emails match). Rows are generated one at a time: a 1,000,000-user report
 * streams without being held in memory. Same options → same bytes.
 *
 * Days: `day: 0` is the first export, "now" = 2026-11-20T09:00:00Z; `day: n` is the export n days later,
 * where each row has a 10 % chance per day of having changed (new activity) and is otherwise identical.
 *
 * Hard cases, by 0-based user index `i`, the same every day (with 500 users, the counts in brackets):
 * - blank email: `i % 167 === 41` [3 rows per report];
 * - `n/a` in the report's first number column: `i % 211 === 7` [3];
 * - an impossible date (`2026-02-30…`) in its first date/date-time column: `i % 223 === 100` [2];
 * - the row repeated right after itself with the email upper-cased: `i % 251 === 17` [2 extra rows];
 * - the email padded with spaces: `i % 307 === 150` [2];
 * - NPS only: a comment with a comma, double quotes and a newline: `i % 167 === 5` [3].
 * The population adds its own: emails in another case in Salesforce, users with no record, duplicates
 * and converted Leads in Salesforce.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { INTEGRATION_TAG, type ReportInfo } from '../../src/sources/report-source.js';
import { MANIFEST_FILE } from '../../src/sources/csv-source.js';
import { generatePopulation, POPULATION_SEED, seededRandom } from '../sample-population.js';

export interface SampleReportOptions {
  /** Users in the population (default 500). */
  users?: number;
  /** Population and value seed (default the population's, 20261121). */
  seed?: number;
  /** Days after the first export (default 0). */
  day?: number;
}

/** A report the Insights emulator serves: its description and a fresh iterator over its data rows. */
export interface EmulatedReport {
  info: Omit<ReportInfo, 'rowCount'>;
  rows(): Iterable<string[]>;
}

export const SAMPLE_REPORT_IDS = {
  loginsReview: 'rpt-logins-review',
  nps: 'rpt-nps',
  onboardingCompletion: 'rpt-onboarding-completion',
  teachMeCourses: 'rpt-teachme-courses',
  featureAdoption: 'rpt-feature-adoption'
} as const;

const FIRST_NOW = Date.UTC(2026, 10, 20, 9, 0, 0);
const DAY_MS = 86_400_000;
const DAILY_CHANGE_SHARE = 0.1;

/** The fixed "now" of the export `day` days after the first. */
export function sampleNow(day = 0): Date {
  return new Date(FIRST_NOW + day * DAY_MS);
}

/** A well-mixed 32-bit seed from several integers (FNV-1a steps with an avalanche shift). */
function mixSeed(...parts: number[]): number {
  let hash = 0x811c9dc5;
  for (const part of parts) {
    hash = Math.imul(hash ^ (part >>> 0), 0x01000193);
    hash ^= hash >>> 15;
  }
  return hash >>> 0;
}

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const upTo = (random: () => number, max: number) => Math.floor(random() * (max + 1));

/** What a generator knows about one user on one export day. */
interface RowContext {
  index: number;
  /** Values fixed for the user whatever the day. */
  stable: () => number;
  /** Values of the user's latest change, and the time it happened. */
  fresh: () => number;
  changedAt: number;
  /** True on the first export's values (no change since). */
  original: boolean;
}

interface ReportDefinition {
  id: string;
  name: string;
  tags: string[];
  columns: ReportInfo['columns'];
  /** Whether a user appears in this report (e.g. answered the survey); hard-case users always do. */
  includes?: (stable: () => number) => boolean;
  /** Cells after User ID and Email (`USER_COLUMNS`). */
  cells: (context: RowContext) => string[];
}

const COMMENTS = [
  'Very helpful walkthroughs.',
  'Good, but the tooltips cover the Save button.',
  'Took a while to find reports, then fine.',
  'Would like shorter tours.',
  'Support was quick, thanks!',
  'Search could be smarter; otherwise great.'
];
const HARD_COMMENT = 'Love it, but the "Getting started" flow\nskipped a step, twice';

/** Every report's first two columns: the user, as WalkMe knows them. */
const USER_COLUMNS: ReportInfo['columns'] = [
  { name: 'User ID', type: 'string' },
  { name: 'Email', type: 'email' }
];

/** When the user last acted: within `firstWindowDays` before the first export, or within 12 h of a change. */
const lastActivity = ({ fresh, changedAt, original }: RowContext, firstWindowDays: number) =>
  original
    ? FIRST_NOW - upTo(fresh, firstWindowDays * 24 * 60) * 60_000
    : changedAt - upTo(fresh, 12 * 60) * 60_000;

const DEFINITIONS: ReportDefinition[] = [
  {
    id: SAMPLE_REPORT_IDS.loginsReview,
    name: 'Logins Review',
    tags: [INTEGRATION_TAG, 'logins'],
    columns: [
      ...USER_COLUMNS,
      { name: 'First Login', type: 'datetime' },
      { name: 'Last Login', type: 'datetime' },
      { name: 'Logins Last 30 Days', type: 'number' }
    ],
    cells: (context) => {
      const { stable, fresh } = context;
      const firstLogin = FIRST_NOW - (30 + upTo(stable, 670)) * DAY_MS - upTo(stable, 86_399) * 1000;
      const lastLogin = lastActivity(context, 20);
      return [isoSeconds(firstLogin), isoSeconds(lastLogin), String(1 + upTo(fresh, 59))];
    }
  },
  {
    id: SAMPLE_REPORT_IDS.nps,
    name: 'NPS',
    tags: [INTEGRATION_TAG, 'surveys'],
    columns: [
      ...USER_COLUMNS,
      { name: 'NPS Score', type: 'number' },
      { name: 'NPS Category', type: 'string' },
      { name: 'Last Answered', type: 'datetime' },
      { name: 'Comment', type: 'string' }
    ],
    includes: (stable) => stable() < 0.6,
    cells: (context) => {
      const { index, fresh } = context;
      const score = Math.min(10, Math.floor(Math.sqrt(fresh()) * 11));
      const category = score >= 9 ? 'Promoter' : score >= 7 ? 'Passive' : 'Detractor';
      const answered = lastActivity(context, 90);
      const comment = index % 167 === 5 ? HARD_COMMENT : fresh() < 0.4 ? COMMENTS[upTo(fresh, 5)] : '';
      return [String(score), category, isoSeconds(answered), comment];
    }
  },
  {
    id: SAMPLE_REPORT_IDS.onboardingCompletion,
    name: 'Onboarding Completion',
    tags: [INTEGRATION_TAG, 'onboarding'],
    columns: [
      ...USER_COLUMNS,
      { name: 'Onboarding Completion %', type: 'percent' },
      { name: 'Tasks Completed', type: 'number' },
      { name: 'Tasks Total', type: 'number' }
    ],
    cells: ({ stable, fresh }) => {
      const total = 8 + upTo(stable, 4);
      const completed = upTo(fresh, total);
      return [(Math.round((completed / total) * 10_000) / 100).toString(), String(completed), String(total)];
    }
  },
  {
    id: SAMPLE_REPORT_IDS.teachMeCourses,
    name: 'TeachMe Courses',
    tags: [INTEGRATION_TAG, 'teachme'],
    columns: [
      ...USER_COLUMNS,
      { name: 'Courses Completed', type: 'number' },
      { name: 'Last Completion', type: 'date' },
      { name: 'Progress %', type: 'percent' }
    ],
    cells: ({ fresh, changedAt, original }) => {
      const courses = upTo(fresh, 15);
      const last = original ? FIRST_NOW - (1 + upTo(fresh, 120)) * DAY_MS : changedAt;
      return [String(courses), courses === 0 ? '' : isoDate(last), `${upTo(fresh, 100)}%`];
    }
  },
  {
    // Not tagged for integrations: proves that only tagged reports are offered.
    id: SAMPLE_REPORT_IDS.featureAdoption,
    name: 'Feature Adoption (internal)',
    tags: ['product-analytics'],
    columns: [...USER_COLUMNS, { name: 'Features Adopted', type: 'number' }],
    cells: ({ fresh }) => [String(upTo(fresh, 40))]
  }
];

const isHardCase = (i: number) =>
  i % 167 === 41 || i % 211 === 7 || i % 223 === 100 || i % 251 === 17 || i % 307 === 150 || i % 167 === 5;

/** Applies the documented hard cases to one generated row (in place). */
function withHardCases(definition: ReportDefinition, index: number, row: string[]): string[] {
  if (index % 211 === 7) {
    const column = definition.columns.findIndex((column) => column.type === 'number');
    if (column >= 0) row[column] = 'n/a';
  }
  if (index % 223 === 100) {
    const column = definition.columns.findIndex(
      (column) => column.type === 'date' || column.type === 'datetime'
    );
    if (column >= 0)
      row[column] = definition.columns[column].type === 'date' ? '2026-02-30' : '2026-02-30T10:00:00Z';
  }
  if (index % 167 === 41) row[1] = '';
  else if (index % 307 === 150) row[1] = `  ${row[1]}  `;
  return row;
}

function* reportRows(
  definition: ReportDefinition,
  options: Required<SampleReportOptions>
): Generator<string[]> {
  const salt = mixSeed(...[...definition.id].map((char) => char.charCodeAt(0)));
  let index = 0;
  for (const user of generatePopulation(options.users, options.seed)) {
    const i = index;
    index += 1;
    const stable = seededRandom(mixSeed(options.seed, salt, i, 0x5eed));
    if (definition.includes && !definition.includes(stable) && !isHardCase(i)) continue;
    // The last day (1..day) on which this row changed; 0 when it still has the first export's values.
    let version = 0;
    for (let day = 1; day <= options.day; day += 1) {
      if (seededRandom(mixSeed(options.seed, salt, i, day, 0xc4a9))() < DAILY_CHANGE_SHARE) version = day;
    }
    const context: RowContext = {
      index: i,
      stable,
      fresh: seededRandom(mixSeed(options.seed, salt, i, version)),
      changedAt: FIRST_NOW + version * DAY_MS,
      original: version === 0
    };
    const row = withHardCases(definition, i, [user.userId, user.email, ...definition.cells(context)]);
    yield row;
    if (i % 251 === 17) yield [row[0], row[1].toUpperCase(), ...row.slice(2)];
  }
}

/** The five sample reports (four tagged `integrations_salesforce`, one not) for `options`. */
export function sampleReports(options: SampleReportOptions = {}): EmulatedReport[] {
  const resolved = { users: 500, seed: POPULATION_SEED, day: 0, ...options };
  return DEFINITIONS.map((definition) => ({
    info: {
      id: definition.id,
      name: definition.name,
      tags: definition.tags,
      walkMeEnvironment: 'Production',
      columns: definition.columns
    },
    rows: () => reportRows(definition, resolved)
  }));
}

/** A report as CSV bytes (header row, then data rows; RFC 4180 quoting, LF line ends), streamed. */
export function reportCsv(report: EmulatedReport): Readable {
  const header = report.info.columns.map((column) => column.name);
  function* records(): Generator<string[]> {
    yield header;
    yield* report.rows();
  }
  return Readable.from(records()).pipe(stringify());
}

const fileName = (reportId: string) => `${reportId.replace(/^rpt-/, '')}.csv`;

/**
 * Writes the sample reports as a CSV folder for the CSV source: one file per report and `reports.json`
 * (columns left out, so the source infers them). Returns the paths written.
 */
export async function writeSampleReports(dir: string, options: SampleReportOptions = {}): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const reports = sampleReports(options);
  const written: string[] = [];
  for (const report of reports) {
    const path = join(dir, fileName(report.info.id));
    await pipeline(reportCsv(report), createWriteStream(path));
    written.push(path);
  }
  const manifest = reports.map(({ info }) => ({
    id: info.id,
    name: info.name,
    tags: info.tags,
    walkMeEnvironment: info.walkMeEnvironment,
    file: fileName(info.id)
  }));
  const manifestPath = join(dir, MANIFEST_FILE);
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return [...written, manifestPath];
}
