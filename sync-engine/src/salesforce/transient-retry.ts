/**
 * Sends an idempotent write again when it failed transiently (5xx, a reset connection, a timeout), with
 * exponential backoff and full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"). jsforce
 * retries GET, PUT and DELETE itself but never PATCH or POST; an update by Id with the same values is
 * idempotent, a create is not (so creates are never sent through here). A 429's `Retry-After` cannot be
 * honoured: jsforce's errors do not carry the response headers [limitation], so backoff applies to it too.
 */
import type { Connection } from '@jsforce/jsforce-node';
import { backoffDelay, sleep } from '../domain/backoff.js';
import type { RunFailure } from '../domain/errors.js';
import { lastRefreshFailure } from './connection-refresh.js';
import { salesforceFailure } from './salesforce-errors.js';

export interface RetryPolicy {
  /** Further attempts after the first. */
  retries: number;
  /** First wait; doubles each attempt. */
  baseMs: number;
  onRetry?(failure: RunFailure): void;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseMs: 500 };

/** `send()`, again while it fails transiently; any other failure (or the last one) is thrown, typed. */
export async function withTransientRetries<T>(
  conn: Connection,
  send: () => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY
): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await send();
    } catch (error) {
      const failure = salesforceFailure(error, lastRefreshFailure(conn));
      if (failure.kind !== 'transient' || attempt >= policy.retries) throw failure;
      policy.onRetry?.(failure);
      await sleep(backoffDelay(attempt, policy.baseMs));
    }
  }
}
