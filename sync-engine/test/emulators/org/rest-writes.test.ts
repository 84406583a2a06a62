import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Connection } from '@jsforce/jsforce-node';
import { startOrgEmulator, type OrgEmulator, type OrgHandle } from '../../../emulators/org/start.js';

type Result = {
  id?: string;
  success: boolean;
  errors: Array<{ statusCode: string; message: string; fields: string[] }>;
};

describe('org emulator REST: writes under Salesforce rules', () => {
  let emulator: OrgEmulator;
  let org: OrgHandle;
  let conn: Connection;
  let ids: string[];
  let converted: string;
  before(async () => {
    emulator = await startOrgEmulator({ seed: false });
    org = emulator.orgs.production;
    conn = new Connection({
      oauth2: { loginUrl: org.loginUrl, clientId: org.clientId, clientSecret: org.clientSecret },
      version: '62.0'
    });
    await conn.login(org.username, org.password);
  });
  after(() => emulator.stop());
  beforeEach(() => {
    org.faults.reset();
    ids = org.data
      .load(
        'Lead',
        Array.from({ length: 9 }, (_, i) => ({
          LastName: `L${i}`,
          Company: 'Acme',
          Email: `l${i}@acme.example`
        }))
      )
      .map((r) => r.Id);
    const [contact] = org.data.load('Contact', [{ LastName: 'C', Email: 'c@acme.example' }]);
    converted = org.data.load('Lead', [
      { LastName: 'Conv', Company: 'Acme', IsConverted: true, ConvertedContactId: contact.Id }
    ])[0].Id;
  });

  test('Collections update with good and bad records answers the exact per-record errors', async () => {
    org.data.delete('Lead', ids[6]);
    org.faults.lockedIds.add(ids[8]);
    org.faults.validationRules.push({
      object: 'Lead',
      field: 'WalkMe_NPS_Score__c',
      message: 'NPS must be between 0 and 10',
      predicate: (r) => typeof r.WalkMe_NPS_Score__c === 'number' && r.WalkMe_NPS_Score__c > 10
    });
    const before = org.data.find('Lead', ids[0])!;
    const results = (await conn
      .sobject('Lead')
      .update(
        [
          { Id: ids[0], WalkMe_Last_Login__c: '2024-05-01T12:34:56.000Z', WalkMe_Logins_Last_30_Days__c: 12 },
          { Id: ids[1], LastName: 'x'.repeat(81) },
          { Id: 'not-an-id' },
          { Id: ids[3], IsConverted: true },
          { Id: ids[4], WalkMe_NPS_Category__c: 'Fan' },
          { Id: converted, WalkMe_NPS_Score__c: 5 },
          { Id: ids[6], WalkMe_NPS_Score__c: 5 },
          { Id: ids[7], WalkMe_NPS_Score__c: 11 },
          { Id: ids[8], WalkMe_NPS_Score__c: 5 },
          { Id: ids[5], Email: 'not an email' }
        ],
        { allOrNone: false }
      )) as Result[];
    assert.deepEqual(results[0], { id: ids[0], success: true, errors: [] });
    const codes = results.map((r) => r.errors[0]?.statusCode ?? 'OK');
    assert.deepEqual(codes, [
      'OK',
      'STRING_TOO_LONG',
      'MALFORMED_ID',
      'INVALID_FIELD_FOR_INSERT_UPDATE',
      'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      'CANNOT_UPDATE_CONVERTED_LEAD',
      'ENTITY_IS_DELETED',
      'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      'UNABLE_TO_LOCK_ROW',
      'INVALID_EMAIL_ADDRESS'
    ]);
    assert.deepEqual(results[1].errors[0], {
      statusCode: 'STRING_TOO_LONG',
      message: `Last Name: data value too large: ${'x'.repeat(81)} (max length=80)`,
      fields: ['LastName']
    });
    assert.deepEqual(results[3].errors[0].fields, ['IsConverted']);
    assert.deepEqual(results[7].errors[0], {
      statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      message: 'NPS must be between 0 and 10',
      fields: ['WalkMe_NPS_Score__c']
    });
    assert.match(results[8].errors[0].message, /unable to obtain exclusive access to this record/);
    const row = org.data.query(
      `SELECT WalkMe_Last_Login__c, WalkMe_Logins_Last_30_Days__c, LastModifiedDate, SystemModstamp FROM Lead WHERE Id = '${ids[0]}'`
    )[0];
    assert.equal(row.WalkMe_Last_Login__c, '2024-05-01T12:34:56.000+0000');
    assert.equal(row.WalkMe_Logins_Last_30_Days__c, 12);
    assert.ok(
      Date.parse(String(row.LastModifiedDate).replace('+0000', 'Z')) >= (before.LastModifiedDate as number)
    );
    assert.equal(row.SystemModstamp, row.LastModifiedDate);
  });

  test('allOrNone rolls every record back', async () => {
    const results = (await conn.sobject('Lead').update(
      [
        { Id: ids[0], Title: 'Changed' },
        { Id: ids[1], WalkMe_NPS_Category__c: 'Nope' }
      ],
      { allOrNone: true }
    )) as Result[];
    assert.equal(results[0].success, false);
    assert.equal(results[0].errors[0].statusCode, 'ALL_OR_NONE_OPERATION_ROLLED_BACK');
    assert.equal(results[1].errors[0].statusCode, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
    assert.equal(org.data.find('Lead', ids[0])!.Title, undefined);
  });

  test('more than 200 records → EXCEEDED_ID_LIMIT; unknown field → INVALID_FIELD', async () => {
    const records = Array.from({ length: 201 }, () => ({
      attributes: { type: 'Lead' },
      id: ids[0],
      Title: 'x'
    }));
    await assert.rejects(conn.requestPatch('/composite/sobjects', { allOrNone: false, records }), {
      name: 'EXCEEDED_ID_LIMIT'
    });
    await assert.rejects(
      conn.sobject('Lead').update([
        { Id: ids[0], Nope__c: 1 },
        { Id: ids[1], Title: 'x' }
      ]),
      { name: 'INVALID_FIELD' }
    );
  });

  test('create, read, update and delete one record; required fields; Collections create', async () => {
    const created = (await conn
      .sobject('Lead')
      .create({ LastName: 'New', Company: 'Acme', Email: 'new@acme.example' })) as Result;
    assert.equal(created.success, true);
    assert.match(created.id!, /^00Q\w{15}$/);
    const read = (await conn.sobject('Lead').retrieve(created.id!)) as Record<string, unknown>;
    assert.equal(read.Status, 'Open - Not Contacted');
    assert.equal(read.IsConverted, false);
    assert.equal(read.Name, 'New');
    await conn.sobject('Lead').update({ Id: created.id!, FirstName: 'Brand' });
    assert.equal(org.data.find('Lead', created.id!)!.Name, 'Brand New');
    await assert.rejects(conn.sobject('Lead').create({ Email: 'x@acme.example' }), (thrown: unknown) => {
      const e = thrown as Error & { errorCode: string };
      assert.equal(e.errorCode, 'REQUIRED_FIELD_MISSING');
      assert.match(e.message, /Required fields are missing: \[LastName, Company\]/);
      return true;
    });
    const many = (await conn
      .sobject('Contact')
      .create([{ LastName: 'A' }, { Email: 'b@acme.example' }], { allOrNone: false })) as Result[];
    assert.equal(many[0].success, true);
    assert.equal(many[1].errors[0].statusCode, 'REQUIRED_FIELD_MISSING');
    await conn.sobject('Lead').destroy(created.id!);
    await assert.rejects(conn.sobject('Lead').retrieve(created.id!), { name: 'ENTITY_IS_DELETED' });
    const all = await conn.query(`SELECT IsDeleted FROM Lead WHERE Id = '${created.id}'`, { scanAll: true });
    assert.equal(all.totalSize, 1);
    assert.equal((await conn.query(`SELECT Id FROM Lead WHERE Id = '${created.id}'`)).totalSize, 0);
    const auto = (await conn.sobject('WalkMe_Sync_Run__c').create({ Status__c: 'Queued' })) as Result;
    assert.match(String(org.data.find('WalkMe_Sync_Run__c', auto.id!)!.Name), /^RUN-\d{6}$/);
  });

  test('a platform event published by REST answers 201 and reaches the event bus', async () => {
    const received: unknown[] = [];
    const stop = org.events.subscribe('/event/WalkMe_Run_Request__e', -1, (m) => received.push(m.payload));
    try {
      const res = (await conn.request({
        method: 'POST',
        url: '/sobjects/WalkMe_Run_Request__e',
        body: JSON.stringify({ Run_Id__c: 'a01000000000001', Dry_Run__c: false }),
        headers: { 'content-type': 'application/json' }
      })) as Result;
      assert.equal(res.success, true);
      assert.match(res.id!, /^e0/);
      assert.equal(received.length, 1);
      assert.equal((received[0] as Record<string, unknown>).Run_Id__c, 'a01000000000001');
    } finally {
      stop();
    }
  });

  test('field types and references: per-record coercion errors; a JSON array for a text field fails the call', async () => {
    const [run] = org.data.load('WalkMe_Sync_Run__c', [{ Status__c: 'Queued' }]);
    const unknownLead = '00Q000000000ZZZ';
    const results = (await conn.sobject('Lead').update(
      [
        { Id: ids[0], WalkMe_Logins_Last_30_Days__c: 'many' },
        { Id: ids[1], WalkMe_NPS_Score__c: 100 },
        { Id: ids[2], WalkMe_First_Login__c: 'yesterday' },
        { Id: ids[3], LastName: null },
        { Id: unknownLead, Title: 'x' },
        { Id: ids[4], WalkMe_Onboarding_Completion__c: 12.345 }
      ],
      { allOrNone: false }
    )) as Result[];
    assert.deepEqual(
      results.map((r) => [r.errors[0]?.statusCode ?? 'OK', r.errors[0]?.fields ?? []]),
      [
        ['INVALID_TYPE_ON_FIELD_IN_RECORD', ['WalkMe_Logins_Last_30_Days__c']],
        ['NUMBER_OUTSIDE_VALID_RANGE', ['WalkMe_NPS_Score__c']],
        ['INVALID_TYPE_ON_FIELD_IN_RECORD', ['WalkMe_First_Login__c']],
        ['REQUIRED_FIELD_MISSING', ['LastName']],
        ['INVALID_CROSS_REFERENCE_KEY', []],
        ['OK', []]
      ]
    );
    assert.equal(org.data.find('Lead', ids[4])!.WalkMe_Onboarding_Completion__c, 12.35);
    const refs = (await conn.sobject('WalkMe_Sync_Run__c').update(
      [
        { Id: run.Id, Integration__c: ids[0] },
        { Id: run.Id, Integration__c: `${org.data.describe('WalkMe_Integration__c').keyPrefix}000000000ZZZ` }
      ],
      { allOrNone: false }
    )) as Result[];
    assert.deepEqual(
      refs.map((r) => r.errors[0]?.statusCode),
      ['FIELD_INTEGRITY_EXCEPTION', 'INVALID_CROSS_REFERENCE_KEY']
    );
    await assert.rejects(conn.sobject('Lead').update([{ Id: ids[0], Title: ['a', 'b'] }]), {
      name: 'JSON_PARSER_ERROR'
    });
  });

  test('unique fields ignore case unless case-sensitive: DUPLICATE_VALUE', async () => {
    const first = (await conn
      .sobject('WalkMe_Report__c')
      .create({ Name: 'Usage', Report_Id__c: 'rep-unique-1' })) as Result;
    assert.equal(first.success, true);
    const created = (await conn
      .sobject('WalkMe_Report__c')
      .create([{ Name: 'Usage again', Report_Id__c: 'REP-UNIQUE-1' }], { allOrNone: false })) as Result[];
    assert.equal(created[0].errors[0].statusCode, 'DUPLICATE_VALUE');
    assert.deepEqual(created[0].errors[0].fields, ['Report_Id__c']);
    assert.match(created[0].errors[0].message, new RegExp(`duplicates value on record with id: ${first.id}`));
  });

  test('a lock-error share fails that share of records with UNABLE_TO_LOCK_ROW', async () => {
    org.faults.lockErrorShare = 1;
    const results = (await conn.sobject('Lead').update(
      ids.slice(0, 3).map((Id) => ({ Id, Title: 'x' })),
      { allOrNone: false }
    )) as Result[];
    assert.deepEqual(
      results.map((r) => r.errors[0]?.statusCode),
      ['UNABLE_TO_LOCK_ROW', 'UNABLE_TO_LOCK_ROW', 'UNABLE_TO_LOCK_ROW']
    );
    org.faults.lockErrorShare = 0;
    const again = (await conn.sobject('Lead').update([{ Id: ids[0], Title: 'x' }], {
      allOrNone: false
    })) as Result[];
    assert.equal(again[0].success, true);
  });
});
