/**
 * A Bulk API 2.0 query job read one results page at a time (reference/salesforce-api.md §5).
 *
 * jsforce 3's `conn.bulk2.query()` downloads every page before the caller sees a record and pipes all pages
 * into one CSV parser, so each page after the first yields its header as a record. Reading the pages here —
 * through jsforce's own HttpApi, so authentication, session refresh and call accounting are jsforce's —
 * keeps one page in memory at a time and parses each page as the CSV file it is.
 */
import type { Connection } from '@jsforce/jsforce-node';
import type { BulkPolling } from '../sync/target-org.js';
import { HttpApi } from '@jsforce/jsforce-node/lib/http-api.js';
import { sleep } from '../domain/backoff.js';

interface QueryJobInfo {
  id: string;
  state: 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';
  errorMessage?: string;
}

export interface BulkQueryOptions extends BulkPolling {
  /** Records a results page holds at most (Salesforce may send fewer). */
  pageSize?: number;
}

async function waitForJob(conn: Connection, jobUrl: string, options: BulkQueryOptions): Promise<void> {
  const deadline = Date.now() + options.pollTimeout;
  for (;;) {
    const job = await conn.request<QueryJobInfo>(jobUrl);
    if (job.state === 'JobComplete') return;
    if (job.state === 'Failed' || job.state === 'Aborted') {
      throw new Error(
        `Bulk API 2.0 query job ${job.id} ${job.state.toLowerCase()}: ${job.errorMessage ?? ''}`
      );
    }
    if (Date.now() > deadline) {
      throw new Error(`Bulk API 2.0 query job ${job.id} did not complete within ${options.pollTimeout} ms`);
    }
    await sleep(options.pollInterval);
  }
}

/** Runs `soql` as a Bulk API 2.0 query job and yields its records page by page. */
export async function* bulkQueryPages(
  conn: Connection,
  soql: string,
  options: BulkQueryOptions
): AsyncGenerator<Array<Record<string, string>>> {
  const jobsUrl = `${conn.instanceUrl}/services/data/v${conn.version}/jobs/query`;
  const job = await conn.request<QueryJobInfo>({
    method: 'POST',
    url: jobsUrl,
    body: JSON.stringify({ operation: 'query', query: soql }),
    headers: { 'Content-Type': 'application/json' }
  });
  await waitForJob(conn, `${jobsUrl}/${job.id}`, options);
  const pageSize = options.pageSize ?? 50_000;
  let locator: string | undefined;
  do {
    const api = new HttpApi(conn, { responseType: 'text/csv' });
    // The string "null" marks the last page.
    api.on('response', (response: { headers: Record<string, string | undefined> }) => {
      locator = response.headers['sforce-locator'] ?? 'null';
    });
    const query = `maxRecords=${pageSize}${locator ? `&locator=${encodeURIComponent(locator)}` : ''}`;
    const page = await api.request<Array<Record<string, string>> | string>({
      method: 'GET',
      url: `${jobsUrl}/${job.id}/results?${query}`,
      headers: { Accept: 'text/csv' }
    });
    if (!Array.isArray(page)) throw new Error(`Bulk API 2.0 query job ${job.id}: a results page is not CSV`);
    yield page;
  } while (locator !== 'null');
}
