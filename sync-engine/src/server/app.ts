/**
 * The engine's HTTP server (express 5): operator sign-in, OAuth connect, accounts, health, metrics and the
 * console. Only `/healthz`, `/metrics` (its own guard), the sign-in path and the OAuth routes answer strangers;
 * everything else needs a signed-in operator and shows them their orgs only.
 */
import type { Server } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { isLoopbackHost } from '../config.js';
import { fail } from './authorization-flow.js';
import { consoleRoutes } from './console-routes.js';
import { connectRoute } from './connect-routes.js';
import { disconnectAccount } from './disconnect.js';
import type { EngineContext } from '../context/engine-context.js';
import { renderMetrics } from './metrics.js';
import { oauthCallbackRoute } from './oauth-callback.js';
import { mayOperate, OperatorAuth, operatorOf } from './operator-auth.js';
import { PAGE_STYLE_HASH } from './html.js';
import { SessionCookies } from './session-cookie.js';
import { signInRoutes, signOutRoute } from './signin-routes.js';
import { engineHealth, type RunNowStatus } from './health.js';
import { operatorApi } from './operator-api.js';
import type { RunRecord, RunRequest } from '../store/runs.js';

/** Sign-in, connect and callback requests one client address may make per window (each sign-in makes two). */
export const SIGN_IN_ATTEMPTS = 40;
const SIGN_IN_WINDOW_MINUTES = 10;

export interface AppOptions {
  /** Asks for a run now (the engine's `requestRun`). */
  requestRun: (req: RunRequest) => Promise<RunRecord>;
  /** The CLI's token for the local operator API (`operator-api.ts`); without it that API is not served. */
  cliToken?: string;
  /** `npm start` on loopback: its operator is signed in automatically (and the console says so). */
  demoOperator?: boolean;
  /** Where an org's Run Now subscription stands, when this process listens for it. */
  runNowStatus?: (orgId: string) => RunNowStatus | undefined;
}

export function createApp(ctx: EngineContext, options: AppOptions) {
  const sessions = new SessionCookies(
    ctx.store.cipher.derive('session-cookie'),
    ctx.config.publicUrl.startsWith('https:')
  );
  const auth = new OperatorAuth(ctx, sessions, options.demoOperator === true);
  const app = express();
  app.disable('x-powered-by');
  // Behind a TLS proxy on this machine (README, "Hosting"), the client's address is the forwarded one.
  app.set('trust proxy', 'loopback');
  // No script at all; the one inline stylesheet (html.ts) is allowed by its hash, not by 'unsafe-inline'.
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"],
          styleSrc: [PAGE_STYLE_HASH],
          imgSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"]
        }
      },
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: ctx.config.publicUrl.startsWith('https:')
    })
  );
  app.use(express.urlencoded({ extended: false }));
  const signInLimit = rateLimit({
    windowMs: SIGN_IN_WINDOW_MINUTES * 60_000,
    limit: SIGN_IN_ATTEMPTS,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req, res) => {
      ctx.logger.warn({ ip: req.ip, path: req.path }, 'sign-in attempts limited');
      fail(res, 429, 'Too many sign-in attempts', [
        `This address made more than ${SIGN_IN_ATTEMPTS} sign-in requests in ${SIGN_IN_WINDOW_MINUTES} minutes: wait a few minutes, then try again.`
      ]);
    }
  });
  app.use(['/signin/salesforce', '/oauth/connect', '/oauth/callback'], signInLimit);
  if (options.cliToken)
    app.use(operatorApi(ctx, { token: options.cliToken, requestRun: options.requestRun }));
  app.use(signInRoutes(ctx, sessions, auth));
  app.use(connectRoute(ctx, sessions));
  app.use(oauthCallbackRoute(ctx, sessions, auth));

  // Anyone may ask whether the engine is up; the per-org detail (org ids, quota) answers whoever may read metrics.
  app.get('/healthz', async (req: Request, res: Response) => {
    const detailed = !metricsRefusal(ctx.config.metricsToken, req.ip, req.headers.authorization);
    try {
      await ctx.store.db.query('SELECT 1');
    } catch (error) {
      res.status(503).json({ status: 'unavailable', reason: String(error) });
      return;
    }
    const health = await engineHealth(ctx, options.runNowStatus ?? (() => undefined));
    const { orgs, ...summary } = health;
    res.json(
      detailed ? health : { ...summary, orgs: { total: orgs.length, ok: orgs.filter((o) => o.ok).length } }
    );
  });

  app.get('/metrics', async (req: Request, res: Response) => {
    // `req.ip`: behind a proxy on this machine, the client's address (X-Forwarded-For), not the proxy's.
    const refusal = metricsRefusal(ctx.config.metricsToken, req.ip, req.headers.authorization);
    if (refusal) {
      res.status(refusal.status).type('text').send(refusal.message);
      return;
    }
    const accounts: Record<string, number> = {};
    for (const a of await ctx.store.accounts.list()) accounts[a.status] = (accounts[a.status] ?? 0) + 1;
    res.type('text/plain; version=0.0.4').send(renderMetrics(await ctx.store.runs.metrics(), accounts));
  });

  app.use(auth.require());
  app.use(signOutRoute(ctx, sessions));

  app.get('/api/accounts', async (_req: Request, res: Response) => {
    const operator = operatorOf(res);
    res.json((await ctx.store.accounts.list()).filter((a) => mayOperate(operator, a.orgId)));
  });

  app.post('/accounts/:orgId/disconnect', async (req: Request, res: Response) => {
    if (!sessions.checkCsrf(req, (req.body as Record<string, unknown> | undefined)?.csrf)) {
      res.status(403).type('text').send('This form expired: reload the console and try again.');
      return;
    }
    const orgId = String(req.params.orgId);
    // Another org's account is answered as absent: its existence is not this operator's to learn.
    if (!mayOperate(operatorOf(res), orgId) || !(await ctx.store.accounts.get(orgId))) {
      res.status(404).type('text').send('No such account.');
      return;
    }
    await disconnectAccount(ctx, orgId);
    res.redirect(303, '/');
  });

  app.use(consoleRoutes(ctx, sessions, options));

  app.use((error: unknown, _req: Request, res: Response, _next: express.NextFunction) => {
    void _next;
    ctx.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'request failed');
    res.status(500).type('text').send('The engine could not answer this request; see its log.');
  });
  return app;
}

/**
 * Who may read `/metrics`: with `ENGINE_METRICS_TOKEN`, whoever sends it as a Bearer token; without it, callers
 * on this machine only (a scraper beside the engine).
 */
export function metricsRefusal(
  token: string | undefined,
  remoteAddress: string | undefined,
  authorization: string | undefined
): { status: number; message: string } | undefined {
  if (token) {
    const sent = Buffer.from(authorization?.replace(/^Bearer\s+/i, '') ?? '');
    const expected = Buffer.from(token);
    if (sent.length === expected.length && timingSafeEqual(sent, expected)) return undefined;
    return { status: 401, message: 'Send the metrics token: Authorization: Bearer $ENGINE_METRICS_TOKEN.' };
  }
  const address = (remoteAddress ?? '').replace(/^::ffff:/, '');
  if (isLoopbackHost(address)) return undefined;
  return {
    status: 403,
    message: 'Metrics answer this machine only: set ENGINE_METRICS_TOKEN to scrape them remotely.'
  };
}

/** Listens on `port` (0: any free port); answers the server and its base URL. */
export async function listen(
  app: ReturnType<typeof createApp>,
  port: number,
  host: string
): Promise<{ server: Server; url: string }> {
  return await new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => {
      if (error) return reject(error);
      const address = server.address() as { port: number };
      resolve({ server, url: `http://localhost:${address.port}` });
    });
  });
}
