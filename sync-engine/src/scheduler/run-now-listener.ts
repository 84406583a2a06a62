/**
 * Run Now: each connected org publishes `WalkMe_Run_Request__e` when an admin presses the button; the engine
 * listens over the Streaming API (jsforce's CometD client) and starts the run at once. The last event handled
 * is stored, so a resubscription (after a dropped session or a restart) replays what came after it; the
 * Queued-run sweep covers anything older than the org's event retention.
 */
import type { Connection } from '@jsforce/jsforce-node';
import { StreamingExtension, type Client } from '@jsforce/jsforce-node/lib/api/streaming.js';
import type { PgBoss } from 'pg-boss';
import type { EngineContext } from '../context/engine-context.js';
import { failureKindOf } from '../salesforce/salesforce-errors.js';
import { requestRun } from './run-requests.js';

export const RUN_REQUEST_CHANNEL = '/event/WalkMe_Run_Request__e';

/** The parts of Faye's Client its type declarations leave out. */
interface FayeClientInternals {
  disconnect?: () => PromiseLike<unknown> | undefined;
  _state?: number;
  _dispatcher?: {
    close?: () => void;
    /** Faye 1.4 keeps the messages in flight in a Map by message id. */
    _envelopes?: Map<
      string,
      { timer?: NodeJS.Timeout | null; request?: PromiseLike<{ abort?: () => void } | undefined> | null }
    >;
  };
}

/** Faye's `Client.DISCONNECTED` state: the client stops cycling its connection. */
const FAYE_DISCONNECTED = 4;

interface RunRequestMessage {
  payload?: { Integration_Id__c?: string; Run_Id__c?: string; Dry_Run__c?: boolean };
  event?: { replayId?: number };
}

export class RunNowListener {
  readonly #clients = new Map<string, Client>();
  #stopped = false;

  constructor(
    private readonly ctx: EngineContext,
    private readonly boss: PgBoss,
    private readonly resubscribeDelayMs = 2_000
  ) {}

  get subscribedOrgs(): string[] {
    return [...this.#clients.keys()];
  }

  async subscribe(orgId: string): Promise<void> {
    await this.unsubscribe(orgId);
    const conn: Connection = await this.ctx.orgs.get(orgId);
    const replayId = (await this.ctx.store.accounts.runRequestReplayId(orgId)) ?? -1;
    const client = conn.streaming.createClient([
      new StreamingExtension.AuthFailure(() => this.#resubscribe(orgId, 'the streaming session was refused')),
      new StreamingExtension.Replay(RUN_REQUEST_CHANNEL, replayId)
    ]);
    this.#clients.set(orgId, client);
    await client.subscribe(RUN_REQUEST_CHANNEL, (message: RunRequestMessage) => {
      void this.#handle(orgId, message);
    });
    this.ctx.logger.info({ orgId, replayId }, 'listening for Run Now');
  }

  async unsubscribe(orgId: string): Promise<void> {
    const client = this.#clients.get(orgId) as unknown as FayeClientInternals | undefined;
    this.#clients.delete(orgId);
    if (!client) return;
    // Faye's disconnect() only acts on a connected client and only closes its transport once the server
    // answers; closing the dispatcher ourselves ends its long-poll and retry timers in every state.
    // A session already refused (revoked, expired) makes disconnect() reject: the client is closed anyway.
    await Promise.race([
      Promise.resolve(client.disconnect?.()).catch(() => undefined),
      new Promise((r) => setTimeout(r, 1_000).unref())
    ]);
    client._state = FAYE_DISCONNECTED;
    const dispatcher = client._dispatcher;
    dispatcher?.close?.();
    // Messages in flight would otherwise be retried for ever against a server that is gone.
    for (const envelope of dispatcher?._envelopes?.values() ?? []) {
      clearTimeout(envelope.timer ?? undefined);
      // Without its request, Faye's error handler leaves the envelope alone instead of scheduling a retry.
      void envelope.request?.then((req) => req?.abort?.());
      envelope.request = null;
    }
    dispatcher?._envelopes?.clear();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all([...this.#clients.keys()].map((orgId) => this.unsubscribe(orgId)));
  }

  async #handle(orgId: string, message: RunRequestMessage): Promise<void> {
    const integrationId = message.payload?.Integration_Id__c;
    const sfRunId = message.payload?.Run_Id__c;
    try {
      if (integrationId && sfRunId) {
        const integration = (await this.ctx.store.schedules.list(orgId)).find(
          (s) => s.integrationId === integrationId
        );
        await requestRun(this.ctx, this.boss, {
          orgId,
          integrationId,
          integrationName: integration?.integrationName ?? '',
          trigger: 'Manual',
          requestKey: `manual:${sfRunId}`,
          sfRunId,
          dryRun: message.payload?.Dry_Run__c === true
        });
      }
      if (typeof message.event?.replayId === 'number') {
        await this.ctx.store.accounts.saveRunRequestReplayId(orgId, message.event.replayId);
      }
    } catch (error) {
      this.ctx.logger.error({ orgId, err: String(error) }, 'Run Now request not recorded');
    }
  }

  /** A refused session: renew the token and subscribe again from the last event seen, unless revoked. */
  #resubscribe(orgId: string, reason: string): void {
    this.ctx.logger.warn({ orgId, reason }, 'Run Now subscription lost');
    void this.unsubscribe(orgId);
    this.ctx.orgs.forget(orgId);
    setTimeout(() => {
      if (this.#stopped) return;
      this.subscribe(orgId).catch((error) => {
        if (failureKindOf(error) === 'revoked') return; // the account is marked; reconnecting it subscribes again
        this.#resubscribe(orgId, String(error));
      });
    }, this.resubscribeDelayMs).unref();
  }
}
