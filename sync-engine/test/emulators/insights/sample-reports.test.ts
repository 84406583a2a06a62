import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import {
  reportCsv,
  sampleNow,
  sampleReports,
  writeSampleReports,
  SAMPLE_REPORT_IDS,
  type EmulatedReport
} from '../../../emulators/insights/sample-reports.js';
import { samplePopulation } from '../../../emulators/sample-population.js';
import { inferReportColumns } from '../../../src/sources/column-types.js';
import { csvRowStream } from '../../../src/sources/csv-row-stream.js';
import { csvFolderSource } from '../../../src/sources/csv-source.js';
import { integrationReports } from '../../../src/sources/report-source.js';

async function csvText(report: EmulatedReport): Promise<string> {
  let text = '';
  for await (const chunk of reportCsv(report)) text += chunk;
  return text;
}

const byId = (reports: EmulatedReport[], id: string) => reports.find((report) => report.info.id === id)!;
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('sample reports', () => {
  const reports = sampleReports();
  const logins = [...byId(reports, SAMPLE_REPORT_IDS.loginsReview).rows()];
  const nps = [...byId(reports, SAMPLE_REPORT_IDS.nps).rows()];

  test('same options give the same bytes; another seed gives other data', async () => {
    for (const [index, report] of reports.entries()) {
      assert.equal(sha(await csvText(report)), sha(await csvText(sampleReports()[index])));
    }
    assert.notEqual(sha(await csvText(sampleReports({ seed: 7 })[0])), sha(await csvText(reports[0])));
  });

  test('four reports tagged integrations_salesforce and one not', () => {
    assert.deepEqual(
      reports.map((report) => [report.info.name, report.info.tags.includes('integrations_salesforce')]),
      [
        ['Logins Review', true],
        ['NPS', true],
        ['Onboarding Completion', true],
        ['TeachMe Courses', true],
        ['Feature Adoption (internal)', false]
      ]
    );
  });

  test('rows come from the shared population: user ids and emails match it', () => {
    const population = samplePopulation(500);
    assert.equal(logins.length, 502);
    const emails = new Map(population.map((user) => [user.userId, user.email]));
    const clean = logins.filter(
      (row) => row[1] !== '' && row[1] === row[1].trim() && row[1] === row[1].toLowerCase()
    );
    assert.ok(clean.length >= 490);
    assert.ok(clean.every((row) => emails.get(row[0]) === row[1]));
    assert.ok(nps.length > 250 && nps.length < 400, `NPS has ${nps.length} rows`);
  });

  test('the documented hard cases, and only those', () => {
    const column = (name: string) =>
      byId(reports, SAMPLE_REPORT_IDS.loginsReview).info.columns.findIndex((c) => c.name === name);
    assert.equal(logins.filter((row) => row[1] === '').length, 3);
    assert.equal(logins.filter((row) => row[1] !== row[1].trim()).length, 2);
    assert.equal(logins.filter((row) => row[column('Logins Last 30 Days')] === 'n/a').length, 3);
    assert.equal(logins.filter((row) => row[column('First Login')].startsWith('2026-02-30')).length, 2);
    const seen = new Map<string, number>();
    for (const row of logins)
      if (row[1]) seen.set(row[1].trim().toLowerCase(), (seen.get(row[1].trim().toLowerCase()) ?? 0) + 1);
    assert.equal([...seen.values()].filter((count) => count > 1).length, 2);
    const multiline = nps.filter((row) => row[5].includes('\n'));
    assert.equal(multiline.length, 3);
    assert.match(multiline[0][5], /,.*"Getting started"/s);
    assert.ok(nps.every((row) => ['Promoter', 'Passive', 'Detractor'].includes(row[3])));
    assert.ok(nps.every((row) => row[2] === 'n/a' || (Number(row[2]) >= 0 && Number(row[2]) <= 10)));
  });

  test('date-times are ISO 8601 UTC, before the fixed "now"', () => {
    assert.equal(sampleNow().toISOString(), '2026-11-20T09:00:00.000Z');
    const lastLogins = logins.map((row) => row[3]);
    assert.ok(lastLogins.every((value) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(value)));
    assert.ok(lastLogins.every((value) => Date.parse(value) <= sampleNow().getTime()));
  });

  test('the next day changes about 10 % of rows and leaves the others byte-identical', () => {
    for (const report of sampleReports({ day: 1 })) {
      const before = [...byId(reports, report.info.id).rows()].map((row) => row.join('\u0001'));
      const afterRows = [...report.rows()].map((row) => row.join('\u0001'));
      assert.equal(afterRows.length, before.length);
      const changed = afterRows.filter((row, index) => row !== before[index]).length;
      assert.ok(
        changed / before.length > 0.05 && changed / before.length < 0.15,
        `${report.info.name}: ${changed}`
      );
    }
    const dayTwo = [...byId(sampleReports({ day: 2 }), SAMPLE_REPORT_IDS.loginsReview).rows()];
    assert.ok(dayTwo.some((row) => row[3] > sampleNow(1).toISOString()));
  });

  test('declared column types are the types the sources infer from the data', async () => {
    for (const report of sampleReports({ users: 2000 })) {
      const stream = await csvRowStream(reportCsv(report), report.info.name);
      assert.deepEqual(await inferReportColumns(stream), report.info.columns, report.info.name);
    }
  });

  test('a 1,000,000-user report is generated lazily', () => {
    const iterator = byId(sampleReports({ users: 1_000_000 }), SAMPLE_REPORT_IDS.loginsReview)
      .rows()
      [Symbol.iterator]();
    const started = Date.now();
    const first = [iterator.next().value, iterator.next().value];
    assert.equal(first[1]?.[0], 'wm-000002');
    assert.ok(Date.now() - started < 500);
  });
});

describe('writeSampleReports', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'samples-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('writes a CSV folder the CSV source reads back as the emulator serves it', async () => {
    const written = await writeSampleReports(dir, { users: 120 });
    assert.equal(written.length, 6);
    const source = csvFolderSource(dir);
    const listed = await source.listReports();
    const expected = sampleReports({ users: 120 });
    assert.deepEqual(
      integrationReports(listed).map((report) => report.id),
      expected.slice(0, 4).map((report) => report.info.id)
    );
    for (const report of expected) {
      assert.deepEqual(listed.find((info) => info.id === report.info.id)?.columns, report.info.columns);
      const file = await readFile(join(dir, `${report.info.id.replace(/^rpt-/, '')}.csv`), 'utf8');
      assert.equal(file, await csvText(report));
      const rows = [];
      for await (const row of await source.readRows(report.info.id)) rows.push(row);
      const parsed = parse(file) as string[][];
      assert.equal(rows.length, parsed.length - 1);
    }
  });
});
