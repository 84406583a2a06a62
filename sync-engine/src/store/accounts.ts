/** Connected Salesforce orgs, with their refresh tokens encrypted at rest, and pending OAuth handshakes. */
import type { Queryable } from './db.js';
import { TokenCipher, WrongKeyError } from './token-cipher.js';

export type Environment = 'production' | 'sandbox';
export type AccountStatus = 'connected' | 'needs_reconnection';

export interface Account {
  orgId: string;
  orgName: string;
  environment: Environment;
  isSandbox: boolean;
  loginUrl: string;
  instanceUrl: string;
  userId: string;
  username: string;
  scopes: string;
  status: AccountStatus;
  statusMessage: string | null;
  connectionRecordId: string | null;
  connectedAt: Date;
  lastHeartbeatAt: Date | null;
  /** When the report catalog last reached the org. */
  catalogPushedAt: Date | null;
}

export type NewAccount = Omit<
  Account,
  'status' | 'statusMessage' | 'connectionRecordId' | 'lastHeartbeatAt' | 'catalogPushedAt'
>;

export interface PendingAuthorization {
  state: string;
  sessionId: string;
  /** Connecting an org (the engine keeps a refresh token) or an operator signing in (it keeps none). */
  purpose: 'connect' | 'signin';
  environment: Environment;
  loginUrl: string;
  codeVerifier: string;
  /** OpenID Connect nonce the ID token must carry (sign-in only). */
  nonce?: string;
}

interface AccountRow {
  org_id: string;
  org_name: string;
  environment: Environment;
  is_sandbox: boolean;
  login_url: string;
  instance_url: string;
  user_id: string;
  username: string;
  scopes: string;
  status: AccountStatus;
  status_message: string | null;
  connection_record_id: string | null;
  connected_at: Date;
  last_heartbeat_at: Date | null;
  catalog_pushed_at: Date | null;
}

const toAccount = (r: AccountRow): Account => ({
  orgId: r.org_id,
  orgName: r.org_name,
  environment: r.environment,
  isSandbox: r.is_sandbox,
  loginUrl: r.login_url,
  instanceUrl: r.instance_url,
  userId: r.user_id,
  username: r.username,
  scopes: r.scopes,
  status: r.status,
  statusMessage: r.status_message,
  connectionRecordId: r.connection_record_id,
  connectedAt: r.connected_at,
  lastHeartbeatAt: r.last_heartbeat_at,
  catalogPushedAt: r.catalog_pushed_at
});

/** A pending authorization is only good for this long (the user is at Salesforce's login page meanwhile). */
const AUTHORIZATION_TTL_MINUTES = 15;

export class AccountStore {
  constructor(
    private readonly db: Queryable,
    private readonly cipher: TokenCipher
  ) {}

  /** Stores a connected org; reconnecting the same org replaces its token and clears its status. */
  async save(account: NewAccount, refreshToken: string): Promise<Account> {
    const [row] = await this.db.query<AccountRow>(
      `INSERT INTO accounts (org_id, org_name, environment, is_sandbox, login_url, instance_url, user_id, username,
         scopes, refresh_token_enc, connected_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (org_id) DO UPDATE SET org_name = $2, environment = $3, is_sandbox = $4, login_url = $5,
         instance_url = $6, user_id = $7, username = $8, scopes = $9, refresh_token_enc = $10, connected_at = $11,
         status = 'connected', status_message = NULL, updated_at = now()
       RETURNING *`,
      [
        account.orgId,
        account.orgName,
        account.environment,
        account.isSandbox,
        account.loginUrl,
        account.instanceUrl,
        account.userId,
        account.username,
        account.scopes,
        this.cipher.encrypt(refreshToken, account.orgId),
        account.connectedAt
      ]
    );
    return toAccount(row!);
  }

  async list(): Promise<Account[]> {
    const rows = await this.db.query<AccountRow>('SELECT * FROM accounts ORDER BY environment, org_name');
    return rows.map(toAccount);
  }

  async get(orgId: string): Promise<Account | undefined> {
    const [row] = await this.db.query<AccountRow>('SELECT * FROM accounts WHERE org_id = $1', [orgId]);
    return row && toAccount(row);
  }

  /** The one connected account of an environment, or the account whose org id is given. */
  async find(orgOrEnvironment: string): Promise<Account | undefined> {
    const all = await this.list();
    const matches = all.filter((a) => a.orgId === orgOrEnvironment || a.environment === orgOrEnvironment);
    if (matches.length > 1)
      throw new Error(`Several ${orgOrEnvironment} accounts are connected: name one by org id.`);
    return matches[0];
  }

  async refreshToken(orgId: string): Promise<string> {
    const [row] = await this.db.query<{ refresh_token_enc: string }>(
      'SELECT refresh_token_enc FROM accounts WHERE org_id = $1',
      [orgId]
    );
    if (!row) throw new Error(`No connected account for org ${orgId}.`);
    return this.cipher.decrypt(row.refresh_token_enc, orgId);
  }

  /**
   * Refuses a key that sealed none of the stored tokens, at start rather than on the first run: a token names
   * the key that sealed it; only one sealed before key ids were recorded (v1) has to be opened to tell.
   */
  async checkKey(): Promise<void> {
    const rows = await this.db.query<{ org_id: string; refresh_token_enc: string }>(
      'SELECT org_id, refresh_token_enc FROM accounts'
    );
    for (const row of rows) {
      const sealedBy = TokenCipher.sealedBy(row.refresh_token_enc);
      if (sealedBy === undefined) {
        try {
          this.cipher.decrypt(row.refresh_token_enc, row.org_id);
        } catch {
          throw new Error(
            `The stored token of org ${row.org_id} cannot be decrypted: reconnect that account.`
          );
        }
      } else if (sealedBy !== this.cipher.keyId) throw new WrongKeyError(sealedBy, this.cipher.keyId);
    }
  }

  /** Re-seals every stored token, sealed by `previous`, under this store's key; answers how many. */
  async reseal(previous: TokenCipher): Promise<number> {
    const rows = await this.db.query<{ org_id: string; refresh_token_enc: string }>(
      'SELECT org_id, refresh_token_enc FROM accounts'
    );
    // Every token opens before any is written.
    const tokens = rows.map((row) => ({
      orgId: row.org_id,
      token: previous.decrypt(row.refresh_token_enc, row.org_id)
    }));
    for (const { orgId, token } of tokens) await this.replaceRefreshToken(orgId, token);
    // Handshakes in flight were sealed by the previous key; they last minutes and are started again.
    await this.db.query('DELETE FROM oauth_states');
    return tokens.length;
  }

  /** Keeps the refresh token Salesforce issued in place of the stored one (refresh token rotation). */
  async replaceRefreshToken(orgId: string, refreshToken: string): Promise<void> {
    await this.db.query('UPDATE accounts SET refresh_token_enc = $2, updated_at = now() WHERE org_id = $1', [
      orgId,
      this.cipher.encrypt(refreshToken, orgId)
    ]);
  }

  async markNeedsReconnection(orgId: string, message: string): Promise<void> {
    await this.db.query(
      `UPDATE accounts SET status = 'needs_reconnection', status_message = $2, updated_at = now() WHERE org_id = $1`,
      [orgId, message]
    );
  }

  async recordHeartbeat(orgId: string, connectionRecordId: string, at: Date): Promise<void> {
    await this.db.query(
      'UPDATE accounts SET connection_record_id = $2, last_heartbeat_at = $3, updated_at = now() WHERE org_id = $1',
      [orgId, connectionRecordId, at]
    );
  }

  /** The last Run Now event handled for the org, so a resubscription replays what came after it. */
  async runRequestReplayId(orgId: string): Promise<number | null> {
    const [row] = await this.db.query<{ id: string | null }>(
      'SELECT run_request_replay_id::text AS id FROM accounts WHERE org_id = $1',
      [orgId]
    );
    return row?.id ? Number(row.id) : null;
  }

  async recordCatalogPush(orgId: string, at: Date): Promise<void> {
    await this.db.query('UPDATE accounts SET catalog_pushed_at = $2 WHERE org_id = $1', [orgId, at]);
  }

  /** Forgets the last event seen (the org no longer retains it): the next subscription takes new events. */
  async forgetRunRequestReplayId(orgId: string): Promise<void> {
    await this.db.query('UPDATE accounts SET run_request_replay_id = NULL WHERE org_id = $1', [orgId]);
  }

  async saveRunRequestReplayId(orgId: string, replayId: number): Promise<void> {
    await this.db.query(
      `UPDATE accounts SET run_request_replay_id = greatest(coalesce(run_request_replay_id, 0), $2) WHERE org_id = $1`,
      [orgId, replayId]
    );
  }

  async delete(orgId: string): Promise<boolean> {
    return (
      (await this.db.query('DELETE FROM accounts WHERE org_id = $1 RETURNING org_id', [orgId])).length > 0
    );
  }

  async savePendingAuthorization(p: PendingAuthorization): Promise<void> {
    await this.db.query(`DELETE FROM oauth_states WHERE created_at < now() - make_interval(mins => $1)`, [
      AUTHORIZATION_TTL_MINUTES
    ]);
    await this.db.query(
      `INSERT INTO oauth_states (state, session_id, purpose, environment, login_url, code_verifier_enc, nonce)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        p.state,
        p.sessionId,
        p.purpose,
        p.environment,
        p.loginUrl,
        this.cipher.encrypt(p.codeVerifier, p.state),
        p.nonce ?? null
      ]
    );
  }

  /** Consumes a pending authorization (each `state` is good once) if it is fresh. */
  async takePendingAuthorization(state: string): Promise<PendingAuthorization | undefined> {
    const [row] = await this.db.query<{
      state: string;
      session_id: string;
      purpose: PendingAuthorization['purpose'];
      environment: Environment;
      login_url: string;
      code_verifier_enc: string;
      nonce: string | null;
    }>(
      `DELETE FROM oauth_states WHERE state = $1 AND created_at >= now() - make_interval(mins => $2) RETURNING *`,
      [state, AUTHORIZATION_TTL_MINUTES]
    );
    return (
      row && {
        state: row.state,
        sessionId: row.session_id,
        purpose: row.purpose,
        environment: row.environment,
        loginUrl: row.login_url,
        codeVerifier: this.cipher.decrypt(row.code_verifier_enc, row.state),
        ...(row.nonce ? { nonce: row.nonce } : {})
      }
    );
  }
}
