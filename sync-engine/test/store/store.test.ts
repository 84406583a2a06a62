import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore, type Store } from '../../src/store/index.js';
import { migrate, migrations } from '../../src/store/migrations.js';
import { openDb } from '../../src/store/open-db.js';
import { loadTokenCipher, TokenCipher } from '../../src/store/token-cipher.js';
import type { NewAccount } from '../../src/store/accounts.js';
import { DEFAULT_MASS_CHANGE_GUARD, type IntegrationDefinition } from '../../src/domain/integration.js';
import type { RunResult } from '../../src/domain/run-result.js';
import { nextDue } from '../../src/scheduler/schedule-plan.js';
import { backends, type Backend } from './databases.js';

const REFRESH_TOKEN = '5Aep861TSESvWeug_xvFHRBTTbf_YrTWgEyjBJrxhX8Wz0lOmQvv0A1ITZuK5bzmETeA1EXAMPLE';
const cipher = new TokenCipher(Buffer.alloc(32, 7));

const account = (over: Partial<NewAccount> = {}): NewAccount => ({
  orgId: '00D000000000001EAA',
  orgName: 'Acme Sandbox',
  environment: 'sandbox',
  isSandbox: true,
  loginUrl: 'https://test.salesforce.com',
  instanceUrl: 'https://acme--dev.sandbox.my.salesforce.com',
  userId: '005000000000001AAA',
  username: 'admin@acme.dev',
  scopes: 'api refresh_token id',
  connectedAt: new Date('2025-01-02T03:04:05Z'),
  ...over
});

const integration = (id: string, over: Partial<IntegrationDefinition> = {}): IntegrationDefinition => ({
  id,
  name: `Integration ${id}`,
  reportId: 'logins-review',
  reportName: 'Logins Review',
  walkMeEnvironment: 'Production',
  targetObject: 'Lead',
  reportKeyColumn: 'Email',
  objectKeyField: 'Email',
  mappings: [{ column: 'Last Login', columnType: 'datetime', field: 'WalkMe_Last_Login__c', blank: 'keep' }],
  ambiguityPolicy: 'update-all',
  convertedLeadHandling: 'skip',
  schedule: { type: 'Daily', hourUtc: 9, intervalHours: null },
  active: true,
  guard: { ...DEFAULT_MASS_CHANGE_GUARD },
  ...over
});

const result = (over: Partial<RunResult> = {}): RunResult => ({
  integrationName: 'Integration a',
  reportName: 'Logins Review',
  targetObject: 'Lead',
  status: 'Completed with errors',
  dryRun: false,
  startedAt: new Date('2025-01-02T09:00:00Z'),
  endedAt: new Date('2025-01-02T09:00:02.500Z'),
  counts: { read: 3, updated: 1, unchanged: 0, unmatched: 1, ambiguous: 0, invalid: 1, failed: 0 },
  apiCalls: 4,
  strategy: { match: 'soql', write: 'collections' },
  rejected: [
    {
      row: 2,
      key: 'nobody@x.com',
      outcome: 'unmatched',
      recordIds: [],
      reason: 'no Lead with Email nobody@x.com'
    },
    { row: 3, key: 'bad@x.com', outcome: 'invalid', recordIds: [], reason: 'Last Login: not a date-time' }
  ],
  rejectedOmitted: 0,
  rejectedByReason: [
    { reason: 'invalid: Last Login: not a date-time', rows: 1 },
    { reason: 'unmatched', rows: 1 }
  ],
  changesSample: [],
  log: ['read 3 rows', 'wrote 1 record'],
  ...over
});

/** Every row of every table of the engine's schema, as text. */
async function dumpAll(store: Store): Promise<string> {
  const tables = await store.db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`
  );
  let text = '';
  for (const { table_name } of tables) {
    const rows = await store.db.query(`SELECT row_to_json(t)::text AS j FROM "${table_name}" t`);
    text += rows.map((r) => String(r.j)).join('\n');
  }
  return text;
}

const backendList = await backends();
after(async () => {
  for (const b of backendList) await b.stop();
});

for (const backend of backendList) {
  describe(`store on ${backend.name}`, () => {
    let store: Store;
    before(async () => {
      store = createStore(await (backend as Backend).open(), cipher, nextDue);
    });
    after(async () => {
      await store.db.close();
    });

    test('migrations are applied once', async () => {
      assert.deepEqual(await migrate(store.db), []);
      const [row] = await store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM engine_migrations');
      assert.equal(row!.n, migrations.length);
    });

    test('an account keeps its refresh token encrypted: the database holds no plaintext token', async () => {
      await store.accounts.save(account(), REFRESH_TOKEN);
      assert.equal(await store.accounts.refreshToken('00D000000000001EAA'), REFRESH_TOKEN);
      const dump = await dumpAll(store);
      assert.ok(dump.includes('admin@acme.dev'), 'the dump covers the accounts table');
      assert.ok(!dump.includes(REFRESH_TOKEN), 'no plaintext token');
      assert.ok(!dump.includes(REFRESH_TOKEN.slice(10, 40)), 'no part of it either');
      const [stored] = await store.db.query<{ refresh_token_enc: string }>(
        'SELECT refresh_token_enc FROM accounts'
      );
      assert.match(stored!.refresh_token_enc, /^v2:[0-9a-f]{12}:[\w-]+:[\w-]+:[\w-]+$/);
      await assert.rejects(
        new AccountStoreWithOtherKey(store).read('00D000000000001EAA'),
        /did not encrypt the stored tokens/
      );
    });

    test('reconnecting replaces the token and clears the status; disconnect deletes', async () => {
      await store.accounts.markNeedsReconnection('00D000000000001EAA', 'expired access/refresh token');
      assert.equal((await store.accounts.get('00D000000000001EAA'))!.status, 'needs_reconnection');
      await store.accounts.save(account({ username: 'other@acme.dev' }), 'new-token');
      const again = (await store.accounts.get('00D000000000001EAA'))!;
      assert.equal(again.status, 'connected');
      assert.equal(again.statusMessage, null);
      assert.equal(again.username, 'other@acme.dev');
      assert.equal(await store.accounts.refreshToken('00D000000000001EAA'), 'new-token');
      await store.accounts.save(account({ orgId: '00D000000000002EAA', environment: 'production' }), 't2');
      assert.deepEqual(
        (await store.accounts.list()).map((a) => a.environment),
        ['production', 'sandbox']
      );
      assert.equal((await store.accounts.find('production'))!.orgId, '00D000000000002EAA');
      assert.equal(await store.accounts.delete('00D000000000002EAA'), true);
      assert.equal(await store.accounts.get('00D000000000002EAA'), undefined);
    });

    test('a pending authorization is taken once, with its verifier encrypted at rest', async () => {
      const verifier = 'v'.repeat(100) + 'VERIFIER';
      await store.accounts.savePendingAuthorization({
        state: 's1',
        sessionId: 'browser-1',
        purpose: 'connect',
        environment: 'sandbox',
        loginUrl: 'https://test.salesforce.com',
        codeVerifier: verifier
      });
      assert.ok(!(await dumpAll(store)).includes('VERIFIER'));
      assert.equal((await store.accounts.takePendingAuthorization('s1'))!.codeVerifier, verifier);
      assert.equal(await store.accounts.takePendingAuthorization('s1'), undefined);
    });

    test('a run request is recorded once; its result and rejected rows are stored together', async () => {
      const req = {
        orgId: 'org',
        integrationId: 'a',
        integrationName: 'Integration a',
        trigger: 'Scheduled' as const,
        requestKey: 'scheduled:2025-01-02T09:00:00.000Z'
      };
      const first = await store.runs.request(req);
      const second = await store.runs.request(req);
      assert.equal(first.created, true);
      assert.equal(second.created, false);
      assert.equal(second.run.id, first.run.id);
      const started = await store.runs.start(first.run.id, 'worker-1');
      assert.equal(started.status, 'Running');
      assert.equal(started.attempts, 1);
      await store.db.transaction((tx) => store.runs.finish(first.run.id, result(), tx));
      const done = (await store.runs.get(first.run.id))!;
      assert.equal(done.status, 'Completed with errors');
      assert.deepEqual(done.counts, result().counts);
      assert.deepEqual(done.log, ['read 3 rows', 'wrote 1 record']);
      const rows = await store.runs.rowResults(first.run.id);
      assert.deepEqual(
        rows.map((r) => [r.row, r.outcome]),
        [
          [2, 'unmatched'],
          [3, 'invalid']
        ]
      );
      assert.deepEqual(
        (await store.runs.rowResults(first.run.id, { limit: 1, offset: 1 })).map((r) => r.row),
        [3]
      );
      assert.equal(await store.runs.countRowResults(first.run.id), 2);
      assert.deepEqual(done.strategy, { match: 'soql', write: 'collections' });
      assert.deepEqual(done.rejectedByReason, result().rejectedByReason);
      const listed = await store.runs.list({ statuses: ['Completed with errors'], limit: 10 });
      assert.deepEqual(
        listed.runs.map((r) => r.id),
        [first.run.id]
      );
      assert.equal((await store.runs.list({ statuses: ['Failed'], limit: 10 })).total, 0);
      const metrics = await store.runs.metrics();
      assert.equal(metrics.runsByStatus['Completed with errors'], 1);
      assert.equal(metrics.rowsByOutcome.unmatched, 1);
      assert.equal(metrics.apiCalls, 4);
      assert.equal(metrics.durationSeconds.count, 1);
      assert.equal(metrics.durationSeconds.sum, 2.5);
    });

    test('a run that fails mid-transaction leaves nothing half-written', async () => {
      const { run } = await store.runs.request({
        orgId: 'org',
        integrationId: 'b',
        integrationName: 'b',
        trigger: 'Manual',
        requestKey: 'manual:a0B1'
      });
      await store.runs.start(run.id, 'w');
      await assert.rejects(
        store.db.transaction(async (tx) => {
          await store.runs.finish(run.id, result(), tx);
          throw new Error('boom');
        })
      );
      assert.equal((await store.runs.get(run.id))!.status, 'Running');
      assert.equal((await store.runs.rowResults(run.id)).length, 0);
    });

    test('runs left Running are failed with the reason: stale ones only, or all', async () => {
      const { run } = await store.runs.request({
        orgId: 'org',
        integrationId: 'c',
        integrationName: 'c',
        trigger: 'Manual',
        requestKey: 'manual:x'
      });
      await store.runs.start(run.id, 'w');
      assert.deepEqual(await store.runs.failInterrupted('stopped', { staleSeconds: 60 }), []);
      const failed = await store.runs.failInterrupted('Interrupted: the engine stopped during the run.', {
        all: true
      });
      assert.ok(failed.some((r) => r.id === run.id));
      const after = (await store.runs.get(run.id))!;
      assert.equal(after.status, 'Failed');
      assert.equal(after.error, 'Interrupted: the engine stopped during the run.');
    });

    test('the report catalog is replaced as a whole', async () => {
      const report = {
        reportId: 'r1',
        name: 'Logins Review',
        tags: ['integrations_salesforce'],
        environment: 'Production',
        columns: [{ name: 'Email', type: 'email' as const }],
        rowCount: 10,
        refreshedAt: new Date('2025-01-01T00:00:00Z')
      };
      await store.catalog.replace([report, { ...report, reportId: 'r2', name: 'NPS' }]);
      await store.catalog.replace([{ ...report, rowCount: 11 }]);
      const list = await store.catalog.list();
      assert.equal(list.length, 1);
      assert.equal(list[0]!.rowCount, 11);
      assert.deepEqual(list[0]!.columns, report.columns);
    });

    test('schedules follow the org: added, changed, removed; a due slot is claimed once', async () => {
      const now = new Date('2025-03-01T08:30:00Z');
      let changes = await store.schedules.sync(
        'org',
        [
          integration('a'),
          integration('m', { schedule: { type: 'Manual', hourUtc: 9, intervalHours: null } })
        ],
        now
      );
      assert.deepEqual(changes, { added: ['a', 'm'], changed: [], removed: [] });
      const list = await store.schedules.list('org');
      assert.deepEqual(
        list.map((s) => [s.integrationId, s.nextDueAt?.toISOString() ?? null]),
        [
          ['a', '2025-03-01T09:00:00.000Z'],
          ['m', null]
        ]
      );
      changes = await store.schedules.sync('org', [integration('a'), integration('m')], now);
      assert.deepEqual(changes, { added: [], changed: ['m'], removed: [] });
      changes = await store.schedules.sync('org', [integration('m')], now);
      assert.deepEqual(changes.removed, ['a']);

      const due = new Date('2025-03-01T09:00:30Z');
      const [c1, c2] = await Promise.all([
        store.db.transaction((tx) => store.schedules.claimDue(tx, due)),
        store.db.transaction((tx) => store.schedules.claimDue(tx, due))
      ]);
      const claimed = [...c1!, ...c2!];
      assert.equal(claimed.length, 1);
      assert.equal(claimed[0]!.slot.toISOString(), '2025-03-01T09:00:00.000Z');
      assert.equal(claimed[0]!.nextDueAt!.toISOString(), '2025-03-02T09:00:00.000Z');
      assert.deepEqual(await store.db.transaction((tx) => store.schedules.claimDue(tx, due)), []);
    });
  });
}

/** Reads a stored token with a different key: GCM must refuse it. */
class AccountStoreWithOtherKey {
  constructor(private readonly store: Store) {}
  async read(orgId: string) {
    const [row] = await this.store.db.query<{ refresh_token_enc: string }>(
      'SELECT refresh_token_enc FROM accounts WHERE org_id = $1',
      [orgId]
    );
    return new TokenCipher(Buffer.alloc(32, 8)).decrypt(row!.refresh_token_enc);
  }
}

describe('the embedded database on disk', () => {
  test('the generated key is owner-only, and no file of the data folder holds the token', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'engine-data-'));
    try {
      const generated: string[] = [];
      const diskCipher = loadTokenCipher({ dataDir, onGenerated: (p) => generated.push(p) });
      assert.deepEqual(generated, [join(dataDir, 'encryption.key')]);
      assert.equal(statSync(generated[0]!).mode & 0o777, 0o600);
      const db = await openDb({ dataDir });
      const store = createStore(db, diskCipher, nextDue);
      await store.accounts.save(account(), REFRESH_TOKEN);
      await db.close();
      const files = readdirSync(join(dataDir, 'pglite'), { recursive: true, withFileTypes: true });
      let scanned = 0;
      for (const f of files.filter((x) => x.isFile())) {
        const bytes = readFileSync(join(f.parentPath, f.name));
        scanned += bytes.length;
        assert.equal(bytes.includes(REFRESH_TOKEN), false, `${f.name} holds the token`);
      }
      assert.ok(scanned > 1_000_000, 'the data folder was scanned');
      // The same key is read back, so the token is still readable after a restart.
      const reopened = createStore(await openDb({ dataDir }), loadTokenCipher({ dataDir }), nextDue);
      assert.equal(await reopened.accounts.refreshToken('00D000000000001EAA'), REFRESH_TOKEN);
      await reopened.db.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('one process at a time on a data folder: a second is refused by name; a dead holder is taken over', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'engine-data-'));
    try {
      const first = await openDb({ dataDir });
      await assert.rejects(
        openDb({ dataDir }),
        /data folder .* is in use by another engine process \(pid \d+\).*DATABASE_URL/
      );
      await first.close();
      // A holder that died without releasing (SIGKILL) leaves its pid behind.
      writeFileSync(join(dataDir, 'engine.pid'), '2147483646');
      const second = await openDb({ dataDir });
      await second.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('ENGINE_ENCRYPTION_KEY is used as given (hex or base64) and must be 32 bytes', () => {
    const hex = 'ab'.repeat(32);
    const fromHex = loadTokenCipher({ envKey: hex, dataDir: '/nonexistent' });
    const fromB64 = loadTokenCipher({
      envKey: Buffer.from(hex, 'hex').toString('base64'),
      dataDir: '/nonexistent'
    });
    assert.equal(fromB64.decrypt(fromHex.encrypt('x')), 'x');
    assert.throws(() => loadTokenCipher({ envKey: 'short', dataDir: '/nonexistent' }), /32 bytes/);
  });
});
