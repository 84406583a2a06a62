import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { samplePopulation } from '../../../../emulators/sample-population.js';
import { startOrgEmulator, type OrgEmulator } from '../../../../emulators/org/start.js';

describe('org emulator seeding', () => {
  let emulator: OrgEmulator;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'org-seed-'));
    emulator = await startOrgEmulator();
  });
  after(async () => {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the default seed is the demo population of 500 users', () => {
    const users = samplePopulation(500);
    const data = emulator.orgs.production.data;
    const expected = (kind: 'lead' | 'contact') =>
      users.filter((u) => u.salesforce.kind === kind).length +
      users.filter((u) => u.salesforce.kind === kind && u.salesforce.duplicate).length;
    const converted = users.filter((u) => u.salesforce.converted);
    assert.equal(data.query('SELECT Id FROM Lead').length, expected('lead'));
    assert.equal(data.query('SELECT Id FROM Contact').length, expected('contact') + converted.length);
    const convertedLeads = data.query(
      'SELECT Email, ConvertedContact.Email, Status FROM Lead WHERE IsConverted = true'
    ) as Array<{
      Email: string;
      Status: string;
      ConvertedContact: { Email: string };
    }>;
    assert.equal(convertedLeads.length, converted.length);
    for (const lead of convertedLeads) {
      assert.equal(lead.ConvertedContact.Email, lead.Email);
      assert.equal(lead.Status, 'Closed - Converted');
    }
    const none = users.find((u) => u.salesforce.kind === 'none')!;
    assert.equal(data.query(`SELECT Id FROM Lead WHERE Email = '${none.email}'`).length, 0);
    const duplicate = users.find((u) => u.salesforce.duplicate && u.salesforce.kind === 'contact')!;
    assert.equal(data.query(`SELECT Id FROM Contact WHERE Email = '${duplicate.email}'`).length, 2);
    assert.equal(emulator.orgs.sandbox.data.query('SELECT Id FROM Lead').length, expected('lead'));
  });

  test('seeds from JSON and CSV files', () => {
    writeFileSync(join(dir, 'seed.json'), JSON.stringify({ Account: [{ Name: 'Json Co' }] }));
    writeFileSync(
      join(dir, 'Lead.csv'),
      'LastName,Company,Email,WalkMe_Logins_Last_30_Days__c\nCsv,Csv Co,csv@x.example,4\n'
    );
    const counts = emulator.orgs.sandbox.seed({ path: dir });
    assert.deepEqual(counts, { Lead: 1, Account: 1 });
    const [lead] = emulator.orgs.sandbox.data.query(
      "SELECT WalkMe_Logins_Last_30_Days__c FROM Lead WHERE Email = 'csv@x.example'"
    );
    assert.equal(lead.WalkMe_Logins_Last_30_Days__c, 4);
  });

  test('data persists across restarts with a persist file', async () => {
    const file = join(dir, 'persist.json');
    const first = await startOrgEmulator({ seed: false, persistFile: file });
    const [saved] = first.orgs.production.data.load('Lead', [{ LastName: 'Kept', Company: 'Acme' }]);
    await first.stop();
    const second = await startOrgEmulator({ persistFile: file });
    try {
      assert.equal(second.orgs.production.data.find('Lead', saved.Id)?.LastName, 'Kept');
      const [next] = second.orgs.production.data.load('Lead', [{ LastName: 'New', Company: 'Acme' }]);
      assert.notEqual(next.Id, saved.Id);
    } finally {
      await second.stop();
    }
  });

  test('auto-numbers go on from the highest restored one: no two run records share a Name', async () => {
    const file = join(dir, 'persist-numbers.json');
    const first = await startOrgEmulator({ seed: false, persistFile: file });
    const run = { Status__c: 'Completed', Trigger__c: 'Manual' };
    const [one, two] = first.orgs.production.data.load('WalkMe_Sync_Run__c', [run, run]);
    assert.deepEqual([one.Name, two.Name], ['RUN-000001', 'RUN-000002']);
    await first.stop();
    const second = await startOrgEmulator({ persistFile: file });
    try {
      const [three] = second.orgs.production.data.load('WalkMe_Sync_Run__c', [run]);
      assert.equal(three.Name, 'RUN-000003');
    } finally {
      await second.stop();
    }
  });

  test('refresh tokens and retained events persist too: a connected app stays connected across restarts', async () => {
    const file = join(dir, 'persist-tokens.json');
    const first = await startOrgEmulator({ seed: false, persistFile: file });
    const org = first.orgs.production;
    const token = async (body: Record<string, string>) =>
      (
        await fetch(`${org.loginUrl}/services/oauth2/token`, {
          method: 'POST',
          body: new URLSearchParams(body)
        })
      ).json() as Promise<{
        refresh_token?: string;
        error?: string;
      }>;
    // A refresh token, as the web server flow gives one (the password grant gives none).
    const app = { client_id: org.clientId, client_secret: org.clientSecret };
    const authorize = await fetch(
      `${org.loginUrl}/services/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: org.clientId, redirect_uri: 'http://localhost:3000/oauth/callback', scope: 'api refresh_token' })}`,
      { redirect: 'manual' }
    );
    assert.equal(authorize.status, 200, 'the sign-in page (no auto-approve)');
    const html = await authorize.text();
    const form = new URLSearchParams();
    for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
      form.set(m[1]!, m[2]!.replace(/&amp;/g, '&'));
    form.set('username', org.username);
    form.set('password', org.password);
    form.set('action', 'allow');
    const approved = await fetch(`${org.loginUrl}/services/oauth2/authorize`, {
      method: 'POST',
      body: form,
      redirect: 'manual'
    });
    const code = new URL(approved.headers.get('location')!).searchParams.get('code')!;
    const { refresh_token } = await token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'http://localhost:3000/oauth/callback',
      ...app
    });
    org.events.publish('WalkMe_Run_Request__e', { Run_Id__c: 'a01' });
    await first.stop();

    const second = await startOrgEmulator({ seed: false, persistFile: file });
    try {
      const again = second.orgs.production;
      const refreshed = await (
        await fetch(`${again.loginUrl}/services/oauth2/token`, {
          method: 'POST',
          body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refresh_token!, ...app })
        })
      ).json();
      assert.ok((refreshed as { access_token?: string }).access_token, JSON.stringify(refreshed));
      const replayed: unknown[] = [];
      again.events.subscribe('/event/WalkMe_Run_Request__e', -2, (message) => replayed.push(message))();
      assert.equal(replayed.length, 1, 'the retained event replays');
      assert.equal(
        again.events.publish('WalkMe_Run_Request__e', {}).event.replayId,
        2,
        'replay ids keep growing'
      );
    } finally {
      await second.stop();
    }
  });
});
