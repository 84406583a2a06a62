/**
 * Faults while a run writes (issue 11): a transient 503 is retried instead of dropping its records, and a
 * spent quota or a revoked token stops the remaining writes at once, with every row accounted for.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Connection } from '@jsforce/jsforce-node';
import { refreshSession } from '../../src/salesforce/connection-refresh.js';
import { runSync } from '../../src/sync/run-sync.js';
import type { RunOptions } from '../../src/sync/run-sync.js';
import {
  fastOptions,
  HEADER,
  integrationFor,
  loadLeads,
  startHarness,
  targetOrg,
  writeReport,
  type Harness
} from './harness.js';

const ROWS = 450;

describe('runSync: faults during the writes', () => {
  let h: Harness;
  let login = 0;
  before(async () => {
    h = await startHarness();
    const emails = Array.from({ length: ROWS }, (_, i) => `fault${i}@faults.test`);
    loadLeads(
      h.org,
      emails.map((Email) => ({ Email }))
    );
  });
  after(async () => h.stop());

  /** A report whose every row changes its Lead (a new login count each time). */
  const freshReport = async () => {
    login += 1;
    const rows = Array.from({ length: ROWS }, (_, i) => [
      `fault${i}@faults.test`,
      '',
      String(login * 1000 + i),
      ''
    ]);
    await writeReport(h.dir, 'faults', [HEADER, ...rows]);
  };

  const run = (options: RunOptions = {}, conn: Connection = h.conn) =>
    runSync({
      org: targetOrg(conn),
      integration: integrationFor('faults'),
      source: h.source,
      // One Collections call per 200 records: the faults below are aimed at those calls.
      options: fastOptions({ record: false, retryBackoffMs: 5, plan: { write: 'collections' }, ...options })
    });

  const sum = (counts: Record<string, number>) =>
    counts.updated! +
    counts.unchanged! +
    counts.unmatched! +
    counts.ambiguous! +
    counts.invalid! +
    counts.failed!;

  test('a 503 on a Collections PATCH is retried with backoff: nothing dropped, the log counts the retries', async () => {
    await freshReport();
    h.org.faults.serviceUnavailableShare = 0.5;
    h.org.faults.serviceUnavailableMethods = ['PATCH'];
    try {
      const result = await run({ transientRetries: 10 });
      assert.equal(result.status, 'Completed', result.error);
      assert.equal(result.counts.updated, ROWS);
      assert.equal(result.counts.failed, 0);
      assert.ok(
        result.log.some((line) =>
          / Retried \d+ write calls after transient Salesforce failures\.$/.test(line)
        ),
        result.log.join('\n')
      );
    } finally {
      h.org.faults.reset();
    }
  });

  test('a 503 on the run record update is retried too: the record is closed', async () => {
    await freshReport();
    const sfRunId = (
      (await h.conn.sobject('WalkMe_Sync_Run__c').create({ Status__c: 'Queued', Trigger__c: 'Manual' })) as {
        id: string;
      }
    ).id;
    try {
      const result = await run({
        record: true,
        runId: sfRunId,
        // The closing (one composite POST, the next call once the run is recording) is answered 503 twice.
        onProgress: (progress) => {
          if (progress.phase === 'recording') {
            h.org.faults.serviceUnavailableMethods = ['POST'];
            h.org.faults.serviceUnavailableNext = 2;
          }
        }
      });
      assert.equal(result.runRecordPending, undefined, result.log.join('\n'));
      assert.equal(h.org.faults.serviceUnavailableNext, 0, 'both 503s were answered');
      assert.equal(h.org.data.find('WalkMe_Sync_Run__c', sfRunId)!.Status__c, 'Completed');
    } finally {
      h.org.faults.reset();
    }
  });

  test('a spent quota stops the writes at once: one refused call, the rest not attempted, Failed with advice', async () => {
    await freshReport();
    h.org.calls.reset();
    const result = await run({
      concurrency: 1,
      onProgress: (progress) => {
        if (progress.phase === 'writing') h.org.faults.exhaustQuota();
      }
    });
    h.org.quota.set({ remaining: 100_000 });
    assert.equal(result.status, 'Failed');
    assert.equal(result.failureKind, 'quota');
    assert.match(result.error!, /daily API limit is exhausted.*Nothing more is sent today/);
    assert.equal(result.counts.failed, ROWS);
    assert.equal(sum(result.counts), result.counts.read, 'every row read has one outcome');
    assert.ok(result.rejected.every((row) => row.reason!.startsWith('not attempted: ')));
    assert.equal(h.org.calls.refused.quota, 1, 'no write call after the first refusal');
    assert.equal(h.org.calls.byKind.composite, undefined);
  });

  test('a failure while matching still gives every row read one outcome', async () => {
    await freshReport();
    const result = await run({
      onProgress: (progress) => {
        if (progress.phase === 'matching') h.org.faults.exhaustQuota();
      }
    });
    h.org.quota.set({ remaining: 100_000 });
    assert.equal(result.status, 'Failed');
    assert.equal(result.failureKind, 'quota');
    assert.ok(result.counts.read > 0, 'rows were read before the lookup failed');
    assert.equal(sum(result.counts), result.counts.read);
    assert.equal(result.counts.updated, 0);
  });

  test('a revoked token stops the writes, typed from the refresh that failed, not from its wording', async () => {
    await freshReport();
    // A connection with a refresh token (as the engine's are): revoked mid-run, the next call's refresh fails.
    const oauth = await fetch(`${h.org.loginUrl}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: h.org.clientId,
        client_secret: h.org.clientSecret,
        username: h.org.username,
        password: h.org.password
      })
    });
    const token = (await oauth.json()) as { access_token: string; instance_url: string };
    const conn = new Connection({
      oauth2: { loginUrl: h.org.loginUrl, clientId: h.org.clientId, clientSecret: h.org.clientSecret },
      instanceUrl: token.instance_url,
      accessToken: token.access_token,
      refreshToken: 'a-refresh-token-the-org-does-not-know',
      refreshFn: refreshSession
    });
    h.org.calls.reset();
    const result = await run(
      {
        concurrency: 1,
        onProgress: (progress) => {
          if (progress.phase === 'writing') h.org.faults.expireSessions();
        }
      },
      conn
    );
    assert.equal(result.status, 'Failed');
    assert.equal(result.failureKind, 'revoked');
    assert.match(result.error!, /revoked or has expired \(invalid_grant: .*reconnect the account/);
    assert.equal(result.counts.failed, ROWS);
    assert.equal(sum(result.counts), result.counts.read);
    assert.equal(h.org.calls.refused.session, 1, 'no write call after the failed refresh');
    assert.equal(h.org.calls.byKind.composite, undefined);
  });
});
