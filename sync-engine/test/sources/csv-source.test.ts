import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csvFolderSource, csvManifestUrlSource, csvUrlSource } from '../../src/sources/csv-source.js';
import { integrationReports, type ReportRow, type ReportRowStream } from '../../src/sources/report-source.js';

async function collect(stream: ReportRowStream): Promise<ReportRow[]> {
  const rows: ReportRow[] = [];
  for await (const row of stream) rows.push(row);
  return rows;
}

const LOGINS =
  'User ID,Email,Last Login,Logins\nwm-1,a@x.example,2026-11-20T08:15:00Z,12\nwm-2,b@x.example,2026-11-19T10:00:00Z,3\n';

describe('csvFolderSource', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'csv-source-'));
    await writeFile(join(dir, 'logins.csv'), LOGINS);
    await writeFile(join(dir, 'internal.csv'), 'Email,Flag\na@x.example,yes\n');
    await writeFile(
      join(dir, 'reports.json'),
      JSON.stringify([
        {
          id: 'r1',
          name: 'Logins',
          tags: ['integrations_salesforce'],
          walkMeEnvironment: 'Production',
          file: 'logins.csv'
        },
        {
          id: 'r2',
          name: 'Internal',
          tags: ['internal'],
          file: 'internal.csv',
          columns: [
            { name: 'Email', type: 'string' },
            { name: 'Flag', type: 'string' }
          ]
        },
        { id: 'r3', name: 'Gone', tags: ['integrations_salesforce'], file: 'missing.csv' }
      ])
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('describes a report with inferred columns; manifest columns win; environment defaults', async () => {
    const source = csvFolderSource(dir);
    assert.deepEqual(await source.getReport('r1'), {
      id: 'r1',
      name: 'Logins',
      tags: ['integrations_salesforce'],
      walkMeEnvironment: 'Production',
      columns: [
        { name: 'User ID', type: 'string' },
        { name: 'Email', type: 'email' },
        { name: 'Last Login', type: 'datetime' },
        { name: 'Logins', type: 'number' }
      ]
    });
    const internal = await source.getReport('r2');
    assert.equal(internal.walkMeEnvironment, 'Production');
    assert.deepEqual(internal.columns[1], { name: 'Flag', type: 'string' });
  });

  test('streams the rows of a report', async () => {
    const stream = await csvFolderSource(dir).readRows('r1');
    assert.deepEqual(stream.header, ['User ID', 'Email', 'Last Login', 'Logins']);
    const rows = await collect(stream);
    assert.deepEqual(
      rows.map((row) => row.values.Email),
      ['a@x.example', 'b@x.example']
    );
  });

  test('an unknown id and a missing file are named', async () => {
    const source = csvFolderSource(dir);
    await assert.rejects(source.getReport('nope'), {
      name: 'ReportNotFoundError',
      message: 'Report "nope" not found'
    });
    await assert.rejects(source.readRows('r3'), (error: Error) => {
      assert.equal(error.name, 'ReportUnreachableError');
      assert.match(error.message, /^Report "Gone": cannot open .*missing\.csv \(ENOENT\)$/);
      return true;
    });
    await assert.rejects(source.listReports(), { name: 'ReportUnreachableError' });
  });

  test('only reports tagged integrations_salesforce are offered', async () => {
    const source = csvFolderSource(dir);
    const offered = integrationReports([await source.getReport('r1'), await source.getReport('r2')]);
    assert.deepEqual(
      offered.map((report) => report.id),
      ['r1']
    );
  });

  test('a bad manifest says what is wrong and where', async () => {
    const bad = await mkdtemp(join(tmpdir(), 'csv-manifest-'));
    try {
      await assert.rejects(
        csvFolderSource(bad).listReports(),
        /Cannot read the report manifest .*reports\.json \(ENOENT\)/
      );
      await writeFile(join(bad, 'reports.json'), '{"id":1}');
      await assert.rejects(csvFolderSource(bad).listReports(), /reports\.json must hold a JSON array/);
      await writeFile(join(bad, 'reports.json'), '[{"id":"a","name":"A"}]');
      await assert.rejects(
        csvFolderSource(bad).listReports(),
        /reports\.json: entry 1 needs a non-empty string "file"/
      );
      await writeFile(
        join(bad, 'reports.json'),
        '[{"id":"a","name":"A","file":"a.csv"},{"id":"a","name":"B","file":"b.csv"}]'
      );
      await assert.rejects(csvFolderSource(bad).listReports(), /report id "a" appears twice/);
      await writeFile(
        join(bad, 'reports.json'),
        '[{"id":"a","name":"A","file":"a.csv","columns":[{"name":"X","type":"money"}]}]'
      );
      await assert.rejects(csvFolderSource(bad).listReports(), /entry 1: "columns" must be/);
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  });
});

describe('csvUrlSource over HTTP', () => {
  let server: Server;
  let base: string;
  let failuresLeft = 0;
  const hits: string[] = [];
  before(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/flaky.csv' && failuresLeft > 0) {
        failuresLeft -= 1;
        res.writeHead(503).end();
        return;
      }
      if (req.url === '/exports/logins-2026-11-20.csv' || req.url === '/flaky.csv') {
        res.writeHead(200, { 'content-type': 'text/csv' });
        // Sent in small pieces, cut mid-row, as a slow download would arrive.
        const bytes = Buffer.from(`\uFEFF${LOGINS.replace(/\n/g, '\r\n')}`);
        for (let i = 0; i < bytes.length; i += 7) res.write(bytes.subarray(i, i + 7));
        res.end();
        return;
      }
      res.writeHead(404, 'Not Found').end('no such export');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('names the report after the file and streams its rows', async () => {
    const source = csvUrlSource({ url: `${base}/exports/logins-2026-11-20.csv` });
    const [info] = await source.listReports();
    assert.equal(info.name, 'logins-2026-11-20');
    assert.deepEqual(info.tags, ['integrations_salesforce']);
    assert.equal(info.columns[1].type, 'email');
    const rows = await collect(await source.readRows(info.id));
    assert.deepEqual(rows[1], {
      row: 2,
      line: 3,
      values: { 'User ID': 'wm-2', Email: 'b@x.example', 'Last Login': '2026-11-19T10:00:00Z', Logins: '3' }
    });
  });

  test('an HTTP error is reported with its status and URL', async () => {
    const url = `${base}/exports/none.csv`;
    const source = csvUrlSource({ url, id: 'x', name: 'Daily logins' });
    await assert.rejects(source.readRows('x'), (error: Error & { status?: number }) => {
      assert.equal(error.name, 'ReportUnreachableError');
      assert.equal(error.status, 404);
      assert.equal(error.message, `Report "Daily logins": HTTP 404 Not Found at ${url}`);
      return true;
    });
  });

  test('503s are retried, then the rows arrive; a dead host gives up with a clear error', async () => {
    failuresLeft = 2;
    hits.length = 0;
    const retry = { baseDelayMs: 1, maxAttempts: 3 };
    const rows = await collect(
      await csvUrlSource({ url: `${base}/flaky.csv`, id: 'f' }, { retry }).readRows('f')
    );
    assert.equal(rows.length, 2);
    assert.deepEqual(hits, ['/flaky.csv', '/flaky.csv', '/flaky.csv']);

    const dead = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const url = `http://127.0.0.1:${dead}/x.csv`;
    await assert.rejects(csvUrlSource({ url, id: 'd' }, { retry }).readRows('d'), {
      name: 'ReportUnreachableError',
      message: `Report "x": connect ECONNREFUSED 127.0.0.1:${dead} at ${url} (gave up after 3 attempts)`
    });
  });
});

describe('csvManifestUrlSource (REPORTS_SOURCE=https://…/reports.json)', () => {
  let server: Server;
  let base: string;
  let manifest = '';
  before(async () => {
    server = createServer((req, res) => {
      if (req.url === '/walkme/reports.json') res.writeHead(200).end(manifest);
      else if (req.url === '/walkme/daily/logins.csv') res.writeHead(200).end(LOGINS);
      else res.writeHead(404, 'Not Found').end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('a file is relative to the manifest URL; the manifest is read again on every call', async () => {
    manifest = JSON.stringify([
      { id: 'logins', name: 'Logins', tags: ['integrations_salesforce'], file: 'daily/logins.csv' }
    ]);
    const source = csvManifestUrlSource(`${base}/walkme/reports.json`);
    const [logins] = await source.listReports();
    assert.deepEqual(
      logins.columns.map((column) => column.name),
      ['User ID', 'Email', 'Last Login', 'Logins']
    );
    assert.equal((await collect(await source.readRows('logins'))).length, 2);
    manifest = JSON.stringify([{ id: 'gone', name: 'Gone', file: 'daily/gone.csv' }]);
    await assert.rejects(source.readRows('gone'), {
      name: 'ReportUnreachableError',
      message: `Report "Gone": HTTP 404 Not Found at ${base}/walkme/daily/gone.csv`
    });
  });

  test('a manifest that is not there, or not a manifest, is named by its URL', async () => {
    await assert.rejects(csvManifestUrlSource(`${base}/other/reports.json`).listReports(), {
      name: 'ReportUnreachableError',
      message: `The report manifest ${base}/other/reports.json: HTTP 404 Not Found`
    });
    manifest = '{"id":"x"}';
    await assert.rejects(
      csvManifestUrlSource(`${base}/walkme/reports.json`).listReports(),
      new RegExp(`${base}/walkme/reports\\.json must hold a JSON array of reports`)
    );
  });
});
