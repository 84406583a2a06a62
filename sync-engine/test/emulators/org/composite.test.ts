import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Connection } from '@jsforce/jsforce-node';
import { startOrgEmulator, type OrgEmulator, type OrgHandle } from '../../../emulators/org/start.js';
import {
  fixture,
  login,
  postJson,
  replaceValues,
  shapeOf,
  type CompositeAnswer,
  type SubrequestResult
} from './composite-helpers.js';

const COMPOSITE = '/services/data/v62.0/composite';
const ROLLED_BACK = {
  errorCode: 'PROCESSING_HALTED',
  message: 'The transaction was rolled back since another operation in the same transaction failed.'
};
const idOf = (r: SubrequestResult) => (r.body as { id: string }).id;
const count = (org: OrgHandle, soql: string) => org.data.query(soql).length;

describe('org emulator: POST /composite', () => {
  let emulator: OrgEmulator;
  let org: OrgHandle;
  let conn: Connection;
  before(async () => {
    emulator = await startOrgEmulator({ seed: false });
    org = emulator.orgs.production;
    conn = await login(org);
  });
  after(() => emulator.stop());
  beforeEach(() => {
    org.faults.reset();
    org.calls.reset();
  });

  test("the guide's first example: a contact parented under the account created before it, through jsforce", async () => {
    const doc = fixture<{ request: object; refAccountResult: SubrequestResult }>(
      'composite-send-multiple-requests.json'
    );
    // jsforce has no composite helper; both of its generic calls reach the resource.
    const viaRequestPost = await conn.requestPost<CompositeAnswer>('/composite', doc.request);
    const viaRequest = await conn.request<CompositeAnswer>({
      method: 'POST',
      url: COMPOSITE,
      body: JSON.stringify(doc.request),
      headers: { 'content-type': 'application/json' }
    });
    for (const answer of [viaRequestPost, viaRequest]) {
      const [account, contact] = answer.compositeResponse;
      assert.deepEqual(shapeOf(account), shapeOf(doc.refAccountResult));
      assert.equal(account.httpStatusCode, 201);
      assert.equal(account.referenceId, 'refAccount');
      assert.deepEqual(account.httpHeaders, {
        Location: `/services/data/v62.0/sobjects/Account/${idOf(account)}`
      });
      assert.equal(contact.httpStatusCode, 201);
      assert.equal(contact.referenceId, 'refContact');
      assert.equal(org.data.find('Contact', idOf(contact))?.AccountId, idOf(account));
    }
  });

  test("a failed create answers as the guide's badContact example, and the others still run", async () => {
    const doc = fixture<{ badContactResult: SubrequestResult }>('composite-send-multiple-requests.json');
    const { body } = await postJson<CompositeAnswer>(conn, COMPOSITE, {
      compositeRequest: [
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Contact',
          referenceId: 'badContact',
          body: { LastName: 'Bad', Email: 'Not a real email address' }
        },
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Account',
          referenceId: 'goodAccount',
          body: { Name: 'Independent' }
        }
      ]
    });
    assert.deepEqual(body.compositeResponse[0], doc.badContactResult);
    assert.equal(body.compositeResponse[1].httpStatusCode, 201);
  });

  test('"Execute Dependent Requests in a Single API Call" round-trips: references into bodies, URLs and compound fields', async () => {
    const doc = fixture<{ request: Record<string, unknown>; response: CompositeAnswer }>(
      'composite-dependent-requests.json'
    );
    org.data.update(
      'User',
      [
        {
          Id: org.userId,
          FirstName: 'Jane',
          LastName: 'Doe',
          CompanyName: 'Salesforce',
          Title: 'Director',
          City: 'San Francisco',
          State: 'CA'
        }
      ],
      false
    );
    const { status, body } = await postJson<CompositeAnswer>(conn, COMPOSITE, doc.request);
    assert.equal(status, 200);
    const got = body.compositeResponse;
    const want = doc.response.compositeResponse;
    assert.deepEqual(
      got.map((r) => [r.referenceId, r.httpStatusCode]),
      // The emulator's Account metadata changed after 2016 (it was built at start): 200, not the page's 304.
      want.map((r) => [r.referenceId, r.referenceId === 'AccountMetadata' ? 200 : r.httpStatusCode])
    );
    for (const i of [0, 2, 3])
      assert.deepEqual(shapeOf(got[i]), shapeOf(want[i]), String(got[i].referenceId));
    assert.deepEqual(Object.keys(got[1].httpHeaders).sort(), ['ETag', 'Last-Modified']);
    assert.match(got[1].httpHeaders.ETag, /^"[A-Za-z0-9+/]{27}="$/);
    const accountId = idOf(got[0]);
    const account = got[1].body as Record<string, unknown>;
    assert.equal(account.Id, accountId);
    assert.deepEqual(account.BillingAddress, {
      city: 'San Francisco',
      country: null,
      geocodeAccuracy: null,
      latitude: null,
      longitude: null,
      postalCode: null,
      state: 'California',
      street: 'Landmark @ 1 Market Street'
    });
    const contact = org.data.find('Contact', idOf(got[2]))!;
    assert.deepEqual(
      {
        Title: contact.Title,
        MailingStreet: contact.MailingStreet,
        MailingCity: contact.MailingCity,
        MailingState: contact.MailingState,
        AccountId: contact.AccountId,
        LastName: contact.LastName
      },
      {
        Title: 'CTO of Salesforce',
        MailingStreet: 'Landmark @ 1 Market Street',
        MailingCity: 'San Francisco',
        MailingState: 'California',
        AccountId: accountId,
        LastName: 'John Doe'
      }
    );
    const owner = got[3].body as Record<string, unknown>;
    const { attributes: _a, Id, ...fields } = owner;
    const { attributes: _b, Id: _docId, ...docFields } = want[3].body as Record<string, unknown>;
    assert.deepEqual(Object.keys(owner), Object.keys(want[3].body as object));
    assert.deepEqual(fields, docFields);
    assert.equal(Id, org.userId);

    // Asked again with a date after the metadata's last change: the page's 304, no body, ETag and Last-Modified.
    const later = replaceValues(doc.request, {
      'Tue, 31 May 2016 18:13:37 GMT': new Date(Date.now() + 60_000).toUTCString()
    }) as { compositeRequest: unknown[] };
    const again = await postJson<CompositeAnswer>(conn, COMPOSITE, {
      compositeRequest: [later.compositeRequest[4]]
    });
    assert.deepEqual(shapeOf(again.body.compositeResponse[0]), shapeOf(want[4]));
    assert.equal(again.body.compositeResponse[0].httpStatusCode, 304);
    assert.match(again.body.compositeResponse[0].httpHeaders.ETag, /^"[0-9a-f]{8}"$/);
  });

  describe("allOrNone with an sObject Collections subrequest: the guide's four cases", () => {
    const doc = fixture<{ request: unknown; responseCase4: CompositeAnswer }>(
      'composite-allornone-collections.json'
    );
    const names = () =>
      org.data
        .query("SELECT Name FROM Account WHERE Name IN ('Northern Trail Outfitters', 'Easy Spaces')")
        .map((r) => r.Name);
    const smiths = () => count(org, "SELECT Id FROM Contact WHERE LastName = 'Smith' AND FirstName = 'John'");
    const run = async (outerFlag: boolean, innerFlag: boolean) => {
      // The page's org has a duplicate rule that blocks Easy Spaces; this org gets the same.
      org.faults.validationRules.push({
        object: 'Account',
        statusCode: 'DUPLICATES_DETECTED',
        message: 'Use one of these records?',
        predicate: (r) => r.Name === 'Easy Spaces'
      });
      for (const row of org.data.query("SELECT Id FROM Account WHERE Name = 'Northern Trail Outfitters'"))
        org.data.delete('Account', String(row.Id));
      for (const row of org.data.query("SELECT Id FROM Contact WHERE LastName = 'Smith'"))
        org.data.delete('Contact', String(row.Id));
      const request = replaceValues(doc.request, { outerFlag, innerFlag });
      const { status, body } = await postJson<CompositeAnswer>(conn, COMPOSITE, request);
      assert.equal(status, 200);
      return body.compositeResponse;
    };
    const codes = (r: SubrequestResult) =>
      (r.body as Array<{ success: boolean; errors: Array<{ statusCode: string }> }>).map(
        (record) => record.errors[0]?.statusCode ?? 'OK'
      );

    test('case 1 (false, false): one account created, one failed, the contact created', async () => {
      const [accounts, contact] = await run(false, false);
      assert.equal(accounts.httpStatusCode, 200);
      assert.deepEqual(codes(accounts), ['OK', 'DUPLICATES_DETECTED']);
      assert.equal(contact.httpStatusCode, 201);
      assert.deepEqual(names(), ['Northern Trail Outfitters']);
      assert.equal(smiths(), 1);
    });

    test('case 2 (false, true): the Collections request rolled back, the contact created', async () => {
      const [accounts, contact] = await run(false, true);
      assert.deepEqual(codes(accounts), ['ALL_OR_NONE_OPERATION_ROLLED_BACK', 'DUPLICATES_DETECTED']);
      assert.equal(contact.httpStatusCode, 201);
      assert.deepEqual(names(), []);
      assert.equal(smiths(), 1);
    });

    test('case 3 (true, true): both rolled back', async () => {
      const [accounts, contact] = await run(true, true);
      assert.deepEqual(codes(accounts), ['ALL_OR_NONE_OPERATION_ROLLED_BACK', 'DUPLICATES_DETECTED']);
      assert.equal(contact.httpStatusCode, 400);
      assert.deepEqual(contact.body, [ROLLED_BACK]);
      assert.deepEqual(names(), []);
      assert.equal(smiths(), 0);
    });

    test("case 4 (true, false): the page's response, and the account that answered success is not created", async () => {
      const got = await run(true, false);
      const want = doc.responseCase4.compositeResponse;
      assert.deepEqual(shapeOf(got), shapeOf(want));
      assert.deepEqual(
        got.map((r) => [r.httpStatusCode, r.httpHeaders]),
        want.map((r) => [r.httpStatusCode, r.httpHeaders])
      );
      assert.deepEqual((got[0].body as unknown[])[1], (want[0].body as unknown[])[1]);
      assert.equal((got[0].body as Array<{ success: boolean }>)[0].success, true);
      assert.deepEqual(got[1], want[1]);
      assert.deepEqual(names(), []);
      assert.equal(smiths(), 0);
    });
  });

  test('allOrNone rolls back creates, updates and deletes, and holds back platform events', async () => {
    const [lead] = org.data.load('Lead', [{ LastName: 'Kept', Company: 'Acme', Title: 'Before' }]);
    const [doomed] = org.data.load('Lead', [{ LastName: 'Doomed', Company: 'Acme' }]);
    const delivered: unknown[] = [];
    const stop = org.events.subscribe('/event/WalkMe_Run_Request__e', -1, (m) => delivered.push(m));
    try {
      const subrequests = (failing: boolean) => [
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Account',
          referenceId: 'account',
          body: { Name: 'Rolled back' }
        },
        {
          method: 'PATCH',
          url: `/services/data/v62.0/sobjects/Lead/${lead.Id}`,
          referenceId: 'update',
          body: { Title: 'After' }
        },
        { method: 'DELETE', url: `/services/data/v62.0/sobjects/Lead/${doomed.Id}`, referenceId: 'remove' },
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/WalkMe_Run_Request__e',
          referenceId: 'event',
          body: {}
        },
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Contact',
          referenceId: 'contact',
          body: { LastName: 'X', Email: failing ? 'nope' : 'ok@acme.example' }
        }
      ];
      const { body } = await postJson<CompositeAnswer>(conn, COMPOSITE, {
        allOrNone: true,
        compositeRequest: subrequests(true)
      });
      const results = body.compositeResponse;
      assert.deepEqual(
        results.map((r) => r.httpStatusCode),
        [400, 400, 400, 400, 400]
      );
      for (const r of results.slice(0, 4)) assert.deepEqual(r.body, [ROLLED_BACK]);
      assert.equal((results[4].body as Array<{ errorCode: string }>)[0].errorCode, 'INVALID_EMAIL_ADDRESS');
      assert.equal(count(org, "SELECT Id FROM Account WHERE Name = 'Rolled back'"), 0);
      assert.equal(org.data.find('Lead', lead.Id)?.Title, 'Before');
      assert.equal(org.data.find('Lead', doomed.Id)?.IsDeleted, false);
      assert.equal(count(org, `SELECT Id FROM Lead WHERE Id = '${lead.Id}' AND Title = 'Before'`), 1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(delivered.length, 0, 'an event of a rolled-back transaction is never delivered');

      const committed = await postJson<CompositeAnswer>(conn, COMPOSITE, {
        allOrNone: true,
        compositeRequest: subrequests(false)
      });
      assert.deepEqual(
        committed.body.compositeResponse.map((r) => r.httpStatusCode),
        [201, 204, 204, 201, 201]
      );
      assert.equal(org.data.find('Lead', lead.Id)?.Title, 'After');
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(delivered.length, 1, 'published once the transaction commits');
    } finally {
      stop();
    }
  });

  test('without allOrNone, a subrequest referring to a failed one is not run; the others are', async () => {
    const { body } = await postJson<CompositeAnswer>(conn, COMPOSITE, {
      allOrNone: false,
      compositeRequest: [
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Contact',
          referenceId: 'bad',
          body: { LastName: 'Bad', Email: 'not an email' }
        },
        {
          method: 'PATCH',
          url: '/services/data/v62.0/sobjects/Contact/@{bad.id}',
          referenceId: 'dependent',
          body: { Title: 'never' }
        },
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Account',
          referenceId: 'independent',
          body: { Name: 'Runs anyway' }
        }
      ]
    });
    const [bad, dependent, independent] = body.compositeResponse;
    assert.equal(bad.httpStatusCode, 400);
    assert.deepEqual(dependent, {
      body: [
        {
          errorCode: 'PROCESSING_HALTED',
          message:
            "Invalid reference specified. No value for bad.id found in bad. Provided referenceId ('bad.id') must start with a letter or a number, and it can contain only letters, numbers and underscores ('_')."
        }
      ],
      httpHeaders: {},
      httpStatusCode: 400,
      referenceId: 'dependent'
    });
    assert.equal(independent.httpStatusCode, 201);
  });

  test("references are case-sensitive: @{refAccount.Id} on a create's answer does not resolve", async () => {
    const { body } = await postJson<CompositeAnswer>(conn, COMPOSITE, {
      compositeRequest: [
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Account',
          referenceId: 'refAccount',
          body: { Name: 'Case' }
        },
        {
          method: 'GET',
          url: '/services/data/v62.0/sobjects/Account/@{refAccount.Id}',
          referenceId: 'NewAccountFields'
        }
      ]
    });
    assert.equal(body.compositeResponse[1].httpStatusCode, 400);
    assert.match(
      (body.compositeResponse[1].body as Array<{ message: string }>)[0].message,
      /^Invalid reference specified\. No value for refAccount\.Id found in refAccount\./
    );
  });

  describe('references into query results (the guide\'s "fields that aren\'t specified in the parent request")', () => {
    const doc = fixture<{
      unselectedField: { request: unknown; responseV52: CompositeAnswer; fixedRequest: unknown };
      nullField: { request: unknown; responseV51: CompositeAnswer; responseV52: CompositeAnswer };
    }>('composite-reference-ids.json');
    before(() => {
      org.data.load('Account', [
        { Id: '001RO000001nGbUYAU', Name: 'City Medical Center' },
        { Id: '001RO000001nGCdYAM', Name: 'Another' }
      ]);
      org.data.load('Contact', [
        { Id: '003RO0000016kOuYAI', LastName: 'Wong', AccountId: '001RO000001nGbUYAU' }
      ]);
    });

    test("a field the parent query did not select: the page's v52.0 answer", async () => {
      const { body } = await postJson<CompositeAnswer>(conn, COMPOSITE, doc.unselectedField.request);
      const want = doc.unselectedField.responseV52.compositeResponse;
      assert.deepEqual(shapeOf(body.compositeResponse), shapeOf(want));
      assert.deepEqual(body.compositeResponse[1], want[1]);
      const contact = (body.compositeResponse[0].body as { records: Array<Record<string, unknown>> })
        .records[0];
      assert.equal(contact.Id, '003RO0000016kOuYAI');
      assert.equal((contact.Account as { Name: string }).Name, 'City Medical Center');
    });

    test('selecting it makes @{refContact.records[0].AccountId} resolve inside the second query', async () => {
      const { body } = await postJson<CompositeAnswer>(conn, COMPOSITE, doc.unselectedField.fixedRequest);
      const [, account] = body.compositeResponse;
      assert.equal(account.httpStatusCode, 200);
      assert.deepEqual(
        (account.body as { records: Array<{ Name: string }> }).records.map((r) => r.Name),
        ['City Medical Center']
      );
    });

    test("a reference to a null field: fails before 52.0, resolves to null from 52.0 (the page's two answers)", async () => {
      const v51 = await postJson<CompositeAnswer>(
        conn,
        '/services/data/v51.0/composite',
        doc.nullField.request
      );
      assert.deepEqual(shapeOf(v51.body), shapeOf(doc.nullField.responseV51));
      assert.deepEqual(v51.body.compositeResponse[1], doc.nullField.responseV51.compositeResponse[1]);
      assert.deepEqual((v51.body.compositeResponse[0].body as Record<string, unknown>).FirstName, null);
      const v62 = await postJson<CompositeAnswer>(conn, COMPOSITE, doc.nullField.request);
      assert.deepEqual(shapeOf(v62.body), shapeOf(doc.nullField.responseV52));
      const created = org.data.find('Contact', idOf(v62.body.compositeResponse[1]))!;
      assert.equal(created.FirstName, null);
      assert.equal(created.LastName, 'Wong');
    });
  });

  describe('reference id rules', () => {
    const doc = fixture<{
      illegalCharacters: {
        request: unknown;
        responseV51: CompositeAnswer;
        statusV52: number;
        responseV52: unknown;
      };
    }>('composite-reference-ids.json');
    const accounts = () =>
      count(org, "SELECT Id FROM Account WHERE Name IN ('Cloudy Consulting', 'Easy Spaces')");
    beforeEach(() => {
      for (const row of org.data.query(
        "SELECT Id FROM Account WHERE Name IN ('Cloudy Consulting', 'Easy Spaces')"
      ))
        org.data.delete('Account', String(row.Id));
    });

    test("from 52.0 an illegal character fails the whole request with the page's JSON_PARSER_ERROR", async () => {
      const { status, body } = await postJson(conn, COMPOSITE, doc.illegalCharacters.request);
      assert.equal(status, doc.illegalCharacters.statusV52);
      assert.deepEqual(body, doc.illegalCharacters.responseV52);
      assert.equal(accounts(), 0);
    });

    test("in 51.0 only the subrequest using it fails, with the page's message", async () => {
      const { status, body } = await postJson<CompositeAnswer>(
        conn,
        '/services/data/v51.0/composite',
        doc.illegalCharacters.request
      );
      assert.equal(status, 200);
      const want = doc.illegalCharacters.responseV51.compositeResponse;
      assert.deepEqual(shapeOf(body.compositeResponse), shapeOf(want));
      assert.deepEqual(body.compositeResponse[1], want[1]);
      assert.deepEqual(
        body.compositeResponse.map((r) => r.referenceId),
        want.map((r) => r.referenceId)
      );
      assert.equal(accounts(), 2);
    });

    test('a referenceId is required and unique; Accept, Authorization and Content-Type cannot be set on a subrequest', async () => {
      const sub = { method: 'GET', url: '/services/data/v62.0/sobjects/Account/describe' };
      const missing = await postJson(conn, COMPOSITE, { compositeRequest: [sub] });
      assert.equal(missing.status, 400);
      const duplicate = await postJson(conn, COMPOSITE, {
        compositeRequest: [
          { ...sub, referenceId: 'a' },
          { ...sub, referenceId: 'a' }
        ]
      });
      assert.equal(duplicate.status, 400);
      const header = await postJson(conn, COMPOSITE, {
        compositeRequest: [{ ...sub, referenceId: 'a', httpHeaders: { 'Content-Type': 'text/xml' } }]
      });
      assert.equal(header.status, 400);
    });
  });

  describe('subrequest limits', () => {
    const tooMany = fixture<{ response: CompositeAnswer }>('composite-too-many-subrequests.json');
    const describeAccount = (i: number) => ({
      method: 'GET',
      url: '/services/data/v62.0/sobjects/Account/describe',
      referenceId: `describe${i}`
    });
    const queryLeads = (i: number) => ({
      method: 'GET',
      url: '/services/data/v62.0/query?q=SELECT+Id+FROM+Lead+LIMIT+1',
      referenceId: `query${i}`
    });
    const createAccount = (i: number) => ({
      method: 'POST',
      url: '/services/data/v62.0/sobjects/Account',
      referenceId: `create${i}`,
      body: { Name: `Limit ${i}` }
    });

    test('25 subrequests, five of them queries, run', async () => {
      const subrequests = [
        ...Array.from({ length: 5 }, (_, i) => queryLeads(i)),
        ...Array.from({ length: 20 }, (_, i) => describeAccount(i))
      ];
      const { body } = await postJson<CompositeAnswer>(conn, COMPOSITE, { compositeRequest: subrequests });
      assert.equal(body.compositeResponse.length, 25);
      assert.ok(body.compositeResponse.every((r) => r.httpStatusCode === 200));
    });

    test('26 subrequests are refused, nothing runs, with the answer Salesforce was seen to send', async () => {
      const subrequests = Array.from({ length: 26 }, (_, i) => createAccount(i));
      const { status, body } = await postJson<CompositeAnswer>(conn, COMPOSITE, {
        compositeRequest: subrequests
      });
      assert.equal(status, 200); // [unverified] top-level status
      assert.deepEqual(body, tooMany.response);
      assert.equal(count(org, "SELECT Id FROM Account WHERE Name LIKE 'Limit %'"), 0);
    });

    test('a sixth query or Collections subrequest is refused the same way, nothing runs', async () => {
      const collections = {
        method: 'POST',
        url: '/services/data/v62.0/composite/sobjects',
        referenceId: 'collection',
        body: { records: [{ attributes: { type: 'Account' }, Name: 'Limit collection' }] }
      };
      const { body } = await postJson<CompositeAnswer>(conn, COMPOSITE, {
        compositeRequest: [...Array.from({ length: 5 }, (_, i) => queryLeads(i)), collections]
      });
      assert.deepEqual(shapeOf(body), shapeOf(tooMany.response));
      assert.equal(
        (body.compositeResponse[0].body as Array<{ errorCode: string }>)[0].errorCode,
        'LIMIT_EXCEEDED'
      );
      assert.equal(count(org, "SELECT Id FROM Account WHERE Name = 'Limit collection'"), 0);
    });

    test('resources composite does not serve are refused before anything runs', async () => {
      for (const url of ['/services/data/v62.0/limits', '/services/data/v62.0/composite/batch']) {
        const { status } = await postJson(conn, COMPOSITE, {
          compositeRequest: [createAccount(99), { method: 'GET', url, referenceId: 'other' }]
        });
        assert.equal(status, 400, url);
      }
      const { status } = await postJson(conn, COMPOSITE, {
        compositeRequest: [{ method: 'GET', url: '/sobjects/Account/describe', referenceId: 'relative' }]
      });
      assert.equal(status, 400, 'a subrequest URL must start with /services/data/vXX.X/');
      assert.equal(count(org, "SELECT Id FROM Account WHERE Name = 'Limit 99'"), 0);
    });
  });

  test('subrequest headers reach their resource: Sforce-Query-Options sizes a query page', async () => {
    org.data.load(
      'Lead',
      Array.from({ length: 450 }, (_, i) => ({ LastName: `Paged ${i}`, Company: 'Paging' }))
    );
    const { body } = await postJson<CompositeAnswer>(conn, COMPOSITE, {
      collateSubrequests: true,
      compositeRequest: [
        {
          method: 'GET',
          url: "/services/data/v62.0/query?q=SELECT+Id+FROM+Lead+WHERE+Company+%3D+'Paging'",
          referenceId: 'first',
          httpHeaders: { 'Sforce-Query-Options': 'batchSize=200' }
        }
      ]
    });
    const page = body.compositeResponse[0].body as { totalSize: number; done: boolean; records: unknown[] };
    assert.equal(page.records.length, 200);
    assert.equal(page.totalSize, 450);
    assert.equal(page.done, false);
  });

  test('a composite counts as one API call, in /limits and in Sforce-Limit-Info, whatever it holds', async () => {
    const before = (await conn.limits()).DailyApiRequests.Remaining;
    org.calls.reset();
    const subrequests = Array.from({ length: 25 }, (_, i) => ({
      method: 'POST',
      url: '/services/data/v62.0/sobjects/Account',
      referenceId: `counted${i}`,
      body: { Name: `Counted ${i}` }
    }));
    const { headers } = await postJson<CompositeAnswer>(conn, COMPOSITE, { compositeRequest: subrequests });
    assert.deepEqual(org.calls.byKind, { compositeRequest: 1 });
    assert.equal(org.calls.total, 1);
    const [used, max] = /api-usage=(\d+)\/(\d+)/
      .exec(headers.get('sforce-limit-info')!)!
      .slice(1)
      .map(Number);
    assert.equal(max - used, before - 1);
    const after = (await conn.limits()).DailyApiRequests.Remaining;
    assert.equal(after, before - 2, 'the composite and this /limits call');
  });
});
