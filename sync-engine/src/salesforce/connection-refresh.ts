/**
 * jsforce's OAuth session refresh (its own `oauthRefreshFn`: refresh, then establish the new session), keeping
 * what a failed refresh threw. jsforce rethrows a failed refresh from the call that needed it as a plain
 * `Error("Unable to refresh session due to: …")`, losing the OAuth error's code; `lastRefreshFailure` gives
 * it back, so the call's failure is typed by Salesforce's code (`invalid_grant`, `invalid_client_id`).
 */
import type { Connection, ConnectionConfig } from '@jsforce/jsforce-node';
import { idsOfIdentityUrl } from './identity-url.js';

type RefreshCallback = Parameters<NonNullable<ConnectionConfig['refreshFn']>>[1];

const failures = new WeakMap<Connection, unknown>();

export function lastRefreshFailure(conn: Connection): unknown {
  return failures.get(conn);
}

export async function refreshSession(conn: Connection, callback: RefreshCallback): Promise<void> {
  try {
    if (!conn.refreshToken) throw new Error('No refresh token found in the connection');
    const res = await conn.oauth2.refreshToken(conn.refreshToken);
    const { userId, organizationId } = idsOfIdentityUrl(res.id);
    conn._establish({
      instanceUrl: res.instance_url,
      accessToken: res.access_token,
      userInfo: { id: userId, organizationId, url: res.id }
    });
    failures.delete(conn);
    callback(undefined, res.access_token, res);
  } catch (error) {
    failures.set(conn, error);
    callback(error instanceof Error ? error : new Error(String(error)));
  }
}
