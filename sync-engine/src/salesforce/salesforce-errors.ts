/**
 * What jsforce throws, as a typed `RunFailure`. jsforce names its errors by Salesforce's code: an API error's
 * `name` is its `errorCode` (`REQUEST_LIMIT_EXCEEDED`, `INVALID_SESSION_ID`, or `ERROR_HTTP_503` when the body
 * is not Salesforce's), an OAuth error's `name` is its `error` (`invalid_grant`, `invalid_client_id`); a
 * network failure carries Node's `code` (`ECONNRESET`). The kind is decided from those, never from the text
 * (reference/salesforce-api.md §1–§2; "OAuth 2.0 Web Server Flow" error codes).
 */
import { RunFailure, type FailureKind } from '../domain/errors.js';

/** OAuth answers that mean the refresh token no longer works: the customer revoked it, or it expired. */
const REVOKED = new Set(['invalid_grant', 'inactive_user', 'inactive_org', 'INVALID_SESSION_ID']);
/** OAuth answers that mean the engine's own connected app settings are wrong. */
const MISCONFIGURED = new Set([
  'invalid_client_id',
  'invalid_client',
  'redirect_uri_mismatch',
  'unsupported_grant_type'
]);
const QUOTA = new Set(['REQUEST_LIMIT_EXCEEDED']);
const TRANSIENT = new Set([
  'SERVER_UNAVAILABLE',
  'UNABLE_TO_LOCK_ROW',
  'REQUEST_RUNNING_TOO_LONG',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT'
]);
const SCHEMA = new Set(['INVALID_FIELD', 'INVALID_TYPE', 'NOT_FOUND', 'INVALID_FIELD_FOR_INSERT_UPDATE']);

function codeOf(error: unknown): string {
  const e = error as {
    errorCode?: unknown;
    name?: unknown;
    code?: unknown;
    cause?: { code?: unknown };
  } | null;
  for (const candidate of [e?.errorCode, e?.code, e?.cause?.code, e?.name]) {
    if (typeof candidate === 'string' && candidate !== 'Error') return candidate;
  }
  return '';
}

export function failureKindOf(error: unknown): FailureKind {
  if (error instanceof RunFailure) return error.kind;
  const code = codeOf(error);
  if (REVOKED.has(code)) return 'revoked';
  if (MISCONFIGURED.has(code)) return 'misconfigured';
  if (QUOTA.has(code)) return 'quota';
  if (TRANSIENT.has(code) || /^ERROR_HTTP_(5\d\d|429)$/.test(code)) return 'transient';
  if (SCHEMA.has(code)) return 'schema';
  return 'internal';
}

const SENTENCE: Partial<Record<FailureKind, (message: string, code: string) => string>> = {
  revoked: (message, code) =>
    `The connection to Salesforce was revoked or has expired (${code}: ${message}).`,
  misconfigured: (message, code) =>
    `Salesforce refused the engine's connected app (${code}: ${message}): SF_CLIENT_ID or SF_CLIENT_SECRET is wrong for this org's login host.`,
  quota: (message) => `Salesforce refused the call: the org's daily API limit is exhausted (${message}).`,
  transient: (message, code) => `Salesforce did not answer in time (${code}: ${message}).`
};

/**
 * The failure for what a call threw. `refreshFailure` is what the connection's last token refresh threw: jsforce
 * rethrows it from the call as a plain Error, so its kind comes from there.
 */
export function salesforceFailure(error: unknown, refreshFailure?: unknown): RunFailure {
  if (error instanceof RunFailure) return error;
  const cause = refreshFailure ?? error;
  const kind = failureKindOf(cause);
  const message = cause instanceof Error ? cause.message : String(cause);
  const code = codeOf(cause);
  const sentence = SENTENCE[kind]?.(message, code) ?? (code ? `${code}: ${message}` : message);
  return new RunFailure(kind, sentence, { cause });
}

/** A sentence an admin can act on: the failure and what to do. */
export function describeSalesforceFailure(error: unknown, refreshFailure?: unknown): string {
  return salesforceFailure(error, refreshFailure).advice;
}
