/**
 * API accounting for one org: the daily request quota as Salesforce counts it (every authenticated REST
 * and Bulk API call; not OAuth, not the versions list, not CometD long-polls) and a per-kind count of
 * every request, so tests can measure the engine's API cost exactly.
 */

/**
 * Kinds of requests the org counts. `streaming` is recorded but never spends quota. `composite` is sObject
 * Collections (`/composite/sobjects`); `compositeRequest` is `POST /composite`, one call whatever it holds
 * ("The entire series of requests counts as a single call toward your API limits", "Send Multiple Requests
 * Using Composite"); `compositeBatch` is `/composite/batch`, one per subrequest ("Each subrequest counts
 * against rate limits", "Composite Batch").
 */
export type CallKind =
  | 'resources'
  | 'describeGlobal'
  | 'describe'
  | 'query'
  | 'queryMore'
  | 'sobject'
  | 'composite'
  | 'compositeRequest'
  | 'compositeBatch'
  | 'limits'
  | 'recordCount'
  | 'event'
  | 'bulk2'
  | 'streaming'
  | 'other';

export class ApiAccounting {
  /** Requests by kind since the last reset (quota-free kinds included). */
  readonly byKind: Partial<Record<CallKind, number>> = {};
  /** Requests refused since the last reset: over the quota (403), or with an invalid session (401). */
  readonly refused = { quota: 0, session: 0 };
  /** Counted (quota-spending) requests since the last reset. */
  total = 0;
  used = 0;

  /** Bulk API batches processed today (shared by Bulk API and 2.0; 15,000 per 24 h). */
  bulkBatches = 0;
  /** Bulk API 2.0 query jobs created today (10,000 per 24 h). */
  bulkQueryJobs = 0;

  /** Requests being answered now, and the most at once since the last reset (quota-free kinds excluded). */
  inFlight = 0;
  peakInFlight = 0;

  constructor(public max: number) {}

  requestStarted(): void {
    this.inFlight += 1;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
  }

  requestEnded(): void {
    this.inFlight -= 1;
  }

  get remaining(): number {
    return Math.max(0, this.max - this.used);
  }

  /** `api-usage=used/max`, as in the Sforce-Limit-Info header. */
  limitInfo(): string {
    return `api-usage=${this.used}/${this.max}`;
  }

  /** Records one request; returns false (and records nothing) when it would exceed the quota. */
  record(kind: CallKind): boolean {
    const spendsQuota = kind !== 'streaming';
    if (spendsQuota && this.used >= this.max) {
      this.refused.quota += 1;
      return false;
    }
    this.byKind[kind] = (this.byKind[kind] ?? 0) + 1;
    if (spendsQuota) {
      this.used += 1;
      this.total += 1;
    }
    return true;
  }

  /**
   * An ingest job of `records` rows: Salesforce makes one batch per 10,000 records, and the empty
   * parent batch does not count ("Understanding Bulk API 2.0 Ingest"; query jobs consume no batches).
   */
  countIngestBatches(records: number): void {
    this.bulkBatches += Math.ceil(records / 10_000);
  }

  countQueryJob(): void {
    this.bulkQueryJobs += 1;
  }

  /** Clears the per-kind counters and `total` (the quota's usage is kept). */
  resetCounters(): void {
    for (const key of Object.keys(this.byKind)) delete this.byKind[key as CallKind];
    this.refused.quota = 0;
    this.refused.session = 0;
    this.total = 0;
    this.peakInFlight = this.inFlight;
  }

  setQuota(options: { max?: number; remaining?: number }): void {
    if (options.max !== undefined) this.max = options.max;
    if (options.remaining !== undefined) this.used = Math.max(0, this.max - options.remaining);
  }
}
