/**
 * Streaming API of one emulated org: Bayeux (CometD) over HTTP long-polling, as jsforce's Faye client
 * speaks it, delivering platform events with replay. Mounted by the REST core at `/cometd/:version`.
 *
 * Message shapes follow what Salesforce answers (Streaming API Developer Guide, "Streaming API Error
 * Codes" and "Handling Streaming API Errors"; captures quoted in cometd/cometd#775 and
 * kdcllc/CometD.NetCore.Salesforce#43): the handshake announces `ext: {replay, payload.format}`, the first
 * `/meta/connect` carries the advice, a forgotten client gets `403::Unknown client` with advice
 * `reconnect: handshake`, and a bad session `401::Authentication invalid` (handshake: `403::Handshake
 * denied`) with advice `reconnect: none`, which jsforce's AuthFailure extension watches for.
 */
import { randomBytes } from 'node:crypto';
import express from 'express';
import type { Request, Response } from 'express';
import { SalesforceApiError } from './org-context.js';
import { sendJson } from './rest/responses.js';
import type { OrgContext, PlatformEventMessage } from './org-context.js';

export interface StreamingOptions {
  /** How long a `/meta/connect` is held when nothing arrives. Salesforce: 110 s. */
  connectTimeoutMs?: number;
  /** A client that has not reconnected for this long is forgotten. Salesforce: 40 s. */
  maxIntervalMs?: number;
  /** Messages queued for a client between two connects; the oldest are dropped beyond it. */
  maxQueuedPerClient?: number;
}

type BayeuxMessage = Record<string, unknown> & { channel?: unknown; id?: unknown; clientId?: unknown };

interface HeldConnect {
  /** Replies to the other messages of the same request, sent ahead of the events. */
  before: BayeuxMessage[];
  reply: BayeuxMessage;
  res: Response;
  timer: NodeJS.Timeout;
}

interface StreamingClient {
  id: string;
  subscriptions: Map<string, () => void>;
  queue: BayeuxMessage[];
  held: HeldConnect | null;
  connected: boolean;
  /** When the client last had no connect in flight; it is forgotten `maxIntervalMs` after that. */
  idleSince: number;
}

const MIN_API_VERSION = 37;

function newClientId(): string {
  // Salesforce's look like `1cyu4thyxh3fgv1nqwcvebt3o9x`: lowercase base-36.
  return [...randomBytes(27)].map((byte) => (byte % 36).toString(36)).join('');
}

function withId(request: BayeuxMessage, reply: BayeuxMessage): BayeuxMessage {
  return request.id === undefined ? reply : { ...reply, id: request.id };
}

/** An `OrgRouterFactory`; `options` lets tests shorten Salesforce's timeouts. */
export function createStreamingRouter(org: OrgContext, options: StreamingOptions = {}): express.Router {
  const connectTimeoutMs = options.connectTimeoutMs ?? 110_000;
  const maxIntervalMs = options.maxIntervalMs ?? 40_000;
  const maxQueued = options.maxQueuedPerClient ?? 10_000;
  const clients = new Map<string, StreamingClient>();
  const router = express.Router({ mergeParams: true });

  function forget(client: StreamingClient): void {
    for (const unsubscribe of client.subscriptions.values()) unsubscribe();
    client.subscriptions.clear();
    if (client.held) release(client);
    clients.delete(client.id);
  }

  function forgetIdleClients(): void {
    const horizon = Date.now() - maxIntervalMs;
    for (const client of clients.values()) {
      if (!client.held && client.idleSince < horizon) forget(client);
    }
  }

  /** Answers a held connect with the queued messages followed by its own reply. */
  function release(client: StreamingClient): void {
    const held = client.held;
    if (!held) return;
    client.held = null;
    client.idleSince = Date.now();
    clearTimeout(held.timer);
    const messages = client.queue.splice(0, client.queue.length);
    if (!held.res.headersSent) sendJson(held.res, 200, [...held.before, ...messages, held.reply]);
  }

  function deliver(client: StreamingClient, channel: string, message: PlatformEventMessage): void {
    client.queue.push({ channel, data: message });
    if (client.queue.length > maxQueued) client.queue.splice(0, client.queue.length - maxQueued);
    if (client.held) release(client);
  }

  function authFailure(request: BayeuxMessage, req: Request): BayeuxMessage {
    const reason = req.headers.authorization
      ? '401::Authentication invalid'
      : '401::Request requires authentication';
    if (request.channel === '/meta/handshake') {
      return withId(request, {
        ext: { sfdc: { failureReason: reason }, replay: true },
        advice: { reconnect: 'none' },
        channel: '/meta/handshake',
        error: '403::Handshake denied',
        successful: false
      });
    }
    return withId(request, {
      clientId: request.clientId,
      advice: { reconnect: 'none', interval: 0 },
      channel: request.channel,
      error: reason,
      successful: false
    });
  }

  function unknownClient(request: BayeuxMessage): BayeuxMessage {
    return withId(request, {
      advice: { interval: 0, reconnect: 'handshake' },
      channel: request.channel,
      error: '403::Unknown client',
      successful: false
    });
  }

  function handshake(request: BayeuxMessage): BayeuxMessage {
    const types = request.supportedConnectionTypes;
    if (!Array.isArray(types) || !types.includes('long-polling')) {
      return withId(request, {
        channel: '/meta/handshake',
        error: `400::Invalid connection type ${Array.isArray(types) ? types.join(',') : ''}`,
        successful: false
      });
    }
    const client: StreamingClient = {
      id: newClientId(),
      subscriptions: new Map(),
      queue: [],
      held: null,
      connected: false,
      idleSince: Date.now()
    };
    clients.set(client.id, client);
    return withId(request, {
      ext: { replay: true, 'payload.format': true },
      minimumVersion: '1.0',
      clientId: client.id,
      supportedConnectionTypes: ['long-polling'],
      advice: { interval: 0, timeout: connectTimeoutMs, reconnect: 'retry' },
      channel: '/meta/handshake',
      version: '1.0',
      successful: true
    });
  }

  /** Which platform event a channel names, or null when it names none of this org's. */
  function eventNameOf(channel: string): string | null {
    const match = /^\/event\/(\w+__e)$/.exec(channel);
    if (!match) return null;
    try {
      org.data.describe(match[1]);
      return match[1];
    } catch {
      return null;
    }
  }

  function subscribe(request: BayeuxMessage, client: StreamingClient): BayeuxMessage {
    const channel = request.subscription;
    const reply = { clientId: client.id, channel: '/meta/subscribe', subscription: channel };
    const fail = (error: string) => withId(request, { ...reply, error, successful: false });
    if (typeof channel !== 'string' || channel === '') return fail('400::Channel name not specified');
    if (!channel.startsWith('/')) return fail("400::Channel subscriptions must start with a leading '/'");
    if (!eventNameOf(channel)) {
      return fail(`400::The channel you requested to subscribe to does not exist {${channel}}`);
    }
    const replayMap = (request.ext as { replay?: Record<string, unknown> } | undefined)?.replay;
    const replayFrom = Number(replayMap?.[channel] ?? -1);
    client.subscriptions.get(channel)?.();
    client.subscriptions.delete(channel);
    try {
      const unsubscribe = org.events.subscribe(channel, replayFrom, (message) =>
        deliver(client, channel, message)
      );
      client.subscriptions.set(channel, unsubscribe);
    } catch (error) {
      if (error instanceof SalesforceApiError) return fail(`${error.status}::${error.message}`);
      throw error;
    }
    return withId(request, { ...reply, successful: true });
  }

  function unsubscribe(request: BayeuxMessage, client: StreamingClient): BayeuxMessage {
    const channel = String(request.subscription);
    client.subscriptions.get(channel)?.();
    client.subscriptions.delete(channel);
    return withId(request, {
      clientId: client.id,
      channel: '/meta/unsubscribe',
      subscription: channel,
      successful: true
    });
  }

  /** Answers the connect now, or returns null after holding it until a message arrives or the timeout. */
  function connect(request: BayeuxMessage, client: StreamingClient, res: Response): BayeuxMessage | null {
    if (request.connectionType !== 'long-polling') {
      return withId(request, {
        clientId: client.id,
        channel: '/meta/connect',
        error: `400::Invalid connection type ${String(request.connectionType)}`,
        successful: false
      });
    }
    if (client.held) release(client);
    const reply = withId(request, { clientId: client.id, channel: '/meta/connect', successful: true });
    // The first connect after a handshake returns at once with the advice; later ones wait for messages.
    if (!client.connected) {
      client.connected = true;
      return { ...reply, advice: { interval: 0, timeout: connectTimeoutMs, reconnect: 'retry' } };
    }
    if (client.queue.length > 0) return reply;
    client.held = { before: [], reply, res, timer: setTimeout(() => release(client), connectTimeoutMs) };
    res.on('close', () => {
      if (client.held?.res === res) {
        clearTimeout(client.held.timer);
        client.held = null;
        client.idleSince = Date.now();
      }
    });
    return null;
  }

  function disconnect(request: BayeuxMessage, client: StreamingClient): BayeuxMessage {
    forget(client);
    return withId(request, { clientId: client.id, channel: '/meta/disconnect', successful: true });
  }

  router.use(express.json({ limit: '1mb', type: () => true }));

  router.post('/', (req, res) => {
    const version = Number((req.params as { version?: string }).version);
    if (!(version >= MIN_API_VERSION)) {
      const error = `400::Unsupported API version. Only API versions '${MIN_API_VERSION}.0' and later are supported. URI format: '/cometd/62.0'`;
      sendJson(res, 400, [{ error, successful: false }]);
      return;
    }
    forgetIdleClients();
    const requests: BayeuxMessage[] = (Array.isArray(req.body) ? req.body : [req.body]).filter(
      (message: unknown): message is BayeuxMessage => typeof message === 'object' && message !== null
    );
    const authenticated = typeof res.locals.userId === 'string';
    const replies: BayeuxMessage[] = [];
    let heldBy: StreamingClient | null = null;
    for (const request of requests) {
      if (!authenticated) {
        replies.push(authFailure(request, req));
        continue;
      }
      if (request.channel === '/meta/handshake') {
        replies.push(handshake(request));
        continue;
      }
      const client = clients.get(String(request.clientId));
      if (!client) {
        replies.push(unknownClient(request));
        continue;
      }
      switch (request.channel) {
        case '/meta/subscribe':
          replies.push(subscribe(request, client));
          break;
        case '/meta/unsubscribe':
          replies.push(unsubscribe(request, client));
          break;
        case '/meta/disconnect':
          replies.push(disconnect(request, client));
          break;
        case '/meta/connect': {
          const reply = connect(request, client, res);
          if (reply) replies.push(...client.queue.splice(0, client.queue.length), reply);
          else heldBy = client;
          break;
        }
        default:
          // Platform events are published through REST or Apex, never by a CometD client.
          replies.push(
            withId(request, { channel: request.channel, error: '403::Publish denied', successful: false })
          );
      }
    }
    // A request holding a connect answers all its messages when the connect is released.
    if (heldBy?.held) {
      heldBy.held.before = replies;
      return;
    }
    sendJson(res, 200, replies);
  });

  return router;
}
