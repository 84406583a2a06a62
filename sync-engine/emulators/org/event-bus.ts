/**
 * Platform events of one emulated org: published by REST, retained for replay, delivered over CometD.
 *
 * Salesforce keeps high-volume platform events for 72 hours and numbers them with replay ids that only
 * grow; a subscriber asks for -1 (only new events), -2 (everything retained) or N (everything after N).
 * An N that is no longer retained (or never existed) is refused, as the Streaming API refuses it.
 * (Platform Events Developer Guide, "Message Durability" and "Replaying Platform Event Messages".)
 */
import { createHash, randomUUID } from 'node:crypto';
import { SalesforceApiError } from './org-context.js';
import type { EventBusSnapshot, OrgEventBus, PlatformEventMessage } from './org-context.js';

export interface EventBusOptions {
  /** How long a message stays replayable. Salesforce: 72 hours. */
  retentionMs?: number;
  /** Upper bound of retained messages per channel, so a long-running emulator stays small. */
  maxRetainedPerChannel?: number;
  /** `CreatedById` of messages whose publisher did not name a user. */
  defaultCreatedById?: string;
  /** The clock, replaceable in tests of the retention window. */
  now?: () => number;
}

const SEVENTY_TWO_HOURS_MS = 72 * 60 * 60 * 1000;

interface Retained {
  message: PlatformEventMessage;
  publishedAt: number;
}

interface Channel {
  retained: Retained[];
  /** The newest replay id dropped from retention: replaying from before it would skip messages. */
  droppedUpTo: number;
  listeners: Set<(message: PlatformEventMessage) => void>;
}

/** A stable, id-like schema id per event (Salesforce's look like `aYvtI0b9GpO4vTP1Cn-XeA`). */
function schemaIdOf(eventName: string): string {
  return createHash('sha256').update(eventName).digest('base64url').slice(0, 22);
}

/** Salesforce stamps `CreatedDate` with whole seconds: `2024-05-01T12:34:56.000Z`. */
function createdDateOf(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString();
}

export function createEventBus(options: EventBusOptions = {}): OrgEventBus {
  const retentionMs = options.retentionMs ?? SEVENTY_TWO_HOURS_MS;
  const maxRetained = options.maxRetainedPerChannel ?? 10_000;
  const defaultCreatedById = options.defaultCreatedById ?? '005000000000000AAA';
  const now = options.now ?? Date.now;
  const channels = new Map<string, Channel>();
  let lastReplayId = 0;

  function channelOf(name: string): Channel {
    let channel = channels.get(name);
    if (!channel) {
      channel = { retained: [], droppedUpTo: 0, listeners: new Set() };
      channels.set(name, channel);
    }
    return channel;
  }

  function prune(channel: Channel): void {
    const oldestKept = now() - retentionMs;
    let drop = 0;
    while (drop < channel.retained.length && channel.retained[drop].publishedAt < oldestKept) drop++;
    drop = Math.max(drop, channel.retained.length - maxRetained);
    if (drop > 0) channel.droppedUpTo = channel.retained.splice(0, drop)[drop - 1].message.event.replayId;
  }

  return {
    snapshot() {
      const kept: EventBusSnapshot['channels'] = {};
      for (const [name, channel] of channels) {
        kept[name] = { retained: channel.retained, droppedUpTo: channel.droppedUpTo };
      }
      return { lastReplayId, channels: kept };
    },

    restore(snapshot) {
      lastReplayId = Math.max(lastReplayId, snapshot.lastReplayId);
      for (const [name, saved] of Object.entries(snapshot.channels)) {
        const channel = channelOf(name);
        channel.retained = saved.retained;
        channel.droppedUpTo = saved.droppedUpTo;
        prune(channel);
      }
    },

    publish(eventName, payload) {
      const publishedAt = now();
      const message: PlatformEventMessage = {
        schema: schemaIdOf(eventName),
        payload: {
          ...payload,
          CreatedDate: createdDateOf(publishedAt),
          CreatedById: payload.CreatedById ?? defaultCreatedById
        },
        event: { EventUuid: randomUUID(), replayId: ++lastReplayId }
      };
      const channel = channelOf(`/event/${eventName}`);
      channel.retained.push({ message, publishedAt });
      prune(channel);
      for (const listener of [...channel.listeners]) listener(message);
      return message;
    },

    subscribe(channelName, replayFrom, listener) {
      const channel = channelOf(channelName);
      prune(channel);
      if (replayFrom !== -1 && replayFrom !== -2) {
        // An id whose successors have left the retention window, or one never issued, is refused.
        if (!Number.isInteger(replayFrom) || replayFrom < channel.droppedUpTo || replayFrom > lastReplayId) {
          throw new SalesforceApiError(
            400,
            'INVALID_REPLAY_ID',
            `The replayId {${replayFrom}} you provided was invalid.  Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.`
          );
        }
      }
      if (replayFrom !== -1) {
        for (const { message } of channel.retained) {
          if (replayFrom === -2 || message.event.replayId > replayFrom) listener(message);
        }
      }
      channel.listeners.add(listener);
      return () => {
        channel.listeners.delete(listener);
      };
    }
  };
}
