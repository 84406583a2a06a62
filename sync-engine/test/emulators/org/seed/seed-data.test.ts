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
});
