/** `/oauth/callback`, the connected app's one callback URL: completes a connect or an operator's sign-in. */
import { Router, type Request, type Response } from 'express';
import type { EngineContext } from '../context/engine-context.js';
import { authorizeCallback } from './authorization-flow.js';
import { completeConnect } from './connect-routes.js';
import type { OperatorAuth } from './operator-auth.js';
import type { SessionCookies } from './session-cookie.js';
import { completeSignIn } from './signin-routes.js';

export function oauthCallbackRoute(ctx: EngineContext, sessions: SessionCookies, auth: OperatorAuth): Router {
  const router = Router();
  router.get('/oauth/callback', async (req: Request, res: Response) => {
    const authorized = await authorizeCallback(ctx, sessions, req, res);
    if (!authorized) return;
    if (authorized.pending.purpose === 'signin') return completeSignIn(ctx, sessions, authorized, res);
    return completeConnect(ctx, sessions, authorized, await auth.current(req, res), res);
  });
  return router;
}
