/**
 * The REST API of one org under `/services/data/vXX.X` over HTTP: every request is handed to the org's
 * REST resources (rest-api.ts) and the composite resources (composite.ts), which answer it as Salesforce
 * would; what no resource serves falls through to the org's 404.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { ApiAccounting } from '../api-accounting.js';
import type { OrgRecords } from '../org-records.js';
import { addCompositeResources } from './composite.js';
import { RestApi, type RestAnswer, type RestCall } from './rest-api.js';
import { sendJson } from './responses.js';

function callOf(req: Request, res: Response): RestCall {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const queryAt = req.originalUrl.indexOf('?');
  return {
    // HEAD is GET without the body, which Express leaves out of the answer.
    method: req.method === 'HEAD' ? 'GET' : req.method,
    path: req.path,
    query: new URLSearchParams(queryAt >= 0 ? req.originalUrl.slice(queryAt + 1) : ''),
    headers,
    body: req.body as unknown,
    version: (req.params as { version: string }).version,
    userId: String(res.locals.userId ?? ''),
    orgId: String(res.locals.orgId ?? ''),
    origin: `${req.protocol}://${req.get('host') ?? ''}`
  };
}

function send(res: Response, answer: RestAnswer): void {
  if (answer.headers) res.set(answer.headers);
  if (answer.body === undefined) res.status(answer.status).end();
  else sendJson(res, answer.status, answer.body);
}

export function createRestRouter(
  org: { records: OrgRecords; accounting: ApiAccounting },
  canViewSetup: (userId: string) => boolean,
  supportsVersion: (version: string) => boolean
): Router {
  const api = new RestApi(org, canViewSetup);
  addCompositeResources(api, org, supportsVersion);
  const router = express.Router({ mergeParams: true });
  // Errors thrown by a resource reach the org's Salesforce error handler.
  router.use((req, res, next) => {
    const answer = api.route(callOf(req, res));
    if (answer) send(res, answer);
    else next();
  });
  return router;
}
