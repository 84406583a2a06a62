/**
 * The preview's Apex bridge against the org emulator: every method of WalkMeApexContracts.json is answered,
 * with the fixture's shape (the same keys, the same value types, recursively), so the bridge cannot drift from
 * what IntegrationController returns. The org is filled from the fixtures themselves, and each method is
 * called with the fixture's params, its record ids swapped for the ids the org gave.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import type { Connection, DescribeGlobalSObjectResult } from '@jsforce/jsforce-node';
import {
  ADMIN_USERNAMES,
  DEFAULT_PASSWORD,
  startOrgEmulator,
  type OrgEmulator
} from '../../sync-engine/emulators/org/start.js';
import { apexRoutes } from '../bridge/apex-routes.js';
import { orgConnection } from '../preview-server.js';
import { isTarget } from '../bridge/target-schema.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const CONTRACTS: Record<string, { params: Record<string, Json>; result: Json }> = JSON.parse(
  readFileSync(
    new URL('../../force-app/main/default/staticresources/WalkMeApexContracts.json', import.meta.url),
    'utf8'
  )
);
const sample = <T>(method: string) => CONTRACTS[`IntegrationController.${method}`]!.result as T;

let orgs: OrgEmulator;
let conn: Connection;
let server: Server;
let bridgeUrl: string;
/** Fixture record id → the id of the record the org created for it. */
const ids = new Map<string, string>();

async function create(
  object: string,
  fixtureId: string | null,
  fields: Record<string, unknown>
): Promise<string> {
  const saved = await conn.sobject(object).create(fields);
  assert.ok(saved.success, `${object} created`);
  if (fixtureId) ids.set(fixtureId, saved.id);
  return saved.id;
}

/** The org as the fixtures describe it: the catalog, a connection, the integrations and the runs with a log. */
async function fillOrg() {
  type Report = {
    reportId: string;
    name: string;
    walkMeEnvironment: string;
    columns: Json;
    rowCount: number;
    refreshedAt: string | null;
  };
  for (const report of sample<Report[]>('getReports')) {
    await create('WalkMe_Report__c', null, {
      Name: report.name,
      Report_Id__c: report.reportId,
      Tags__c: 'onboarding, integrations_salesforce',
      WalkMe_Environment__c: report.walkMeEnvironment,
      Columns__c: JSON.stringify(report.columns),
      Row_Count__c: report.rowCount,
      Refreshed_At__c: report.refreshedAt
    });
  }
  // A report without the exact tag stays out of the catalog the wizard sees.
  await create('WalkMe_Report__c', null, {
    Name: 'Old',
    Report_Id__c: 'rpt-old',
    Tags__c: 'integrations_salesforce_old'
  });
  type ConnectionInfo = {
    id: string;
    name: string;
    environment: string;
    connectedUser: string;
    status: string;
    engineUrl: string;
  };
  for (const connection of sample<ConnectionInfo[]>('getConnections')) {
    await create('WalkMe_Connection__c', connection.id, {
      Name: connection.name,
      Environment__c: connection.environment,
      Connected_User__c: connection.connectedUser,
      Status__c: connection.status,
      Last_Heartbeat__c: new Date().toISOString(),
      Engine_URL__c: connection.engineUrl
    });
  }
  const full = sample<Record<string, Json>>('getIntegration');
  type Row = { id: string; name: string; reportName: string; targetObject: string; active: boolean };
  for (const row of sample<Row[]>('getIntegrations')) {
    await create('WalkMe_Integration__c', row.id, {
      Name: row.name,
      Connection__c: ids.get(String(full.connectionId)),
      Report_Id__c: full.reportId,
      Report_Name__c: row.reportName,
      WalkMe_Environment__c: full.walkMeEnvironment,
      Target_Object__c: row.targetObject,
      Report_Key_Column__c: full.reportKeyColumn,
      Object_Key_Field__c: full.objectKeyField,
      Field_Mappings__c: JSON.stringify(full.mappings),
      Schedule_Type__c: full.scheduleType,
      Schedule_Interval_Hours__c: full.scheduleIntervalHours,
      Active__c: row.active,
      Ambiguity_Policy__c: full.ambiguityPolicy,
      Converted_Lead_Handling__c: full.convertedLeadHandling,
      Allow_Large_Changes_Once__c: full.allowLargeChangesOnce,
      Max_Cleared_Percent__c: full.maxClearedPercent
    });
  }
  type Run = {
    id: string;
    reportName: string;
    targetObject: string;
    triggerType: string;
    status: string;
    startTime: string;
    endTime: string;
    [count: string]: Json;
  };
  const integrationId = ids.get(String(full.id))!;
  for (const run of sample<Run[]>('getRuns')) {
    await create('WalkMe_Sync_Run__c', run.id, {
      Integration__c: integrationId,
      Report_Name__c: run.reportName,
      Target_Object__c: run.targetObject,
      Trigger__c: run.triggerType,
      Status__c: run.status,
      Start_Time__c: run.startTime,
      End_Time__c: run.endTime,
      Rows_Read__c: run.rowsRead,
      Rows_Updated__c: run.rowsUpdated,
      Rows_Unchanged__c: run.rowsUnchanged,
      Rows_Unmatched__c: run.rowsUnmatched,
      Rows_Ambiguous__c: run.rowsAmbiguous,
      Rows_Invalid__c: run.rowsInvalid,
      Rows_Failed__c: run.rowsFailed,
      API_Calls__c: run.apiCalls,
      Error_Summary__c: run.errorSummary,
      Log__c: sample<string>('getRunLog')
    });
  }
  // The latest run of the list's first integration is the one getIntegrations names.
  await conn.sobject('WalkMe_Integration__c').update({
    Id: integrationId,
    Last_Run__c: ids.get('a02000000000002AAA'),
    Last_Run_Status__c: 'Completed',
    Last_Run_Time__c: '2025-03-05T09:00:02.000Z'
  });
}

/** The fixture's params with its record ids replaced by the org's (inside definitionJson too). */
function paramsFor(method: string): Json {
  let text = JSON.stringify(CONTRACTS[method]!.params);
  for (const [fixtureId, id] of ids) text = text.replaceAll(fixtureId, id);
  return JSON.parse(text);
}

async function callBridge(
  method: string,
  params: Json
): Promise<{ status: number; body: Record<string, Json> }> {
  const response = await fetch(`${bridgeUrl}/apex/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(params)
  });
  return { status: response.status, body: (await response.json()) as Record<string, Json> };
}

const kind = (value: Json) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/**
 * The types the fixture shows at each path: an array's elements are one path (`[]`), so a key null in one
 * sample element and a string in another may be either.
 */
function fixtureKinds(value: Json, path = '$', kinds = new Map<string, Set<string>>()) {
  if (!kinds.has(path)) kinds.set(path, new Set());
  kinds.get(path)!.add(kind(value));
  if (Array.isArray(value)) for (const element of value) fixtureKinds(element, `${path}[]`, kinds);
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) fixtureKinds(child, `${path}.${key}`, kinds);
  }
  return kinds;
}

/**
 * Where the answer leaves the fixture's shape: a missing or extra key, or a type the fixture never shows
 * there (a path the fixture only shows null at may hold any value). `visited` collects the paths answered.
 */
function shapeDifferences(
  answer: Json,
  fixture: { kinds: Map<string, Set<string>>; keys: Map<string, string[]> },
  visited: Set<string>,
  path = '$'
): string[] {
  const allowed = fixture.kinds.get(path);
  if (!allowed) return [`${path}: not in the fixture`];
  visited.add(path);
  const onlyNull = allowed.size === 1 && allowed.has('null');
  if (!allowed.has(kind(answer)) && !onlyNull) {
    return [`${path}: ${kind(answer)}, the fixture has ${[...allowed].join(' or ')}`];
  }
  if (Array.isArray(answer))
    return answer.flatMap((element) => shapeDifferences(element, fixture, visited, `${path}[]`));
  if (!answer || typeof answer !== 'object' || onlyNull) return [];
  const expected = fixture.keys.get(path)!;
  const actual = Object.keys(answer).sort();
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    return [`${path}: keys ${actual.join(',')}, the fixture has ${expected.join(',')}`];
  }
  return actual.flatMap((key) => shapeDifferences(answer[key]!, fixture, visited, `${path}.${key}`));
}

function objectKeys(value: Json, path = '$', keys = new Map<string, string[]>()) {
  if (Array.isArray(value)) for (const element of value) objectKeys(element, `${path}[]`, keys);
  else if (value && typeof value === 'object') {
    keys.set(path, Object.keys(value).sort());
    for (const [key, child] of Object.entries(value)) objectKeys(child, `${path}.${key}`, keys);
  }
  return keys;
}

before(async () => {
  orgs = await startOrgEmulator({ seed: false });
  const sandbox = orgs.orgs.sandbox;
  conn = await orgConnection({ ...sandbox, username: ADMIN_USERNAMES.sandbox, password: DEFAULT_PASSWORD });
  await fillOrg();
  server = express().use(apexRoutes(conn)).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  bridgeUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server?.close();
  await orgs?.stop();
});

// The methods that change the org come last, in this order, so the reads see the fixtures' records.
const WRITES = ['saveIntegration', 'runNow', 'deleteIntegration'].map(
  (name) => `IntegrationController.${name}`
);
const METHODS = [...Object.keys(CONTRACTS).filter((method) => !WRITES.includes(method)), ...WRITES];

for (const method of METHODS) {
  test(`${method} answers with the shape of its WalkMeApexContracts.json sample`, async () => {
    const { status, body } = await callBridge(method, paramsFor(method));
    assert.equal(status, 200, JSON.stringify(body));
    const fixture = CONTRACTS[method]!.result;
    const kinds = fixtureKinds(fixture);
    const visited = new Set<string>();
    assert.deepEqual(shapeDifferences(body.result!, { kinds, keys: objectKeys(fixture) }, visited), []);
    // Every part of the sample was compared with something: no empty list left a shape unchecked.
    const unvisited = [...kinds.keys()].filter((path) => !visited.has(path) && !kinds.get(path)!.has('null'));
    assert.deepEqual(
      unvisited.filter(
        (path) => !unvisited.some((other) => path.startsWith(`${other}.`) || path.startsWith(`${other}[]`))
      ),
      []
    );
  });
}

test('saveIntegration refuses a number column into a datetime field with the Apex validator’s message', async () => {
  const { body } = await callBridge(
    'IntegrationController.saveIntegration',
    paramsFor('IntegrationController.saveIntegration')
  );
  assert.deepEqual(body.result, sample('saveIntegration'));
});

test('getReports lists only reports tagged exactly integrations_salesforce', async () => {
  const { body } = await callBridge('IntegrationController.getReports', {});
  assert.deepEqual(
    (body.result as Array<{ reportId: string }>).map((report) => report.reportId).sort(),
    sample<Array<{ reportId: string }>>('getReports')
      .map((report) => report.reportId)
      .sort()
  );
});

test('getTargetObjects offers no custom metadata type, platform event or package object', async () => {
  const { body } = await callBridge('IntegrationController.getTargetObjects', {});
  const names = (body.result as Array<{ apiName: string }>).map((object) => object.apiName);
  assert.ok(names.includes('Lead') && names.includes('Contact'), names.join(', '));
  assert.deepEqual(
    names.filter((name) => /__(mdt|e)$|^WalkMe_/i.test(name)),
    []
  );
});

test('runNow queues the run and publishes WalkMe_Run_Request__e, then refuses while that run is live', async () => {
  // The second integration: the first has the live run its contract test queued.
  const integrationId = ids.get('a01000000000002AAA')!;
  const published: Array<Record<string, unknown>> = [];
  const unsubscribe = orgs.orgs.sandbox.events.subscribe('/event/WalkMe_Run_Request__e', -1, (message) =>
    published.push(message.payload as Record<string, unknown>)
  );
  try {
    const { body } = await callBridge('IntegrationController.runNow', { integrationId, dryRun: true });
    const { runId } = body.result as { runId: string };
    const [run] = orgs.orgs.sandbox.data.query(
      `SELECT Status__c, Trigger__c, Dry_Run__c FROM WalkMe_Sync_Run__c WHERE Id = '${runId}'`
    );
    assert.deepEqual(
      { ...run, attributes: undefined },
      { attributes: undefined, Status__c: 'Queued', Trigger__c: 'Manual', Dry_Run__c: true }
    );
    assert.deepEqual(
      published.map(({ Integration_Id__c, Run_Id__c, Dry_Run__c }) => ({
        Integration_Id__c,
        Run_Id__c,
        Dry_Run__c
      })),
      [{ Integration_Id__c: integrationId, Run_Id__c: runId, Dry_Run__c: true }]
    );
    const again = await callBridge('IntegrationController.runNow', { integrationId, dryRun: false });
    assert.equal(again.status, 400);
    assert.match(String(again.body.message), /already has a queued run/);
  } finally {
    unsubscribe();
  }
});

test('an unknown method and malformed parameters get errors that name the problem', async () => {
  const unknown = await callBridge('IntegrationController.noSuchMethod', {});
  assert.equal(unknown.status, 404);
  assert.match(String(unknown.body.message), /No Apex method IntegrationController\.noSuchMethod/);
  const badId = await callBridge('IntegrationController.getRuns', { integrationId: 'x' });
  assert.equal(badId.status, 400);
  assert.match(String(badId.body.message), /integrationId must be a Salesforce record id/);
});

test('isTarget drops what TargetSchemaService drops: custom metadata, events, big and external objects, share and history objects', () => {
  const entry = (name: string, custom = name.includes('__')) =>
    ({
      name,
      custom,
      queryable: true,
      updateable: true,
      customSetting: false
    }) as DescribeGlobalSObjectResult;
  const offered = [
    'Subscription__c',
    'Account',
    'Other_Type__mdt',
    'Order_Event__e',
    'Archive__b',
    'Legacy__x'
  ]
    .concat(['AccountShare', 'Subscription__History', 'LeadChangeEvent', 'WalkMe_Sync_Run__c'])
    .filter((name) => isTarget(entry(name)));
  assert.deepEqual(offered, ['Subscription__c', 'Account']);
  assert.equal(isTarget({ ...entry('Settings__c'), customSetting: true }), false);
});
