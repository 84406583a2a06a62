/**
 * Request-level rules that apply before anything else: URI and header size limits (Salesforce answers
 * 414 when the URI alone exceeds 16,384 bytes and 431 when URI plus headers do; KB 000386264), the
 * session check (401 INVALID_SESSION_ID), fault injection and API accounting.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ApiAccounting, CallKind } from '../api-accounting.js';
import type { OrgFaults } from '../faults.js';
import type { TokenStore } from '../oauth/token-store.js';
import { sendError } from './responses.js';

export const MAX_URI_BYTES = 16_384;

const sizeError = (res: Response, status: number, title: string): void => {
  // A front-end error page, not an API error body: jsforce reports it as ERROR_HTTP_<status>.
  res.status(status).type('text/html').send(`<html><body><h1>${status} ${title}</h1></body></html>`);
};

export const requestSizeGuard: RequestHandler = (req, res, next) => {
  const uriBytes = Buffer.byteLength(req.originalUrl);
  if (uriBytes > MAX_URI_BYTES) {
    sizeError(res, 414, 'URI Too Long');
    return;
  }
  let headerBytes = uriBytes;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    headerBytes += Buffer.byteLength(req.rawHeaders[i]) + Buffer.byteLength(req.rawHeaders[i + 1]) + 4;
  }
  if (headerBytes > MAX_URI_BYTES) {
    sizeError(res, 431, 'Request Header Fields Too Large');
    return;
  }
  next();
};

/** The kind a request under `/services/data/vXX.X` is counted as. */
export function callKindOf(method: string, path: string, isEvent: (objectName: string) => boolean): CallKind {
  const parts = path.split('/').filter(Boolean);
  switch (parts[0]) {
    case undefined:
      return 'resources';
    case 'sobjects':
      if (parts.length === 1) return 'describeGlobal';
      if (parts[2] === 'describe') return 'describe';
      return method === 'POST' && parts.length === 2 && isEvent(parts[1]) ? 'event' : 'sobject';
    case 'query':
    case 'queryAll':
      return parts.length > 1 ? 'queryMore' : 'query';
    case 'composite':
      // `/composite/sobjects` (sObject Collections) keeps the kind `composite` it has always had;
      // `/composite` and `/composite/batch` are the composite resources.
      if (parts.length === 1) return method === 'POST' ? 'compositeRequest' : 'resources';
      return parts[1].toLowerCase() === 'batch' ? 'compositeBatch' : 'composite';
    case 'limits':
      return parts[1]?.toLowerCase() === 'recordcount' ? 'recordCount' : 'limits';
    case 'jobs':
      return 'bulk2';
    default:
      return 'other';
  }
}

export interface GuardedOrg {
  orgId: string;
  tokens: TokenStore;
  faults: OrgFaults;
  accounting: ApiAccounting;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Authenticates (`Authorization: Bearer …` or, as CometD sends it, `OAuth …`), then applies latency,
 * 503s and the daily quota, counts the call and sets `Sforce-Limit-Info`. With `optional`, an invalid
 * token passes through without `res.locals.userId` (the CometD router answers its own auth failure).
 */
export function apiGuard(
  org: GuardedOrg,
  kindOf: (req: Request) => CallKind,
  options: { optional?: boolean } = {}
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const match = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    const session = org.tokens.session(match?.[1]);
    if (!session && !options.optional) {
      org.accounting.refused.session += 1;
      sendError(res, 401, 'INVALID_SESSION_ID', 'Session expired or invalid');
      return;
    }
    res.locals.orgId = org.orgId;
    if (session) res.locals.userId = session.userId;
    const kind = kindOf(req);
    if (kind !== 'streaming') {
      org.accounting.requestStarted();
      res.once('close', () => org.accounting.requestEnded());
    }
    const proceed = () => {
      if (org.faults.shouldFailWith503(req.method)) {
        sendError(res, 503, 'SERVER_UNAVAILABLE', 'Server temporarily unavailable. Please try again later.');
        return;
      }
      if (session && !org.accounting.record(kind)) {
        res.set('Sforce-Limit-Info', org.accounting.limitInfo());
        sendError(res, 403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
        return;
      }
      if (kind !== 'streaming') res.set('Sforce-Limit-Info', org.accounting.limitInfo());
      next();
    };
    if (org.faults.latencyMs > 0) void sleep(org.faults.latencyMs).then(proceed);
    else proceed();
  };
}
