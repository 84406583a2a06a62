/**
 * One org's OAuth state: users, connected apps, authorization codes, refresh and access tokens,
 * with Salesforce's rules (single-use codes valid 15 minutes, at most 5 refresh tokens per user and
 * app with the oldest revoked silently, revoking a refresh token revokes its sessions).
 */
import { randomBytes } from 'node:crypto';

export interface EmulatedUser {
  id: string;
  username: string;
  password: string;
  email: string;
  firstName: string;
  lastName: string;
}

export interface ConnectedApp {
  clientId: string;
  clientSecret: string;
  callbackUrls: string[];
}

interface AuthCode {
  clientId: string;
  userId: string;
  redirectUri: string;
  challenge: string | null;
  scope: string;
  /** The authorize request's OpenID Connect `nonce`, echoed in the ID token. */
  nonce: string | null;
  expiresAt: number;
}

export interface RefreshToken {
  clientId: string;
  userId: string;
  scope: string;
  issuedAt: number;
}

export interface Session {
  userId: string;
  clientId: string;
  refreshToken: string | null;
  expiresAt: number;
}

/** Salesforce revokes the oldest refresh token past this many per user and connected app. */
const MAX_REFRESH_TOKENS = 5;
const CODE_TTL_MS = 15 * 60_000;

const token = (bytes: number): string => randomBytes(bytes).toString('base64url');

export class TokenStore {
  readonly users: EmulatedUser[] = [];
  readonly apps: ConnectedApp[] = [];
  /** Who auto-approve signs in as when the request names nobody (`login_hint`); the first user if unset. */
  approvingUsername: string | undefined;
  private readonly codes = new Map<string, AuthCode>();
  private readonly refreshTokens = new Map<string, RefreshToken>();
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly orgId: string,
    readonly options: { accessTokenTtlSeconds: number; rotateRefreshTokens: boolean }
  ) {}

  app(clientId: string | undefined): ConnectedApp | undefined {
    return this.apps.find((a) => a.clientId === clientId);
  }

  user(id: string): EmulatedUser | undefined {
    return this.users.find((u) => u.id === id);
  }

  /** The user with these credentials (usernames ignore case), or undefined. */
  authenticate(username: string | undefined, password: string | undefined): EmulatedUser | undefined {
    return this.users.find(
      (u) => u.username.toLowerCase() === username?.toLowerCase() && u.password === password
    );
  }

  /** A registered callback URL, or any loopback URL (the emulator's convenience for local apps). */
  isAllowedRedirect(app: ConnectedApp, redirectUri: string | undefined): boolean {
    if (!redirectUri) return false;
    if (app.callbackUrls.includes(redirectUri)) return true;
    try {
      const url = new URL(redirectUri);
      return (
        (url.protocol === 'http:' || url.protocol === 'https:') &&
        ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
      );
    } catch {
      return false;
    }
  }

  issueCode(code: Omit<AuthCode, 'expiresAt'>): string {
    const value = `aPrx${token(48)}`;
    this.codes.set(value, { ...code, expiresAt: Date.now() + CODE_TTL_MS });
    return value;
  }

  /** Consumes a code (codes are single-use); undefined when unknown, used or expired. */
  takeCode(value: string | undefined): AuthCode | undefined {
    if (!value) return undefined;
    const code = this.codes.get(value);
    this.codes.delete(value);
    return code && code.expiresAt > Date.now() ? code : undefined;
  }

  issueRefreshToken(clientId: string, userId: string, scope: string): string {
    const value = `5Aep861${token(60)}`;
    this.refreshTokens.set(value, { clientId, userId, scope, issuedAt: Date.now() });
    const mine = [...this.refreshTokens.entries()].filter(
      ([, t]) => t.clientId === clientId && t.userId === userId
    );
    for (const [old] of mine.slice(0, Math.max(0, mine.length - MAX_REFRESH_TOKENS)))
      this.revokeRefreshToken(old);
    return value;
  }

  /** The refresh tokens, to keep across restarts (sessions are not: a restart ends them, as jsforce expects). */
  savedRefreshTokens(): Array<[string, RefreshToken]> {
    return [...this.refreshTokens];
  }

  restoreRefreshTokens(saved: Array<[string, RefreshToken]>): void {
    for (const [value, token] of saved) this.refreshTokens.set(value, token);
  }

  refreshToken(value: string | undefined): RefreshToken | undefined {
    return value ? this.refreshTokens.get(value) : undefined;
  }

  revokeRefreshToken(value: string): boolean {
    if (!this.refreshTokens.delete(value)) return false;
    for (const [access, session] of this.sessions)
      if (session.refreshToken === value) this.sessions.delete(access);
    return true;
  }

  issueAccessToken(userId: string, clientId: string, refreshToken: string | null): string {
    const value = `${this.orgId.slice(0, 15)}!AQ${token(72)}`;
    this.sessions.set(value, {
      userId,
      clientId,
      refreshToken,
      expiresAt: Date.now() + this.options.accessTokenTtlSeconds * 1000
    });
    return value;
  }

  /** The live session of an access token, or undefined (unknown, revoked or expired). */
  session(value: string | undefined): Session | undefined {
    const session = value ? this.sessions.get(value) : undefined;
    return session && session.expiresAt > Date.now() ? session : undefined;
  }

  revokeAccessToken(value: string): boolean {
    return this.sessions.delete(value);
  }

  expireAllSessions(): void {
    for (const session of this.sessions.values()) session.expiresAt = 0;
  }

  revokeAllRefreshTokens(): void {
    for (const value of [...this.refreshTokens.keys()]) this.revokeRefreshToken(value);
  }
}
