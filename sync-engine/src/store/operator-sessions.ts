/**
 * Who is signed in to the console: a browser session holds one grant per org its operator signed in to. The
 * session id is stored hashed, so the table alone cannot be replayed as a cookie. A grant is good for
 * `OPERATOR_RECHECK_HOURS` after its permission check; then the operator signs in again and is checked again.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from './db.js';
import type { Environment } from './accounts.js';

export const OPERATOR_RECHECK_HOURS = 4;

export interface OperatorGrant {
  orgId: string;
  orgName: string;
  environment: Environment;
  loginUrl: string;
  userId: string;
  username: string;
  checkedAt: Date;
}

interface GrantRow {
  org_id: string;
  org_name: string;
  environment: Environment;
  login_url: string;
  user_id: string;
  username: string;
  checked_at: Date;
}

const hash = (sessionId: string) => createHash('sha256').update(sessionId).digest('base64url');

export class OperatorSessionStore {
  constructor(private readonly db: Queryable) {}

  /** Records (or renews) the session's grant for an org, checked now; grants past their age are cleared. */
  async grant(sessionId: string, grant: Omit<OperatorGrant, 'checkedAt'>): Promise<void> {
    await this.db.query(
      `DELETE FROM operator_sessions WHERE checked_at < now() - make_interval(hours => $1)`,
      [OPERATOR_RECHECK_HOURS]
    );
    await this.db.query(
      `INSERT INTO operator_sessions (session_hash, org_id, org_name, environment, login_url, user_id, username, checked_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now())
       ON CONFLICT (session_hash, org_id) DO UPDATE SET org_name = $3, environment = $4, login_url = $5,
         user_id = $6, username = $7, checked_at = now()`,
      [
        hash(sessionId),
        grant.orgId,
        grant.orgName,
        grant.environment,
        grant.loginUrl,
        grant.userId,
        grant.username
      ]
    );
  }

  /** The session's grants still within their re-check age (every request reads them: one query). */
  async grants(sessionId: string): Promise<OperatorGrant[]> {
    const rows = await this.db.query<GrantRow>(
      `SELECT * FROM operator_sessions WHERE session_hash = $1 AND checked_at >= now() - make_interval(hours => $2)
       ORDER BY org_name`,
      [hash(sessionId), OPERATOR_RECHECK_HOURS]
    );
    return rows.map((r) => ({
      orgId: r.org_id,
      orgName: r.org_name,
      environment: r.environment,
      loginUrl: r.login_url,
      userId: r.user_id,
      username: r.username,
      checkedAt: r.checked_at
    }));
  }

  /** Carries a session's grants over to the id that replaces it. */
  async moveSession(from: string, to: string): Promise<void> {
    await this.db.query('UPDATE operator_sessions SET session_hash = $2 WHERE session_hash = $1', [
      hash(from),
      hash(to)
    ]);
  }

  async signOut(sessionId: string): Promise<void> {
    await this.db.query('DELETE FROM operator_sessions WHERE session_hash = $1', [hash(sessionId)]);
  }
}
