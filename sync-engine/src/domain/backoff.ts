/** How long to wait before trying again: the one backoff the engine's retries and resubscriptions share. */

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The wait before retry `attempt` (0-based): doubling from `baseMs`, capped at `capMs`, with full jitter
 * (AWS Architecture Blog, "Exponential Backoff and Jitter"), so many clients retrying together spread out.
 */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  capMs = Number.POSITIVE_INFINITY,
  random = Math.random
): number {
  return Math.round(random() * Math.min(capMs, baseMs * 2 ** attempt));
}
