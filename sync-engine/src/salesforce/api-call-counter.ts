/**
 * Counts the API calls one connection sends, as the org counts them: every request under
 * `/services/data/` (REST, queries and their pages, Collections, Bulk API 2.0), including jsforce's own
 * retries and post-refresh replays, which no caller-side count would see. Token calls go through the
 * OAuth2 transport and are not API calls.
 */
import type { Connection } from '@jsforce/jsforce-node';

export interface ApiCallCounter {
  readonly count: number;
  /** Puts the connection's transport back as it was. */
  stop(): void;
}

export function countApiCalls(conn: Connection): ApiCallCounter {
  const transport = conn._transport;
  const original = transport.httpRequest;
  let count = 0;
  const counting: typeof original = function (this: typeof transport, request, options) {
    if (request.url.includes('/services/data/')) count += 1;
    return original.call(this, request, options);
  };
  transport.httpRequest = counting;
  return {
    get count() {
      return count;
    },
    stop() {
      if (transport.httpRequest === counting) transport.httpRequest = original;
    }
  };
}
