/**
 * Run Now: each connected org publishes `WalkMe_Run_Request__e` when an admin presses the button; the engine
 * listens over the Streaming API (jsforce's CometD client) and starts the run at once. The last event handled
 * is stored, so a resubscription (after a dropped session or a restart) replays what came after it. A stored
 * replay id the org no longer retains (events are kept 72 hours) is refused by the subscribe: the listener
 * then takes new events only and sweeps Queued runs at once, so nothing requested meanwhile is lost. A lost
 * subscription is tried again with capped exponential backoff and jitter; only a refused session drops the
 * org's cached connection (to renew its token), and a revoked one stops until the account is reconnected.
 */
import type { Connection } from '@jsforce/jsforce-node';
import { StreamingExtension, type Client } from '@jsforce/jsforce-node/lib/api/streaming.js';
import type { PgBoss } from 'pg-boss';
import type { EngineContext } from '../context/engine-context.js';
import { backoffDelay } from '../domain/backoff.js';
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

/** The longest wait between two resubscription attempts. */
const RESUBSCRIBE_CAP_MS = 5 * 60_000;

/** The Bayeux error code of a refused subscribe (`400::The replayId {N} you provided was invalid…`). */
const BAYEUX_BAD_REQUEST = 400;

/**
 * The code of a Bayeux error: Faye's parsed error, or the protocol's `code:params:message` string as the
 * server sent it (Bayeux 1.0, "error" field grammar; what Faye's own `Error.parse` reads).
 */
function bayeuxCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'number') return code;
  // Faye leaves `code` null when the string is not in its grammar, the whole string then in `message`.
  const message = (error as { message?: unknown } | null)?.message;
  const text = typeof error === 'string' ? error : typeof message === 'string' ? message : '';
  const match = /^(\d{3}):[^:]*:/.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** Faye's `Client.DISCONNECTED` state: the client stops cycling its connection. */
const FAYE_DISCONNECTED = 4;

/** Where an org's Run Now subscription stands, for the console. */
export type SubscriptionState =
  | { state: 'listening'; since: Date }
  | { state: 'retrying'; reason: string; nextAttemptAt: Date }
  | { state: 'stopped'; reason: string };

interface RunRequestMessage {
  payload?: { Integration_Id__c?: string; Run_Id__c?: string; Dry_Run__c?: boolean };
  event?: { replayId?: number };
}

export class RunNowListener {
  readonly #clients = new Map<string, Client>();
  readonly #states = new Map<string, SubscriptionState>();
  readonly #attempts = new Map<string, number>();
  readonly #chains = new Map<string, Promise<void>>();
  /** Orgs whose events may have been missed (a replay fallback) until a subscription is up again. */
  readonly #sweepOwed = new Set<string>();
  #stopped = false;

  constructor(
    private readonly ctx: EngineContext,
    private readonly boss: PgBoss,
    /** Called when requests may have been missed (a replay id the org no longer retains): sweeps Queued runs. */
    private readonly onMissedEvents: (orgId: string) => Promise<unknown> = async () => undefined,
    private readonly resubscribeBaseMs = 2_000
  ) {}

  get subscribedOrgs(): string[] {
    return [...this.#clients.keys()];
  }

  state(orgId: string): SubscriptionState | undefined {
    return this.#states.get(orgId);
  }

  /** Subscribes from the last event seen; calls for one org run one after another, never side by side. */
  subscribe(orgId: string): Promise<void> {
    const previous = this.#chains.get(orgId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.#subscribeNow(orgId));
    this.#chains.set(orgId, next);
    void next
      .catch(() => undefined)
      .finally(() => {
        if (this.#chains.get(orgId) === next) this.#chains.delete(orgId);
      });
    return next;
  }

  async #subscribeNow(orgId: string): Promise<void> {
    if (this.#stopped) return;
    const stored = await this.ctx.store.accounts.runRequestReplayId(orgId);
    try {
      await this.#subscribeFrom(orgId, stored ?? -1);
    } catch (error) {
      // Bayeux 400 from a stored replay id: the org no longer retains it (Streaming API, "Replay ID" errors).
      if (stored == null || bayeuxCode(error) !== BAYEUX_BAD_REQUEST) throw error;
      this.ctx.logger.warn(
        { orgId, replayId: stored, err: String(error) },
        'Run Now replay refused: listening for new events and sweeping Queued runs'
      );
      this.#sweepOwed.add(orgId);
      await this.ctx.store.accounts.forgetRunRequestReplayId(orgId);
      await this.#subscribeFrom(orgId, -1);
    }
    if (this.#stopped) {
      await this.unsubscribe(orgId);
      return;
    }
    this.#attempts.delete(orgId);
    this.#states.set(orgId, { state: 'listening', since: new Date() });
    if (this.#sweepOwed.delete(orgId)) await this.onMissedEvents(orgId);
  }

  async #subscribeFrom(orgId: string, replayId: number): Promise<void> {
    await this.unsubscribe(orgId);
    const conn: Connection = await this.ctx.orgs.get(orgId);
    const client = conn.streaming.createClient([
      new StreamingExtension.AuthFailure(() =>
        this.#resubscribe(orgId, 'the streaming session was refused', { authFailed: true })
      ),
      new StreamingExtension.Replay(RUN_REQUEST_CHANNEL, replayId)
    ]);
    this.#clients.set(orgId, client);
    try {
      await client.subscribe(RUN_REQUEST_CHANNEL, (message: RunRequestMessage) => {
        void this.#handle(orgId, message);
      });
    } catch (error) {
      await this.unsubscribe(orgId);
      throw error;
    }
    this.ctx.logger.info({ orgId, replayId }, 'listening for Run Now');
  }

  async unsubscribe(orgId: string): Promise<void> {
    const client = this.#clients.get(orgId) as unknown as FayeClientInternals | undefined;
    this.#clients.delete(orgId);
    if (this.#states.get(orgId)?.state === 'listening') this.#states.delete(orgId);
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

  /** Subscribes, or, failing that, keeps trying with backoff (unless the account was revoked). */
  async subscribeOrRetry(orgId: string): Promise<void> {
    await this.subscribe(orgId).catch((error: unknown) => this.#failed(orgId, error));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.allSettled([...this.#chains.values()]);
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

  #failed(orgId: string, error: unknown): void {
    if (failureKindOf(error) === 'revoked') {
      // The account is marked; reconnecting it subscribes again.
      this.#states.set(orgId, { state: 'stopped', reason: String(error) });
      return;
    }
    this.#resubscribe(orgId, String(error), { authFailed: false });
  }

  /**
   * A lost subscription: subscribe again from the last event seen, after a backoff. Only a refused session
   * drops the cached connection (its token is renewed on the next use).
   */
  #resubscribe(orgId: string, reason: string, cause: { authFailed: boolean }): void {
    if (this.#stopped) return;
    const attempt = this.#attempts.get(orgId) ?? 0;
    this.#attempts.set(orgId, attempt + 1);
    const delay = backoffDelay(attempt, this.resubscribeBaseMs, RESUBSCRIBE_CAP_MS);
    this.#states.set(orgId, { state: 'retrying', reason, nextAttemptAt: new Date(Date.now() + delay) });
    this.ctx.logger.warn({ orgId, reason, attempt, retryInMs: delay }, 'Run Now subscription lost');
    void this.unsubscribe(orgId);
    if (cause.authFailed) this.ctx.orgs.forget(orgId);
    setTimeout(() => void this.#retry(orgId), delay).unref();
  }

  /** Tries again while the account is still connected (a disconnect or a revocation ends the retries). */
  async #retry(orgId: string): Promise<void> {
    if (this.#stopped) return;
    const account = await this.ctx.store.accounts.get(orgId).catch(() => undefined);
    if (account?.status !== 'connected') {
      this.#states.delete(orgId);
      this.#attempts.delete(orgId);
      return;
    }
    await this.subscribeOrRetry(orgId);
  }
}
