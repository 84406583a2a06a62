/**
 * Who is at the console: the operator a browser session signed in as, with the orgs they may see and act on.
 * Strangers are refused on every route behind `require()`: 401 for the API, a redirect to the sign-in page for
 * pages. The demo (`npm start`, loopback only) signs its operator in for them, to every connected org.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { EngineContext } from '../context/engine-context.js';
import type { OperatorGrant } from '../store/operator-sessions.js';
import type { SessionCookies } from './session-cookie.js';

export interface Operator {
  sessionId: string;
  /** One per org this browser signed in to. */
  grants: OperatorGrant[];
  /** `npm start`'s operator: signed in automatically, sees every connected org. */
  demo: boolean;
}

export function mayOperate(operator: Operator, orgId: string): boolean {
  return operator.demo || operator.grants.some((g) => g.orgId === orgId);
}

export class OperatorAuth {
  constructor(
    private readonly ctx: EngineContext,
    private readonly sessions: SessionCookies,
    private readonly demo: boolean
  ) {}

  async current(req: Request, res: Response): Promise<Operator> {
    const sessionId = this.sessions.ensure(req, res);
    return { sessionId, grants: await this.ctx.store.operators.grants(sessionId), demo: this.demo };
  }

  /** Lets signed-in operators through (as `res.locals.operator`); refuses everyone else. */
  require(): RequestHandler {
    return async (req: Request, res: Response, next: NextFunction) => {
      const operator = await this.current(req, res);
      if (operator.demo || operator.grants.length > 0) {
        res.locals.operator = operator;
        next();
        return;
      }
      if (req.path.startsWith('/api/')) {
        res.status(401).json({
          error: 'sign_in_required',
          message: 'Sign in with Salesforce at /signin first: the API answers signed-in operators only.'
        });
        return;
      }
      res.redirect(303, '/signin');
    };
  }
}

/** The operator `require()` let through. */
export function operatorOf(res: Response): Operator {
  return res.locals.operator as Operator;
}
