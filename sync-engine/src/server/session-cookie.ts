/**
 * The browser session the OAuth `state` is bound to: a random id in an httpOnly, SameSite=Lax cookie signed
 * with HMAC-SHA256, so a callback can only complete in the browser that started the flow. The console's forms
 * carry a token derived from the same session (CSRF).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

export const SESSION_COOKIE = 'walkme_engine_session';

export class SessionCookies {
  constructor(
    private readonly key: Buffer,
    private readonly secure: boolean
  ) {}

  #sign(value: string): string {
    return createHmac('sha256', this.key).update(value).digest('base64url');
  }

  /** The request's session id when its cookie is present and correctly signed. */
  read(req: Request): string | undefined {
    const raw = (req.headers.cookie ?? '')
      .split(';')
      .map((c) => c.trim())
      .find((c) => c.startsWith(`${SESSION_COOKIE}=`))
      ?.slice(SESSION_COOKIE.length + 1);
    const [id, signature] = decodeURIComponent(raw ?? '').split('.');
    if (!id || !signature) return undefined;
    const expected = Buffer.from(this.#sign(id));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given) ? id : undefined;
  }

  /** The session id, starting a session (and setting its cookie) when there is none. */
  ensure(req: Request, res: Response): string {
    return this.read(req) ?? this.renew(res);
  }

  /** Starts a new session, replacing the browser's cookie (at sign-in, against session fixation). */
  renew(res: Response): string {
    const id = randomBytes(24).toString('base64url');
    res.cookie(SESSION_COOKIE, `${id}.${this.#sign(id)}`, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.secure,
      path: '/'
    });
    return id;
  }

  csrfToken(sessionId: string): string {
    return this.#sign(`csrf:${sessionId}`);
  }

  checkCsrf(req: Request, token: unknown): boolean {
    const session = this.read(req);
    if (!session || typeof token !== 'string') return false;
    const expected = Buffer.from(this.csrfToken(session));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
