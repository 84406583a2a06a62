/**
 * What an operator pipes is data only: a command that opens the store itself (no engine running) logs its
 * warnings — the first one a generated encryption key — on stderr, so `reports --json > reports.json` holds JSON.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli-process.js';

test('reports --json on a first run: JSON on stdout, the generated-key warning on stderr', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'walkme-cli-output-'));
  try {
    const reports = join(dir, 'reports');
    const data = join(dir, 'data');
    mkdirSync(reports);
    writeFileSync(join(reports, 'logins.csv'), 'Email,Logins\nann@acme.example,3\n');
    writeFileSync(
      join(reports, 'reports.json'),
      JSON.stringify([
        {
          id: 'r1',
          name: 'Logins',
          tags: ['integrations_salesforce'],
          walkMeEnvironment: 'Production',
          file: 'logins.csv'
        }
      ])
    );
    const env = { ENGINE_DATA_DIR: data, REPORTS_SOURCE: `file://${reports}`, ENGINE_ENCRYPTION_KEY: '' };
    const answer = await runCli(['reports', '--json'], env);
    assert.equal(answer.code, 0, answer.stderr);
    const listed = JSON.parse(answer.stdout) as Array<{ id: string }>;
    assert.deepEqual(
      listed.map((report) => report.id),
      ['r1']
    );
    assert.match(answer.stderr, /generated a new token encryption key/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('reports from a source that cannot list them names the source and why, not a bare status', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'walkme-cli-output-'));
  try {
    const listed = await runCli(['reports'], {
      ENGINE_DATA_DIR: join(dir, 'data'),
      REPORTS_SOURCE: `file://${join(dir, 'missing')}/`,
      DATABASE_URL: ''
    });
    assert.notEqual(listed.code, 0);
    assert.match(listed.stderr, /The report source cannot list reports: .*missing/);
    assert.doesNotMatch(listed.stderr, /The engine answered 500/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
