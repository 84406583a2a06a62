/**
 * jsforce connections to the connected orgs, built from the stored (encrypted) refresh tokens. A revoked or
 * expired token (`invalid_grant`) marks the account as needing reconnection, and every later use fails at
 * once with that message: nothing retries a dead token. A connected app the login host refuses
 * (`invalid_client_id`: the engine's SF_CLIENT_ID is wrong) fails the use as the engine's misconfiguration and
 * leaves the account alone.
 */
import { Connection, OAuth2 } from '@jsforce/jsforce-node';
import type { EngineConfig } from '../config.js';
import { RunFailure } from '../domain/errors.js';
import { lastRefreshFailure, refreshSession } from './connection-refresh.js';
import { salesforceFailure } from './salesforce-errors.js';
import type { Account, Environment } from '../store/accounts.js';
import type { Store } from '../store/index.js';
import type { Logger } from '../logging/logger.js';

export const API_VERSION = '62.0';

/** The account cannot be used until an admin reconnects it; `message` says why. */
export class NeedsReconnectionError extends RunFailure {
  constructor(
    readonly orgId: string,
    message: string
  ) {
    super('revoked', message);
    this.name = 'NeedsReconnectionError';
  }

  /** The message already says what to do (it is the account's status message). */
  override get advice(): string {
    return this.message;
  }
}

export const MISSING_CONNECTED_APP =
  'The engine has no connected app: set SF_CLIENT_ID (and SF_CLIENT_SECRET if the app has one) to its consumer key.';

export function oauthApp(
  config: EngineConfig,
  environment: Environment,
  loginUrl?: string,
  useVerifier = false
) {
  const app = config.oauth[environment];
  if (!app.clientId) throw new Error(MISSING_CONNECTED_APP);
  return new OAuth2({
    loginUrl: loginUrl ?? app.loginUrl,
    clientId: app.clientId,
    ...(app.clientSecret ? { clientSecret: app.clientSecret } : {}),
    redirectUri: `${config.publicUrl}/oauth/callback`,
    useVerifier
  });
}

export class OrgConnections {
  readonly #cache = new Map<string, Promise<Connection>>();
  readonly #open = new Map<string, Connection>();

  constructor(
    private readonly store: Store,
    private readonly config: EngineConfig,
    private readonly logger: Logger,
    private readonly onRevoked: (orgId: string) => void = () => {}
  ) {}

  /** A connection for the org, refreshed from the stored token; fails when the account needs reconnection. */
  async get(orgId: string): Promise<Connection> {
    let pending = this.#cache.get(orgId);
    if (!pending) {
      pending = this.#connect(orgId).then((conn) => {
        this.#open.set(orgId, conn);
        return conn;
      });
      this.#cache.set(orgId, pending);
      pending.catch(() => this.#cache.delete(orgId));
    }
    return await pending;
  }

  /**
   * Runs `fn` with the org's connection; what it throws from Salesforce comes back as a typed `RunFailure`,
   * and a revocation found on the way marks the account.
   */
  async use<T>(orgId: string, fn: (conn: Connection, account: Account) => Promise<T>): Promise<T> {
    const account = await this.#account(orgId);
    const conn = await this.get(orgId);
    try {
      return await fn(conn, account);
    } catch (error) {
      const failure = salesforceFailure(error, lastRefreshFailure(conn));
      if (failure.kind === 'revoked') throw await this.revoked(orgId, failure);
      throw failure;
    }
  }

  /** Records that the org's token stopped working; answers the error runs should fail with. */
  async revoked(orgId: string, error: unknown): Promise<NeedsReconnectionError> {
    this.forget(orgId);
    if (error instanceof NeedsReconnectionError) return error;
    return await this.markRevoked(orgId, salesforceFailure(error).advice);
  }

  /** Marks the account for reconnection with `message` (what the admin reads); answers the runs' error. */
  async markRevoked(orgId: string, message: string): Promise<NeedsReconnectionError> {
    this.forget(orgId);
    await this.store.accounts.markNeedsReconnection(orgId, message);
    this.logger.warn({ orgId, reason: message }, 'account needs reconnection');
    this.onRevoked(orgId);
    return new NeedsReconnectionError(orgId, message);
  }

  forget(orgId: string): void {
    this.#cache.delete(orgId);
    this.#open.delete(orgId);
  }

  /** The org's API usage as its last answer reported it (`Sforce-Limit-Info`), without calling it. */
  lastApiUsage(orgId: string): { used: number; limit: number } | undefined {
    return this.#open.get(orgId)?.limitInfo?.apiUsage;
  }

  async #account(orgId: string): Promise<Account> {
    const account = await this.store.accounts.get(orgId);
    if (!account) throw new Error(`No connected account for org ${orgId}.`);
    if (account.status === 'needs_reconnection') {
      throw new NeedsReconnectionError(
        orgId,
        account.statusMessage ?? 'The Salesforce connection needs to be reconnected.'
      );
    }
    return account;
  }

  async #connect(orgId: string): Promise<Connection> {
    const account = await this.#account(orgId);
    const refreshToken = await this.store.accounts.refreshToken(orgId);
    const oauth2 = oauthApp(this.config, account.environment, account.loginUrl);
    let token;
    try {
      token = await oauth2.refreshToken(refreshToken);
    } catch (error) {
      const failure = salesforceFailure(error);
      throw failure.kind === 'revoked' ? await this.revoked(orgId, failure) : failure;
    }
    // With refresh token rotation on the connected app, Salesforce answers a new refresh token and the one
    // used stops working: it is stored at once, here and on every automatic refresh jsforce makes later.
    const current = token.refresh_token ?? refreshToken;
    if (current !== refreshToken) await this.store.accounts.replaceRefreshToken(orgId, current);
    const conn = new Connection({
      oauth2,
      instanceUrl: token.instance_url || account.instanceUrl,
      accessToken: token.access_token,
      refreshToken: current,
      refreshFn: refreshSession,
      version: API_VERSION
    });
    conn.on('refresh', (_accessToken: string, res?: { refresh_token?: string }) => {
      const rotated = res?.refresh_token;
      if (!rotated || rotated === conn.refreshToken) return;
      conn.refreshToken = rotated;
      this.store.accounts.replaceRefreshToken(orgId, rotated).catch((error: unknown) => {
        this.logger.error({ orgId, reason: String(error) }, 'could not store the rotated refresh token');
      });
    });
    return conn;
  }
}
