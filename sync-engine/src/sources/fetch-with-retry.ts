/**
 * HTTP GET/POST through node's fetch with bounded retries: network failures, timeouts, 429 and 5xx are
 * retried with exponential backoff and jitter (honouring `Retry-After`), then reported with the last
 * status. Other statuses are returned to the caller, who knows what a 401 or 404 means.
 */
import { ReportUnreachableError } from './report-source.js';
import { sleep } from '../domain/backoff.js';

export interface RetryOptions {
  /** Attempts in all, the first included (default 5). */
  maxAttempts?: number;
  /** First backoff step (default 500 ms); doubles each attempt. */
  baseDelayMs?: number;
  /** Longest wait between attempts (default 60 s); a longer `Retry-After` ends the retries at once. */
  maxDelayMs?: number;
  /** Time allowed until the response headers arrive (default 60 s); the body may then stream for longer. */
  headersTimeoutMs?: number;
  /** Source of jitter in [0, 1) (default Math.random). */
  random?: () => number;
}

const DEFAULTS = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 60_000,
  headersTimeoutMs: 60_000,
  random: Math.random
};

function isRetryable(status: number): boolean {
  return status === 429 || status >= 500;
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** `HTTP 503 Service Unavailable`, or `HTTP 503` when the server sends no reason phrase. */
export function describeStatus(response: Response): string {
  return `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
}

async function fetchOnce(url: string, init: RequestInit, headersTimeoutMs: number): Promise<Response> {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new Error(`no response within ${headersTimeoutMs} ms`)),
    headersTimeoutMs
  );
  try {
    return await fetch(url, { ...init, signal: controller.signal });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Fetches `url`, retrying transient failures. `init` is called before every attempt so that headers (a
 * renewed token) are current. Throws `ReportUnreachableError` naming `what`, the URL and the last status.
 */
export async function fetchWithRetry(
  url: string,
  init: () => RequestInit | Promise<RequestInit>,
  what: string,
  options: RetryOptions = {}
): Promise<Response> {
  const { maxAttempts, baseDelayMs, maxDelayMs, headersTimeoutMs, random } = { ...DEFAULTS, ...options };
  let failure = '';
  let status: number | undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    let wait: number | undefined;
    const request = await init();
    try {
      const response = await fetchOnce(url, request, headersTimeoutMs);
      if (!isRetryable(response.status)) return response;
      status = response.status;
      failure = describeStatus(response);
      wait = retryAfterMs(response.headers.get('retry-after'));
      await response.body?.cancel();
      if (wait !== undefined && wait > maxDelayMs) {
        throw new ReportUnreachableError(
          `${what}: ${failure}, asked to retry after ${Math.ceil(wait / 1000)} s (more than the ${maxDelayMs / 1000} s allowed) at ${url}`,
          url,
          status
        );
      }
    } catch (error) {
      if (error instanceof ReportUnreachableError) throw error;
      status = undefined;
      const cause = error instanceof Error ? ((error.cause as Error | undefined) ?? error) : undefined;
      failure = cause?.message ?? String(error);
    }
    if (attempt < maxAttempts) {
      // Equal jitter: half the exponential step fixed, half random, so retries of many clients spread out.
      const step = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      await sleep(wait ?? step / 2 + random() * (step / 2));
    }
  }
  throw new ReportUnreachableError(
    `${what}: ${failure} at ${url} (gave up after ${maxAttempts} attempts)`,
    url,
    status
  );
}
