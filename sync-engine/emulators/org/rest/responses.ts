/**
 * Answers as Salesforce writes them: JSON with `application/json;charset=UTF-8` (jsforce parses JSON
 * only for `^application/json(;|$)`), and REST errors as `[{"message","errorCode","fields"?}]`.
 */
import type { ErrorRequestHandler, Response } from 'express';
import { SalesforceApiError } from '../org-context.js';

export const JSON_TYPE = 'application/json;charset=UTF-8';

export function sendJson(res: Response, status: number, body: unknown): void {
  // A Buffer, so that express keeps Salesforce's exact content type instead of appending `; charset=utf-8`.
  res
    .status(status)
    .set('Content-Type', JSON_TYPE)
    .send(Buffer.from(JSON.stringify(body)));
}

/** A REST error body: `[{"message","errorCode","fields"?}]`. */
export function errorBody(
  errorCode: string,
  message: string,
  fields?: string[]
): Array<{ message: string; errorCode: string; fields?: string[] }> {
  return [{ message, errorCode, ...(fields ? { fields } : {}) }];
}

export function sendError(
  res: Response,
  status: number,
  errorCode: string,
  message: string,
  fields?: string[]
): void {
  sendJson(res, status, errorBody(errorCode, message, fields));
}

export const NOT_FOUND_MESSAGE = 'The requested resource does not exist';

/** Turns thrown errors into Salesforce's error bodies; never a stack trace. */
export const salesforceErrorHandler: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  if (error instanceof SalesforceApiError) {
    sendError(res, error.status, error.errorCode, error.message, error.fields);
    return;
  }
  const bodyError = error as { type?: string; status?: number; message?: string };
  if (bodyError.type === 'entity.parse.failed') {
    sendError(res, 400, 'JSON_PARSER_ERROR', `Unexpected character in JSON: ${bodyError.message ?? ''}`);
    return;
  }
  // A Bulk upload over 100 MB; Salesforce documents the limit, not its answer: status and code [unverified].
  if (bodyError.type === 'entity.too.large') {
    sendError(res, 413, 'REQUEST_ENTITY_TOO_LARGE', 'Request entity too large');
    return;
  }
  sendError(
    res,
    500,
    'UNKNOWN_EXCEPTION',
    'An unexpected error occurred. Please include this ErrorId if you contact support: emulator'
  );
};
