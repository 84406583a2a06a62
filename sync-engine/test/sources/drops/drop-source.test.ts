/**
 * The drop source on each platform's real protocol (s3rver for S3 and GCS's XML API, Azurite for Azure Blob),
 * configured as an operator configures it: `loadConfig` of the environment, then the engine's `sourceFor`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { loadConfig } from '../../../src/config.js';
import { sourceFor } from '../../../src/engine/start-engine.js';
import {
  integrationReports,
  ReportFormatError,
  ReportNotFoundError,
  ReportStaleError,
  ReportUnreachableError,
  type ReportRow,
  type ReportSource
} from '../../../src/sources/report-source.js';
import { startDropServers, type DropServers } from './drop-platforms.js';

const HOUR = 3_600_000;

const csv = (...lines: string[]) => lines.join('\n') + '\n';

async function rowsOf(source: ReportSource, id: string): Promise<ReportRow[]> {
  const rows: ReportRow[] = [];
  for await (const row of await source.readRows(id)) rows.push(row);
  return rows;
}

/** The source the engine builds for `env`, judging staleness at `later` ms from now. */
function engineSource(env: NodeJS.ProcessEnv, later = 0): ReportSource {
  return sourceFor(loadConfig(env), () => new Date(Date.now() + later));
}

describe('scheduled export drops on S3, GCS and Azure Blob', () => {
  let servers: DropServers;
  before(async () => {
    servers = await startDropServers();
  });
  after(async () => servers?.stop());

  const platforms = ['s3', 'gcs', 'azure'] as const;

  for (const name of platforms) {
    const platform = () => servers.platforms.find((candidate) => candidate.name === name)!;

    describe(name, () => {
      test('without a manifest, each folder is a report: the newest export wins, named with its time', async () => {
        const drop = platform().drop('found');
        await drop.put('logins-review/export-b7.csv', csv('Email,Logins', 'old@x.test,1'));
        await drop.put('nps/2026-12-01.csv', csv('Email,NPS Score', 'n@x.test,9'));
        await drop.put('notes.txt', 'not a report');
        // Services keep whole seconds: the later export is written a second later. Export names carry no
        // date here and the later one's sorts first, so the pick is by time, not by name.
        await new Promise((resolve) => setTimeout(resolve, 1100));
        await drop.put(
          'logins-review/export-a3.csv',
          csv('Email,Logins,Last Login', 'a@x.test,4,2026-12-01T06:00:00Z')
        );
        const source = engineSource(drop.env);

        const reports = await source.listReports();
        assert.deepEqual(
          reports.map((report) => report.id),
          ['logins-review', 'nps']
        );
        const logins = reports[0];
        assert.deepEqual(logins.tags, ['integrations_salesforce']);
        assert.deepEqual(logins.columns, [
          { name: 'Email', type: 'email' },
          { name: 'Logins', type: 'number' },
          { name: 'Last Login', type: 'datetime' }
        ]);
        assert.equal(logins.origin?.location, `${drop.base}logins-review/export-a3.csv`);
        assert.ok(
          Math.abs(logins.origin!.modifiedAt.getTime() - Date.now()) < 60_000,
          "the export time is the service's"
        );

        const rows = await rowsOf(source, 'logins-review');
        assert.deepEqual(
          rows.map((row) => row.values),
          [{ Email: 'a@x.test', Logins: '4', 'Last Login': '2026-12-01T06:00:00Z' }]
        );
        await assert.rejects(source.getReport('teachme'), ReportNotFoundError);
      });

      test('reports.json names reports by pattern or by one key, with tags and its own schedule', async () => {
        const drop = platform().drop('manifest');
        await drop.put(
          'reports.json',
          JSON.stringify([
            {
              id: 'logins',
              name: 'Logins Review',
              tags: ['integrations_salesforce'],
              files: 'logins-review/**.csv'
            },
            {
              id: 'nps',
              name: 'NPS',
              tags: ['integrations_salesforce'],
              file: 'nps/latest.csv',
              maxAgeHours: 200
            },
            { id: 'internal', name: 'Internal', tags: ['marketing'], files: 'internal/*.csv' },
            {
              id: 'teachme',
              name: 'TeachMe',
              tags: ['integrations_salesforce'],
              files: 'teachme/*.csv',
              columns: [{ name: 'Email', type: 'email' }]
            }
          ])
        );
        await drop.put('logins-review/2026/12/01.csv', csv('Email,Logins', 'l@x.test,3'));
        await drop.put('nps/latest.csv', csv('Email,NPS Score', 'n@x.test,10'));
        await drop.put('nps/2026-11-01.csv', csv('Email,Other', 'ignored@x.test,1'));
        await drop.put('internal/2026-12-01.csv', csv('Email', 'i@x.test'));
        const source = engineSource(drop.env);

        const reports = await source.listReports();
        assert.deepEqual(
          integrationReports(reports).map((report) => [
            report.id,
            report.name,
            report.columns.map((c) => c.name)
          ]),
          [
            ['logins', 'Logins Review', ['Email', 'Logins']],
            ['nps', 'NPS', ['Email', 'NPS Score']],
            ['teachme', 'TeachMe', ['Email']]
          ]
        );
        assert.equal(
          reports.find((report) => report.id === 'nps')?.origin?.location,
          `${drop.base}nps/latest.csv`
        );
        assert.equal(reports.find((report) => report.id === 'teachme')?.origin, undefined, 'no export yet');
        assert.deepEqual(
          (await rowsOf(source, 'nps')).map((row) => row.values.Email),
          ['n@x.test']
        );

        // A report configured before its first export: listed, but a run cannot read it.
        await assert.rejects(source.readRows('teachme'), (error: unknown) => {
          assert.ok(error instanceof ReportUnreachableError);
          assert.equal(
            error.message,
            `Report "TeachMe": no export at ${drop.base}teachme/*.csv yet: has WalkMe's scheduled export run?`
          );
          return true;
        });

        // 40 hours on: the daily reports are stale, NPS (expected within 200 hours) is not.
        const later = engineSource(drop.env, 40 * HOUR);
        await assert.rejects(later.readRows('logins'), ReportStaleError);
        assert.equal((await rowsOf(later, 'nps')).length, 1);
      });

      test('a stale drop: listed in the catalog, refused to a run with the time of its newest export', async () => {
        const drop = platform().drop('stale');
        await drop.put('logins-review/2026-12-01.csv', csv('Email,Logins', 's@x.test,2'));
        const fresh = engineSource(drop.env);
        const [report] = await fresh.listReports();
        const stale = engineSource(drop.env, 37 * HOUR);

        assert.equal((await stale.listReports()).length, 1, 'the catalog keeps the report');
        for (const read of [() => stale.getReport('logins-review'), () => stale.readRows('logins-review')]) {
          await assert.rejects(read(), (error: unknown) => {
            assert.ok(error instanceof ReportStaleError);
            assert.equal(
              error.message,
              `the newest export is from ${report.origin!.modifiedAt.toISOString().replace('.000Z', 'Z')}: is WalkMe's scheduled export still running?`
            );
            assert.equal(error.location, `${drop.base}logins-review/2026-12-01.csv`);
            return true;
          });
        }
        // REPORTS_MAX_AGE_HOURS moves the default.
        const weekly = sourceFor(
          loadConfig({ ...drop.env, REPORTS_MAX_AGE_HOURS: '192' }),
          () => new Date(Date.now() + 37 * HOUR)
        );
        assert.equal((await rowsOf(weekly, 'logins-review')).length, 1);
      });

      test('an export that is not CSV text fails the read, before any row', async () => {
        const drop = platform().drop('binary');
        await drop.put('logins-review/2026-12-01.csv', gzipSync(Buffer.from(csv('Email', 'a@x.test'))));
        await assert.rejects(engineSource(drop.env).readRows('logins-review'), (error: unknown) => {
          assert.ok(error instanceof ReportFormatError);
          assert.match(
            error.message,
            /logins-review\/2026-12-01\.csv\): this is not a CSV text file \(it looks like a gzip archive\)/
          );
          return true;
        });
      });

      test('a bad manifest is named, entry and field', async () => {
        const drop = platform().drop('bad-manifest');
        await drop.put(
          'reports.json',
          JSON.stringify([{ id: 'a', name: 'A', url: 'https://example.test/a.csv' }])
        );
        await assert.rejects(
          engineSource(drop.env).listReports(),
          new RegExp(
            `^ReportSourceError: ${drop.base.replace(/[/.]/g, '\\$&')}reports\\.json: entry 1 has "url": a drop's reports are objects under its prefix`
          )
        );
        await drop.put(
          'reports.json',
          JSON.stringify([{ id: 'a', name: 'A', file: 'a.csv', files: '*.csv' }])
        );
        await assert.rejects(
          engineSource(drop.env).listReports(),
          /entry 1 needs either "file" \(one object\) or "files"/
        );
        await drop.put(
          'reports.json',
          JSON.stringify([{ id: 'a', name: 'A', files: '*.csv', maxAgeHours: 0 }])
        );
        await assert.rejects(
          engineSource(drop.env).listReports(),
          /entry 1 needs "maxAgeHours" to be a number above 0/
        );
      });
    });
  }
});
