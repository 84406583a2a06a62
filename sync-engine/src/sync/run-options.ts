/** What a caller can set for one run (`runSync`), with the defaults the run falls back on. */
import type { MatchWay, RowOutcome, WriteWay } from '../domain/run-result.js';
import type { BulkPolling } from './target-org.js';

export interface RunProgress {
  phase: 'checking' | 'matching' | 'writing' | 'recording' | 'done';
  rowsRead: number;
  /** Rows whose key reached at least one record. */
  matched: number;
  /** Records written so far. */
  written: number;
}

export interface RunOptions {
  /** Everything up to the write; counts say what would happen, `changesSample` shows before/after values. */
  dryRun?: boolean;
  /** Rewrite matched records even when their values are already equal. */
  full?: boolean;
  trigger?: 'Scheduled' | 'Manual';
  /** A `WalkMe_Sync_Run__c` created Queued by Run Now: it is moved to Running, then to its final status. */
  runId?: string;
  /** Write the run record and the integration's last-run fields (default true). */
  record?: boolean;
  /** Ways forced instead of the cheapest (the bench's side-by-side strategies, tests of one way). */
  plan?: { match?: MatchWay; write?: WriteWay };
  /** sObject Collections calls in flight (default 4). */
  concurrency?: number;
  /** Serial retries of `UNABLE_TO_LOCK_ROW` records (default 3) after a first backoff (default 1 s, doubling). */
  lockRetries?: number;
  lockBackoffMs?: number;
  /**
   * Stops the run at the next batch boundary (the engine stopping): the batch in flight is finished, nothing
   * more is sent, and the run ends Failed, "Interrupted", with what it wrote so far.
   */
  signal?: AbortSignal;
  /** Retries of a write call that failed transiently (default 3), the first after `retryBackoffMs` (500). */
  transientRetries?: number;
  retryBackoffMs?: number;
  bulkPolling?: BulkPolling;
  /** Longest query URL (default 16,384 − 2,048 bytes of headroom for the request line and headers). */
  maxUrlBytes?: number;
  /** Rejected rows kept in the result (default 10,000). */
  rejectedCap?: number;
  /** Field changes kept as a dry run's sample (default 50). */
  changesSampleSize?: number;
  onProgress?: (progress: RunProgress) => void;
  onOutcome?: (outcome: RowOutcome) => void;
}

export function bulkPollingOf(options: RunOptions): BulkPolling {
  return options.bulkPolling ?? { pollInterval: 1_000, pollTimeout: 600_000 };
}
