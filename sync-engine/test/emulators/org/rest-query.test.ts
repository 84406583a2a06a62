import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Connection } from '@jsforce/jsforce-node';
import { startOrgEmulator, type OrgEmulator, type OrgHandle } from '../../../emulators/org/start.js';

describe('org emulator REST: metadata and SOQL', () => {
  let emulator: OrgEmulator;
  let org: OrgHandle;
  let conn: Connection;
  before(async () => {
    emulator = await startOrgEmulator({ seed: false });
    org = emulator.orgs.production;
    const leads = Array.from({ length: 2500 }, (_, i) => ({
      LastName: `Person ${i}`,
      Company: 'Acme',
      Email: i % 2 === 0 ? `User.${i}@Acme.example` : `user.${i}@acme.example`
    }));
    leads.push(
      { LastName: "O'Brien", Company: 'Quote\\Co', Email: "o'brien@acme.example" },
      { LastName: 'Percent', Company: '100% Co', Email: 'pct@acme.example' }
    );
    org.data.load('Lead', leads);
    conn = new Connection({
      oauth2: { loginUrl: org.loginUrl, clientId: org.clientId, clientSecret: org.clientSecret },
      version: '62.0'
    });
    await conn.login(org.username, org.password);
  });
  after(() => emulator.stop());

  test('versions list, resources, describeGlobal and describe of a package field', async () => {
    const versions = (await (await fetch(`${org.instanceUrl}/services/data/`)).json()) as Array<{
      version: string;
      url: string;
    }>;
    assert.ok(versions.some((v) => v.version === '62.0' && v.url === '/services/data/v62.0'));
    const resources = (await conn.request('/')) as Record<string, string>;
    assert.equal(resources.sobjects, '/services/data/v62.0/sobjects');
    const global = await conn.describeGlobal();
    const names = global.sobjects.map((s) => s.name);
    for (const name of [
      'Lead',
      'Contact',
      'Account',
      'User',
      'Organization',
      'WalkMe_Integration__c',
      'WalkMe_Run_Request__e'
    ]) {
      assert.ok(names.includes(name), name);
    }
    const lead = await conn.sobject('Lead').describe();
    const lastLogin = lead.fields.find((f) => f.name === 'WalkMe_Last_Login__c');
    assert.equal(lastLogin?.type, 'datetime');
    assert.equal(lastLogin?.custom, true);
    assert.equal(lastLogin?.updateable, true);
    const category = lead.fields.find((f) => f.name === 'WalkMe_NPS_Category__c');
    assert.equal(category?.restrictedPicklist, true);
    assert.deepEqual(
      category?.picklistValues?.map((p) => p.value),
      ['Promoter', 'Passive', 'Detractor']
    );
    const isConverted = lead.fields.find((f) => f.name === 'IsConverted');
    assert.equal(isConverted?.updateable, false);
    assert.equal(lead.fields.find((f) => f.name === 'LastName')?.nillable, false);
    await assert.rejects(conn.sobject('Nope__c').describe(), { name: 'NOT_FOUND' });
  });

  test('paged query of more than 2,000 records: totalSize on every page, queryMore to the end', async () => {
    const first = await conn.query<{ Id: string }>('SELECT Id, Email FROM Lead');
    assert.equal(first.totalSize, 2502);
    assert.equal(first.records.length, 2000);
    assert.equal(first.done, false);
    assert.match(first.nextRecordsUrl!, /\/services\/data\/v62\.0\/query\/01g\w+-2000$/);
    const second = await conn.queryMore<{ Id: string }>(first.nextRecordsUrl!);
    assert.equal(second.totalSize, 2502);
    assert.equal(second.records.length, 502);
    assert.equal(second.done, true);
    assert.equal(second.nextRecordsUrl, undefined);
    const ids = new Set([...first.records, ...second.records].map((r) => r.Id));
    assert.equal(ids.size, 2502);
    await assert.rejects(async () => conn.queryMore('/services/data/v62.0/query/01gNOPE-2000'), {
      name: 'INVALID_QUERY_LOCATOR'
    });
  });

  test('Sforce-Query-Options batch size (clamped to 200–2000)', async () => {
    const page = (await conn.request({
      method: 'GET',
      url: `/query?q=${encodeURIComponent('SELECT Id FROM Lead')}`,
      headers: { 'Sforce-Query-Options': 'batchSize=500' }
    })) as { records: unknown[]; nextRecordsUrl: string };
    assert.equal(page.records.length, 500);
    assert.match(page.nextRecordsUrl, /-500$/);
    const small = (await conn.request({
      method: 'GET',
      url: `/query?q=${encodeURIComponent('SELECT Id FROM Lead')}`,
      headers: { 'Sforce-Query-Options': 'batchSize=10' }
    })) as { records: unknown[] };
    assert.equal(small.records.length, 200);
  });

  test('query errors: MALFORMED_QUERY, INVALID_FIELD, INVALID_TYPE', async () => {
    await assert.rejects(
      async () => conn.query('SELEC Id FROM Lead'),
      (thrown: unknown) => {
        const e = thrown as Error & { errorCode: string };
        assert.equal(e.errorCode, 'MALFORMED_QUERY');
        assert.match(e.message, /unexpected token: SELEC/);
        return true;
      }
    );
    await assert.rejects(
      async () => conn.query('SELECT Naem FROM Account'),
      (thrown: unknown) => {
        const e = thrown as Error & { errorCode: string };
        assert.equal(e.errorCode, 'INVALID_FIELD');
        assert.match(e.message, /No such column 'Naem' on entity 'Account'/);
        return true;
      }
    );
    await assert.rejects(
      async () => conn.query('SELECT Id FROM Foo__c'),
      (thrown: unknown) => {
        const e = thrown as Error & { errorCode: string };
        assert.equal(e.errorCode, 'INVALID_TYPE');
        assert.match(e.message, /sObject type 'Foo__c' is not supported/);
        return true;
      }
    );
    await assert.rejects(async () => conn.query("SELECT Id FROM Lead WHERE CreatedDate > '2024-01-01'"), {
      name: 'INVALID_FIELD'
    });
    await assert.rejects(async () => conn.query('SELECT Id FROM Lead WHERE Owner.Nope = null'), {
      name: 'INVALID_FIELD'
    });
  });

  test('case-insensitive =, IN and LIKE; escaped quotes and backslashes', async () => {
    const eq = await conn.query<{ Email: string }>(
      "SELECT Email FROM Lead WHERE Email = 'USER.0@acme.EXAMPLE'"
    );
    assert.deepEqual(
      eq.records.map((r) => r.Email),
      ['User.0@Acme.example']
    );
    const inList = await conn.query(
      "SELECT Id FROM Lead WHERE Email IN ('user.0@acme.example', 'USER.1@ACME.EXAMPLE', 'none@x.example')"
    );
    assert.equal(inList.totalSize, 2);
    const like = await conn.query("SELECT Id FROM Lead WHERE Email LIKE 'user.1%@ACME%'");
    assert.equal(like.totalSize, 1 + 10 + 100 + 1000);
    const quoted = await conn.query<{ LastName: string }>(
      "SELECT LastName FROM Lead WHERE Email = 'o\\'brien@acme.example' AND Company = 'Quote\\\\Co'"
    );
    assert.deepEqual(
      quoted.records.map((r) => r.LastName),
      ["O'Brien"]
    );
    const percent = await conn.query("SELECT Id FROM Lead WHERE Company LIKE '100\\% %'");
    assert.equal(percent.totalSize, 1);
    const notIn = await conn.query(
      "SELECT COUNT() FROM Lead WHERE Email NOT IN ('user.0@acme.example') AND Company = 'Acme'"
    );
    assert.equal(notIn.totalSize, 2499);
  });

  test('WHERE with AND/OR/NOT and parentheses, null, dates; ORDER BY, LIMIT, COUNT(), parent fields', async () => {
    const grouped = await conn.query(
      "SELECT Id FROM Lead WHERE (Email = 'user.1@acme.example' OR Email = 'user.3@acme.example') AND Company = 'Acme'"
    );
    assert.equal(grouped.totalSize, 2);
    const negated = await conn.query("SELECT COUNT() FROM Lead WHERE NOT (Company = 'Acme')");
    assert.equal(negated.totalSize, 2);
    const nulls = await conn.query(
      'SELECT COUNT() FROM Lead WHERE FirstName = null AND ConvertedContactId = null'
    );
    assert.equal(nulls.totalSize, 2502);
    const today = await conn.query(
      'SELECT COUNT() FROM Lead WHERE CreatedDate = TODAY AND LastModifiedDate > 2020-01-01T00:00:00Z'
    );
    assert.equal(today.totalSize, 2502);
    const ordered = await conn.query<{ LastName: string; Owner: { Name: string } }>(
      "SELECT LastName, Owner.Name FROM Lead WHERE Company = 'Acme' ORDER BY LastName DESC LIMIT 3"
    );
    assert.deepEqual(
      ordered.records.map((r) => r.LastName),
      ['Person 999', 'Person 998', 'Person 997']
    );
    assert.equal(ordered.records[0].Owner.Name, 'Ada Admin');
    assert.equal(ordered.totalSize, 3);
    const org2 = await conn.query<{ IsSandbox: boolean; InstanceName: string; OrganizationType: string }>(
      'SELECT IsSandbox, InstanceName, OrganizationType, TrialExpirationDate FROM Organization'
    );
    assert.equal(org2.records[0].IsSandbox, false);
    assert.equal(org2.records[0].OrganizationType, 'Enterprise Edition');
  });

  test('a 2,000-row page is served quickly from 100,000 records', async () => {
    const big = await startOrgEmulator({ seed: false });
    try {
      const rows = Array.from({ length: 100_000 }, (_, i) => ({
        LastName: `L${i}`,
        Company: 'C',
        Email: `p${i}@x.example`
      }));
      const started = performance.now();
      big.orgs.production.data.load('Lead', rows);
      const loadMs = performance.now() - started;
      assert.ok(loadMs < 20_000, `100,000 records loaded in ${loadMs} ms`);
      const c = new Connection({
        oauth2: {
          loginUrl: big.orgs.production.loginUrl,
          clientId: 'emulator-client',
          clientSecret: 'emulator-secret'
        }
      });
      await c.login(big.orgs.production.username, 'emulator');
      const t0 = performance.now();
      const page = await c.query('SELECT Id, Email FROM Lead');
      const pageMs = performance.now() - t0;
      assert.equal(page.records.length, 2000);
      assert.ok(pageMs < 5_000, `first page in ${pageMs} ms`);
      const emails = Array.from({ length: 300 }, (_, i) => `'P${i * 7}@X.example'`).join(',');
      const matched = await c.query(`SELECT Id FROM Lead WHERE Email IN (${emails})`);
      assert.equal(matched.totalSize, 300);
    } finally {
      await big.stop();
    }
  });

  test('queryAll sees deleted records, and its locator pages through /query/ as jsforce asks', async () => {
    const [gone] = org.data.load('Lead', [{ LastName: 'Gone', Company: 'Deleted Co' }]);
    org.data.delete('Lead', gone.Id);
    const soql = 'SELECT Id, IsDeleted FROM Lead';
    const live = await conn.query(soql);
    const first = await conn.query<{ Id: string; IsDeleted: boolean }>(soql, { scanAll: true });
    assert.equal(first.totalSize, live.totalSize + 1);
    assert.match(first.nextRecordsUrl!, /\/services\/data\/v62\.0\/query\/01g\w+-2000$/);
    const rest = await conn.queryMore<{ Id: string; IsDeleted: boolean }>(first.nextRecordsUrl!);
    const all = [...first.records, ...rest.records];
    assert.equal(all.length, first.totalSize);
    assert.deepEqual(
      all.filter((r) => r.IsDeleted).map((r) => r.Id),
      [gone.Id]
    );
  });

  test('!= ignores case; a WHERE string over 4,000 characters → MALFORMED_QUERY', async () => {
    const notAcme = await conn.query("SELECT COUNT() FROM Lead WHERE Company != 'ACME'");
    assert.equal(notAcme.totalSize, 2);
    const fits = await conn.query(`SELECT COUNT() FROM Lead WHERE Company = '${'a'.repeat(4000)}'`);
    assert.equal(fits.totalSize, 0);
    await assert.rejects(
      async () => conn.query(`SELECT COUNT() FROM Lead WHERE Company = '${'a'.repeat(4001)}'`),
      { name: 'MALFORMED_QUERY' }
    );
  });

  test('describeGlobal and a standard field describe have the keys and values of the reference', async () => {
    const global = (await conn.request('/sobjects')) as Record<string, unknown> & {
      sobjects: Array<Record<string, unknown>>;
    };
    assert.equal(global.encoding, 'UTF-8');
    assert.equal(global.maxBatchSize, 200);
    const contact = global.sobjects.find((s) => s.name === 'Contact')!;
    for (const key of [
      'label',
      'labelPlural',
      'keyPrefix',
      'custom',
      'createable',
      'updateable',
      'deletable',
      'queryable',
      'urls'
    ])
      assert.ok(key in contact, key);
    assert.equal(contact.keyPrefix, '003');
    const describe = await conn.sobject('Contact').describe();
    assert.ok(Array.isArray(describe.childRelationships) && Array.isArray(describe.recordTypeInfos));
    const email = describe.fields.find((f) => f.name === 'Email')! as unknown as Record<string, unknown>;
    const expected = {
      name: 'Email',
      label: 'Email',
      type: 'email',
      soapType: 'xsd:string',
      length: 80,
      precision: 0,
      scale: 0,
      digits: 0,
      nillable: true,
      createable: true,
      updateable: true,
      unique: false,
      externalId: false,
      idLookup: true,
      caseSensitive: false,
      custom: false,
      calculated: false,
      filterable: true,
      picklistValues: [],
      restrictedPicklist: false,
      referenceTo: [],
      relationshipName: null
    };
    assert.deepEqual(Object.fromEntries(Object.keys(expected).map((k) => [k, email[k]])), expected);
  });
});
