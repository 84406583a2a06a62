import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createEventBus } from '../../../emulators/org/event-bus.js';
import { SalesforceApiError } from '../../../emulators/org/org-context.js';
import type { PlatformEventMessage } from '../../../emulators/org/org-context.js';

const CHANNEL = '/event/WalkMe_Run_Request__e';

function collect(): { messages: PlatformEventMessage[]; listener: (m: PlatformEventMessage) => void } {
  const messages: PlatformEventMessage[] = [];
  return { messages, listener: (message) => messages.push(message) };
}

describe('event bus', () => {
  test('publish stamps the payload and numbers messages from 1', () => {
    const bus = createEventBus({ now: () => Date.parse('2024-05-01T12:34:56.789Z') });
    const first = bus.publish('WalkMe_Run_Request__e', {
      Run_Id__c: 'a01',
      CreatedById: '005xx0000012345AAA'
    });
    const second = bus.publish('WalkMe_Run_Request__e', { Run_Id__c: 'a02' });
    assert.equal(first.event.replayId, 1);
    assert.equal(second.event.replayId, 2);
    assert.match(
      first.event.EventUuid,
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
    );
    assert.notEqual(first.event.EventUuid, second.event.EventUuid);
    assert.match(first.schema, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(first.schema, second.schema);
    assert.notEqual(first.schema, bus.publish('Other__e', {}).schema);
    assert.deepEqual(first.payload, {
      Run_Id__c: 'a01',
      CreatedById: '005xx0000012345AAA',
      CreatedDate: '2024-05-01T12:34:56.000Z'
    });
    assert.match(String(second.payload.CreatedById), /^005\w{15}$/);
  });

  test('-1 delivers only new messages, -2 every retained one, N those after N', () => {
    const bus = createEventBus();
    for (const run of ['a', 'b', 'c']) bus.publish('WalkMe_Run_Request__e', { Run_Id__c: run });
    const fresh = collect();
    const all = collect();
    const afterTwo = collect();
    bus.subscribe(CHANNEL, -1, fresh.listener);
    bus.subscribe(CHANNEL, -2, all.listener);
    bus.subscribe(CHANNEL, 2, afterTwo.listener);
    bus.publish('WalkMe_Run_Request__e', { Run_Id__c: 'd' });
    const runs = (messages: PlatformEventMessage[]) => messages.map((m) => m.payload.Run_Id__c);
    assert.deepEqual(runs(fresh.messages), ['d']);
    assert.deepEqual(runs(all.messages), ['a', 'b', 'c', 'd']);
    assert.deepEqual(runs(afterTwo.messages), ['c', 'd']);
  });

  test('channels are separate and unsubscribing stops delivery', () => {
    const bus = createEventBus();
    const run = collect();
    const stop = bus.subscribe(CHANNEL, -1, run.listener);
    bus.publish('Other__e', {});
    bus.publish('WalkMe_Run_Request__e', {});
    stop();
    bus.publish('WalkMe_Run_Request__e', {});
    assert.equal(run.messages.length, 1);
    assert.equal(run.messages[0].event.replayId, 2);
  });

  test('messages older than the retention window are no longer replayed, and their ids are refused', () => {
    let clock = 0;
    const bus = createEventBus({ retentionMs: 1000, now: () => clock });
    bus.publish('WalkMe_Run_Request__e', { Run_Id__c: 'old' });
    clock = 1500;
    bus.publish('WalkMe_Run_Request__e', { Run_Id__c: 'new' });
    const all = collect();
    bus.subscribe(CHANNEL, -2, all.listener);
    assert.deepEqual(
      all.messages.map((m) => m.payload.Run_Id__c),
      ['new']
    );
    assert.doesNotThrow(() => bus.subscribe(CHANNEL, 1, () => {}));
    assert.throws(
      () => bus.subscribe(CHANNEL, 0, () => {}),
      (error: unknown) =>
        error instanceof SalesforceApiError &&
        error.message ===
          'The replayId {0} you provided was invalid.  Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.'
    );
    assert.throws(() => bus.subscribe(CHANNEL, 99, () => {}), SalesforceApiError);
  });

  test('retention is bounded per channel', () => {
    const bus = createEventBus({ maxRetainedPerChannel: 3 });
    for (let i = 0; i < 10; i++) bus.publish('WalkMe_Run_Request__e', { Run_Id__c: String(i) });
    const all = collect();
    bus.subscribe(CHANNEL, -2, all.listener);
    assert.deepEqual(
      all.messages.map((m) => m.event.replayId),
      [8, 9, 10]
    );
  });
});
