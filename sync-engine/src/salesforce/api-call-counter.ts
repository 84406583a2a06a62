/**
 * Counts the API calls a piece of work sends on a connection, as the org counts them: every request under
 * `/services/data/` (REST, queries and their pages, Collections, Bulk API 2.0), including jsforce's
 * post-refresh replays, which no caller-side count would see. Token calls go through the OAuth2 transport
 * and are not API calls. The engine shares one connection per org between concurrent runs, so calls are
 * credited to the async context that made them, not to whoever wrapped the transport.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Connection } from '@jsforce/jsforce-node';

interface Tally {
  count: number;
  byKind: Record<string, number>;
}

const current = new AsyncLocalStorage<Tally>();

/** The kind of an API request, from its path: what the run log and the bench count calls by. */
export function callKind(url: string): string {
  const path = url.replace(/^.*\/services\/data\/v[\d.]+/, '').replace(/\?.*$/, '');
  if (path.startsWith('/composite/sobjects')) return 'collections';
  if (path.startsWith('/composite')) return 'composite';
  if (path.startsWith('/query') || path.startsWith('/queryAll')) return 'query';
  if (path.startsWith('/jobs/')) return 'bulk';
  if (path.startsWith('/limits')) return 'limits';
  if (path.endsWith('/describe')) return 'describe';
  return 'sobject';
}
const instrumented = new WeakSet<object>();

/**
 * Runs `work`, whose `calls()` answers how many API calls it has sent on `conn` so far, and `byKind()` how
 * many of each kind.
 */
export function countApiCalls<T>(
  conn: Connection,
  work: (calls: () => number, byKind: () => Record<string, number>) => Promise<T>
): Promise<T> {
  const transport = conn._transport;
  if (!instrumented.has(transport)) {
    instrumented.add(transport);
    const original = transport.httpRequest;
    transport.httpRequest = function (this: typeof transport, request, options) {
      const counter = current.getStore();
      if (counter && request.url.includes('/services/data/')) {
        counter.count += 1;
        const kind = callKind(request.url);
        counter.byKind[kind] = (counter.byKind[kind] ?? 0) + 1;
      }
      return original.call(this, request, options);
    };
  }
  const counter: Tally = { count: 0, byKind: {} };
  return current.run(counter, () =>
    work(
      () => counter.count,
      () => ({ ...counter.byKind })
    )
  );
}
