import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { Connection } from '@jsforce/jsforce-node';
import { StreamingExtension } from '@jsforce/jsforce-node/lib/api/streaming.js';
import { ApiAccounting } from '../../../emulators/org/api-accounting.js';
import { createEventBus } from '../../../emulators/org/event-bus.js';
import { createStreamingRouter } from '../../../emulators/org/streaming.js';
import { startOrgEmulator } from '../../../emulators/org/start.js';
import type { OrgEmulator, OrgHandle } from '../../../emulators/org/start.js';
import type { OrgContext } from '../../../emulators/org/org-context.js';
import type { StreamingOptions } from '../../../emulators/org/streaming.js';

const CHANNEL = '/event/WalkMe_Run_Request__e';
const GOOD_TOKEN = '00D000000000001!good';

/**
 * The streaming router on its own server, with the timeouts under test, over a real emulated org's data
 * and a fresh event bus; auth follows the contract of the core's guard (a good session sets the user).
 */
function startOrg(
  real: OrgHandle,
  options: StreamingOptions
): Promise<{ url: string; org: OrgContext; server: Server }> {
  const org: OrgContext = {
    orgId: real.orgId,
    instanceUrl: real.instanceUrl,
    data: real.data,
    events: createEventBus(),
    allocations: new ApiAccounting(1000)
  };
  const app = express();
  app.use('/cometd/:version', (req, res, next) => {
    if (req.headers.authorization === `OAuth ${GOOD_TOKEN}`) res.locals.userId = '005000000000001AAA';
    next();
  });
  app.use('/cometd/:version', createStreamingRouter(org, options));
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, org, server });
    });
  });
}

/** Faye's client can disconnect, though jsforce's typings leave it out. */
async function disconnect(client: object): Promise<void> {
  await (client as { disconnect(): PromiseLike<void> }).disconnect();
}

async function cometd(
  url: string,
  messages: unknown[],
  token = GOOD_TOKEN
): Promise<Array<Record<string, unknown>>> {
  const res = await fetch(`${url}/cometd/62.0`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `OAuth ${token}` },
    body: JSON.stringify(messages)
  });
  assert.equal(res.headers.get('content-type'), 'application/json;charset=UTF-8');
  return (await res.json()) as Array<Record<string, unknown>>;
}

async function handshake(url: string): Promise<string> {
  const [reply] = await cometd(url, [
    { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'], id: '1' }
  ]);
  return String(reply.clientId);
}

describe('Streaming router (CometD) through jsforce, with short timeouts', () => {
  // `live` holds connects as long as Salesforce does, so only a delivery can answer them in time;
  // `url` (and its `org`) shortens the timeouts for the tests of them.
  let live: { url: string; org: OrgContext; server: Server };
  let url = '';
  let server: Server;
  let emulator: OrgEmulator;
  before(async () => {
    emulator = await startOrgEmulator({ seed: false });
    live = await startOrg(emulator.orgs.production, {});
    ({ url, server } = await startOrg(emulator.orgs.production, {
      connectTimeoutMs: 300,
      maxIntervalMs: 1000
    }));
  });
  after(async () => {
    for (const each of [live.server, server]) {
      each.closeAllConnections();
      each.close();
    }
    await emulator.stop();
  });

  function connection(token = GOOD_TOKEN): Connection {
    return new Connection({ instanceUrl: live.url, accessToken: token, version: '62.0' });
  }

  test('an event published after subscribing arrives within a second', async () => {
    const client = connection().streaming.createClient([new StreamingExtension.Replay(CHANNEL, -1)]);
    const received: Array<Record<string, unknown>> = [];
    const arrived = new Promise<number>((resolve) => {
      client.subscribe(CHANNEL, (message: Record<string, unknown>) => {
        received.push(message);
        resolve(Date.now());
      });
    });
    // Let the subscription and a held connect settle, so delivery wakes a waiting long-poll.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const publishedAt = Date.now();
    const published = live.org.events.publish('WalkMe_Run_Request__e', { Run_Id__c: 'a01000000000001' });
    const arrivedAt = await arrived;
    await disconnect(client);
    assert.ok(arrivedAt - publishedAt < 1000, `arrived after ${arrivedAt - publishedAt} ms`);
    assert.deepEqual(received, [published]);
    assert.equal(
      received[0].payload && (received[0].payload as Record<string, unknown>).Run_Id__c,
      'a01000000000001'
    );
  });

  test('replay -2 receives the retained events, then new ones', async () => {
    const before = live.org.events.publish('WalkMe_Run_Request__e', { Run_Id__c: 'retained' });
    const client = connection().streaming.createClient([new StreamingExtension.Replay(CHANNEL, -2)]);
    const runIds: unknown[] = [];
    const both = new Promise<void>((resolve) => {
      client.subscribe(CHANNEL, (message: { payload: Record<string, unknown> }) => {
        runIds.push(message.payload.Run_Id__c);
        if (message.payload.Run_Id__c === 'fresh') resolve();
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    live.org.events.publish('WalkMe_Run_Request__e', { Run_Id__c: 'fresh' });
    await both;
    await disconnect(client);
    assert.ok(runIds.includes(before.payload.Run_Id__c));
    assert.equal(runIds.at(-1), 'fresh');
    assert.equal(runIds.filter((id) => id === 'retained').length, 1);
  });

  test('an invalid session fires the AuthFailure extension', async () => {
    let failure: Record<string, unknown> | undefined;
    const fired = new Promise<void>((resolve) => {
      const client = connection('00D000000000001!expired').streaming.createClient([
        new StreamingExtension.AuthFailure((message: Record<string, unknown>) => {
          failure = message;
          resolve();
        })
      ]);
      client.subscribe(CHANNEL, () => {});
    });
    await fired;
    assert.equal(failure?.channel, '/meta/handshake');
    assert.equal(failure?.error, '403::Handshake denied');
    assert.deepEqual(failure?.advice, { reconnect: 'none' });
    assert.deepEqual(failure?.ext, { sfdc: { failureReason: '401::Authentication invalid' }, replay: true });
  });

  test('an unknown channel is refused as Salesforce words it', async () => {
    const client = connection().streaming.createClient([]);
    const error = await client
      .subscribe('/event/Nope__e', () => {})
      .then(
        () => assert.fail('subscribed to a channel that does not exist'),
        (failure: Error) => failure
      );
    await disconnect(client);
    assert.equal(
      error.message,
      '400::The channel you requested to subscribe to does not exist {/event/Nope__e}'
    );
  });

  test('handshake announces replay and long-polling; the first connect carries the advice', async () => {
    const [hs] = await cometd(url, [
      { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'], id: '1' }
    ]);
    assert.equal(hs.successful, true);
    assert.deepEqual(hs.ext, { replay: true, 'payload.format': true });
    assert.deepEqual(hs.supportedConnectionTypes, ['long-polling']);
    assert.match(String(hs.clientId), /^[0-9a-z]{27}$/);
    const [first] = await cometd(url, [
      { channel: '/meta/connect', clientId: hs.clientId, connectionType: 'long-polling', id: '2' }
    ]);
    assert.deepEqual(first, {
      clientId: hs.clientId,
      channel: '/meta/connect',
      id: '2',
      successful: true,
      advice: { interval: 0, timeout: 300, reconnect: 'retry' }
    });
  });

  test('a connect is held until the timeout when nothing arrives', async () => {
    const clientId = await handshake(url);
    const connect = { channel: '/meta/connect', clientId, connectionType: 'long-polling' };
    await cometd(url, [{ ...connect, id: '2' }]);
    const started = Date.now();
    const replies = await cometd(url, [{ ...connect, id: '3' }]);
    const held = Date.now() - started;
    assert.ok(held >= 250 && held < 1500, `held ${held} ms`);
    assert.deepEqual(replies, [{ clientId, channel: '/meta/connect', id: '3', successful: true }]);
  });

  test('an unknown client is told to handshake again', async () => {
    const replies = await cometd(url, [
      { channel: '/meta/connect', clientId: 'nobody', connectionType: 'long-polling', id: '9' }
    ]);
    assert.deepEqual(replies, [
      {
        advice: { interval: 0, reconnect: 'handshake' },
        channel: '/meta/connect',
        id: '9',
        error: '403::Unknown client',
        successful: false
      }
    ]);
  });

  test('a client that stops reconnecting is forgotten; disconnect forgets at once', async () => {
    const idle = await handshake(url);
    const gone = await handshake(url);
    const [bye] = await cometd(url, [{ channel: '/meta/disconnect', clientId: gone, id: '5' }]);
    assert.equal(bye.successful, true);
    const [afterDisconnect] = await cometd(url, [
      { channel: '/meta/subscribe', clientId: gone, subscription: CHANNEL, id: '6' }
    ]);
    assert.equal(afterDisconnect.error, '403::Unknown client');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const [afterIdle] = await cometd(url, [
      { channel: '/meta/connect', clientId: idle, connectionType: 'long-polling', id: '7' }
    ]);
    assert.equal(afterIdle.error, '403::Unknown client');
  });

  test('a connect with an invalid session answers 401::Authentication invalid with reconnect none', async () => {
    const clientId = await handshake(url);
    const [reply] = await cometd(
      url,
      [{ channel: '/meta/connect', clientId, connectionType: 'long-polling', id: '4' }],
      'expired'
    );
    assert.deepEqual(reply, {
      clientId,
      advice: { reconnect: 'none', interval: 0 },
      channel: '/meta/connect',
      id: '4',
      error: '401::Authentication invalid',
      successful: false
    });
  });

  test('an invalid replay id is refused at subscription', async () => {
    const clientId = await handshake(url);
    const [reply] = await cometd(url, [
      {
        channel: '/meta/subscribe',
        clientId,
        subscription: CHANNEL,
        ext: { replay: { [CHANNEL]: 999_999 } },
        id: '8'
      }
    ]);
    assert.equal(reply.successful, false);
    assert.equal(
      reply.error,
      '400::The replayId {999999} you provided was invalid.  Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.'
    );
  });
});
