/** The engine's HTTP server (express 5): OAuth connect, accounts, health, metrics and the console. */
import type { Server } from 'node:http';
import express, { type Request, type Response } from 'express';
import { renderConsole } from './console-page.js';
import { disconnectAccount } from './disconnect.js';
import type { EngineContext } from '../context/engine-context.js';
import { renderMetrics } from './metrics.js';
import { oauthRoutes } from './oauth-routes.js';
import { SessionCookies } from './session-cookie.js';

export function createApp(ctx: EngineContext) {
  const sessions = new SessionCookies(
    ctx.store.cipher.derive('session-cookie'),
    ctx.config.publicUrl.startsWith('https:')
  );
  const app = express();
  app.disable('x-powered-by');
  app.use(express.urlencoded({ extended: false }));
  app.use(oauthRoutes(ctx, sessions));

  app.get('/healthz', async (_req: Request, res: Response) => {
    try {
      await ctx.store.db.query('SELECT 1');
      res.json({ status: 'ok', database: ctx.store.db.kind });
    } catch (error) {
      res.status(503).json({ status: 'unavailable', reason: String(error) });
    }
  });

  app.get('/metrics', async (_req: Request, res: Response) => {
    const accounts: Record<string, number> = {};
    for (const a of await ctx.store.accounts.list()) accounts[a.status] = (accounts[a.status] ?? 0) + 1;
    res.type('text/plain; version=0.0.4').send(renderMetrics(await ctx.store.runs.metrics(), accounts));
  });

  app.get('/api/accounts', async (_req: Request, res: Response) => {
    res.json(await ctx.store.accounts.list());
  });

  app.post('/accounts/:orgId/disconnect', async (req: Request, res: Response) => {
    if (!sessions.checkCsrf(req, (req.body as Record<string, unknown> | undefined)?.csrf)) {
      res.status(403).type('text').send('This form expired: reload the console and try again.');
      return;
    }
    const orgId = String(req.params.orgId);
    if (!(await ctx.store.accounts.get(orgId))) {
      res.status(404).type('text').send('No such account.');
      return;
    }
    await disconnectAccount(ctx, orgId);
    res.redirect(303, '/');
  });

  app.get('/', async (req: Request, res: Response) => {
    const sessionId = sessions.ensure(req, res);
    res.type('html').send(
      renderConsole({
        accounts: await ctx.store.accounts.list(),
        integrations: await ctx.store.schedules.list(),
        runs: await ctx.store.runs.recent(50),
        csrfToken: sessions.csrfToken(sessionId)
      })
    );
  });

  app.use((error: unknown, _req: Request, res: Response, _next: express.NextFunction) => {
    void _next;
    ctx.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'request failed');
    res.status(500).type('text').send('The engine could not answer this request; see its log.');
  });
  return app;
}

/** Listens on `port` (0: any free port); answers the server and its base URL. */
export async function listen(
  app: ReturnType<typeof createApp>,
  port: number,
  host = '0.0.0.0'
): Promise<{ server: Server; url: string }> {
  return await new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => {
      if (error) return reject(error);
      const address = server.address() as { port: number };
      resolve({ server, url: `http://localhost:${address.port}` });
    });
  });
}
