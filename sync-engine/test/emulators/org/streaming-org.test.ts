import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Connection } from '@jsforce/jsforce-node';
import { StreamingExtension } from '@jsforce/jsforce-node/lib/api/streaming.js';
import { startOrgEmulator } from '../../../emulators/org/start.js';
import type { OrgEmulator, OrgHandle } from '../../../emulators/org/start.js';

const EVENT = 'WalkMe_Run_Request__e';
const CHANNEL = `/event/${EVENT}`;

interface EventMessage {
  schema: string;
  payload: Record<string, unknown>;
  event: { EventUuid: string; replayId: number };
}

async function login(org: OrgHandle): Promise<Connection> {
  const conn = new Connection({
    oauth2: { loginUrl: org.loginUrl, clientId: org.clientId, clientSecret: org.clientSecret },
    version: '62.0'
  });
  await conn.login(org.username, org.password);
  return conn;
}

/** Faye's client can disconnect, though jsforce's typings leave it out. */
async function disconnect(client: object): Promise<void> {
  await (client as { disconnect(): PromiseLike<void> }).disconnect();
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('platform events from REST to CometD on the org emulator', () => {
  let emulator: OrgEmulator;
  let org: OrgHandle;
  let conn: Connection;
  before(async () => {
    emulator = await startOrgEmulator({ seed: false });
    org = emulator.orgs.production;
    conn = await login(org);
  });
  after(async () => {
    await emulator.stop();
  });

  test('an event published by REST reaches conn.streaming within a second', async () => {
    const client = conn.streaming.createClient([new StreamingExtension.Replay(CHANNEL, -1)]);
    let arrivedAt = 0;
    const arrived = new Promise<EventMessage>((resolve) => {
      void client.subscribe(CHANNEL, (message: EventMessage) => {
        arrivedAt = Date.now();
        resolve(message);
      });
    });
    await settle(300);
    const publishedAt = Date.now();
    const saved = await conn.sobject(EVENT).create({
      Integration_Id__c: 'a00000000000001AAA',
      Run_Id__c: 'a01000000000001AAA',
      Dry_Run__c: false
    });
    const message = await arrived;
    await disconnect(client);
    assert.equal(saved.success, true);
    assert.ok(arrivedAt - publishedAt < 1000, `arrived after ${arrivedAt - publishedAt} ms`);
    assert.equal(message.payload.Run_Id__c, 'a01000000000001AAA');
    assert.equal(message.payload.Dry_Run__c, false);
    assert.equal(message.payload.CreatedById, org.userId);
    assert.match(String(message.payload.CreatedDate), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    assert.ok(message.event.replayId >= 1);
    assert.ok((org.calls.byKind.streaming ?? 0) > 0, 'CometD requests are recorded as streaming calls');
  });

  test('replay -2 delivers the retained events first', async () => {
    await conn
      .sobject(EVENT)
      .create({ Integration_Id__c: 'a00000000000002AAA', Run_Id__c: 'a01000000000002AAA' });
    const client = conn.streaming.createClient([new StreamingExtension.Replay(CHANNEL, -2)]);
    const runIds: unknown[] = [];
    const seen = new Promise<void>((resolve) => {
      void client.subscribe(CHANNEL, (message: EventMessage) => {
        runIds.push(message.payload.Run_Id__c);
        if (message.payload.Run_Id__c === 'a01000000000002AAA') resolve();
      });
    });
    await seen;
    await disconnect(client);
    assert.deepEqual(runIds, ['a01000000000001AAA', 'a01000000000002AAA']);
  });

  test('an expired session fires the AuthFailure extension, at handshake and on a live connection', async () => {
    const live = await login(org);
    const failures: Array<Record<string, unknown>> = [];
    const liveFailed = new Promise<void>((resolve) => {
      const client = live.streaming.createClient([
        new StreamingExtension.AuthFailure((message: Record<string, unknown>) => {
          failures.push(message);
          resolve();
        })
      ]);
      void client.subscribe(CHANNEL, () => {});
    });
    await settle(300);
    org.faults.expireSessions();
    // The held long-poll returns with this event; the next one carries the expired session.
    org.events.publish(EVENT, { Run_Id__c: 'a01000000000003AAA' });
    await liveFailed;
    assert.equal(failures[0].channel, '/meta/connect');
    assert.equal(failures[0].error, '401::Authentication invalid');

    const handshakeFailed = new Promise<Record<string, unknown>>((resolve) => {
      const client = live.streaming.createClient([new StreamingExtension.AuthFailure(resolve)]);
      void client.subscribe(CHANNEL, () => {});
    });
    const denied = await handshakeFailed;
    assert.equal(denied.error, '403::Handshake denied');
    assert.deepEqual(denied.advice, { reconnect: 'none' });
  });

  test('startOrgEmulator passes streaming timeouts to the CometD router', async () => {
    const quick = await startOrgEmulator({ seed: false, streaming: { connectTimeoutMs: 250 } });
    try {
      const c = await login(quick.orgs.production);
      const post = async (message: Record<string, unknown>) => {
        const res = await fetch(`${c.instanceUrl}/cometd/62.0`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `OAuth ${c.accessToken}` },
          body: JSON.stringify([message])
        });
        return ((await res.json()) as Array<Record<string, unknown>>)[0];
      };
      const handshake = await post({
        channel: '/meta/handshake',
        version: '1.0',
        supportedConnectionTypes: ['long-polling']
      });
      assert.equal(handshake.successful, true);
      const started = performance.now();
      const first = await post({
        channel: '/meta/connect',
        clientId: handshake.clientId,
        connectionType: 'long-polling'
      });
      assert.equal((first.advice as { timeout: number }).timeout, 250);
      const held = await post({
        channel: '/meta/connect',
        clientId: handshake.clientId,
        connectionType: 'long-polling'
      });
      assert.equal(held.successful, true);
      assert.ok(performance.now() - started >= 200);
    } finally {
      await quick.stop();
    }
  });
});
