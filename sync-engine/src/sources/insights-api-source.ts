/**
 * The Insights API report source. The token call is WalkMe's real one (developer.walkme.com, "Get
 * Authorization Token"); listing and export follow the contract this project assumes, documented in
 * docs/insights-api.md — kept to three paths here so the adapter can follow the real API once published.
 */
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { csvRowStream } from './csv-row-stream.js';
import { describeStatus, fetchWithRetry, type RetryOptions } from './fetch-with-retry.js';
import {
  ReportNotFoundError,
  ReportSourceError,
  ReportUnreachableError,
  type ReportInfo,
  type ReportRowStream,
  type ReportSource
} from './report-source.js';

/** WalkMe API hosts by data-centre region (US is the documented host; EU is assumed, override with baseUrl). */
export const INSIGHTS_REGIONS = {
  us: 'https://api.walkme.com',
  eu: 'https://eu-api.walkme.com'
} as const;

export type InsightsRegion = keyof typeof INSIGHTS_REGIONS;

export interface InsightsApiConfig {
  clientId: string;
  clientSecret: string;
  /** Default `us`; ignored when `baseUrl` is given (the emulator, a proxy). */
  region?: InsightsRegion;
  baseUrl?: string;
  retry?: RetryOptions;
  /** Renew the token this long before it expires (default 60 s). */
  renewBeforeExpirySeconds?: number;
}

/** The client id and secret are missing or WalkMe refused them: the API key must be set, checked or replaced. */
export class InsightsCredentialsError extends ReportSourceError {
  constructor(message: string) {
    super(message);
    this.name = 'InsightsCredentialsError';
  }
}

interface CachedToken {
  value: string;
  expiresAt: number;
}

async function errorDetail(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: string; error_description?: string; message?: string };
    return [describeStatus(response), body.error, body.error_description ?? body.message]
      .filter(Boolean)
      .join(' ');
  } catch {
    return describeStatus(response);
  }
}

function checkReport(raw: unknown): ReportInfo {
  const report = raw as Partial<ReportInfo> | null;
  if (
    typeof report?.id !== 'string' ||
    typeof report.name !== 'string' ||
    !Array.isArray(report.tags) ||
    !Array.isArray(report.columns)
  ) {
    throw new ReportSourceError(`Insights API returned a malformed report entry: ${JSON.stringify(raw)}`);
  }
  return {
    id: report.id,
    name: report.name,
    tags: report.tags,
    walkMeEnvironment: report.walkMeEnvironment ?? 'Production',
    columns: report.columns,
    ...(typeof report.rowCount === 'number' ? { rowCount: report.rowCount } : {})
  };
}

export class InsightsApiSource implements ReportSource {
  private readonly baseUrl: string;
  private token: Promise<CachedToken> | undefined;

  constructor(private readonly config: InsightsApiConfig) {
    this.baseUrl = (config.baseUrl ?? INSIGHTS_REGIONS[config.region ?? 'us']).replace(/\/+$/, '');
  }

  async listReports(): Promise<ReportInfo[]> {
    const response = await this.get('/insights/v1/reports', 'Insights report list');
    const body = (await response.json()) as { reports?: unknown };
    if (!Array.isArray(body.reports)) {
      throw new ReportSourceError('Insights API returned a report list without "reports"');
    }
    return body.reports.map(checkReport);
  }

  async getReport(reportId: string): Promise<ReportInfo> {
    const response = await this.get(
      `/insights/v1/reports/${encodeURIComponent(reportId)}`,
      `Report "${reportId}"`,
      reportId
    );
    return checkReport(await response.json());
  }

  async readRows(reportId: string): Promise<ReportRowStream> {
    const path = `/insights/v1/reports/${encodeURIComponent(reportId)}/export?format=csv`;
    const response = await this.get(path, `Report "${reportId}" export`, reportId);
    if (response.body === null) {
      throw new ReportUnreachableError(`Report "${reportId}": empty export response`, this.baseUrl + path);
    }
    return csvRowStream(
      Readable.fromWeb(response.body as NodeReadableStream),
      `Report "${reportId}" (${this.baseUrl}${path})`
    );
  }

  /**
   * A GET with the current token; a 401 drops the token and tries once more with a fresh one. `what` names
   * the call in errors; a 404 on a report's path (`reportId`) is a `ReportNotFoundError`.
   */
  private async get(path: string, what: string, reportId?: string): Promise<Response> {
    const url = this.baseUrl + path;
    let response = await this.authorizedGet(url, what);
    if (response.status === 401) {
      await response.body?.cancel();
      this.token = undefined;
      response = await this.authorizedGet(url, what);
    }
    if (response.status === 404 && reportId !== undefined) {
      await response.body?.cancel();
      throw new ReportNotFoundError(reportId);
    }
    if (!response.ok) {
      throw new ReportUnreachableError(
        `${what}: ${await errorDetail(response)} at ${url}`,
        url,
        response.status
      );
    }
    return response;
  }

  private authorizedGet(url: string, what: string): Promise<Response> {
    return fetchWithRetry(
      url,
      async () => ({ headers: { authorization: `Bearer ${(await this.accessToken()).value}` } }),
      what,
      this.config.retry
    );
  }

  /** The cached token while it is valid; one shared request renews it (concurrent callers wait on it). */
  private async accessToken(): Promise<CachedToken> {
    const margin = (this.config.renewBeforeExpirySeconds ?? 60) * 1000;
    const pending = this.token;
    const current = await pending?.catch(() => undefined);
    if (current && Date.now() < current.expiresAt - margin) return current;
    // Renew, unless another caller already did while we waited.
    if (this.token === undefined || this.token === pending) this.token = this.requestToken();
    return this.token;
  }

  private async requestToken(): Promise<CachedToken> {
    // Without them WalkMe would only answer 401, which says nothing of the unset variable (config.ts reads them).
    const unset = Object.entries({
      WALKME_CLIENT_ID: this.config.clientId,
      WALKME_CLIENT_SECRET: this.config.clientSecret
    })
      .filter(([, value]) => !value)
      .map(([variable]) => variable);
    if (unset.length > 0) {
      throw new InsightsCredentialsError(
        `${unset.join(' and ')} ${unset.length > 1 ? 'are' : 'is'} not set: reading reports from the Insights API ` +
          "(REPORTS_SOURCE=insights://, the default) takes an API key's client id and secret (docs/insights-api.md)"
      );
    }
    const url = `${this.baseUrl}/accounts/connect/token`;
    const basic = Buffer.from(`${this.config.clientId}:${this.config.clientSecret}`).toString('base64');
    const response = await fetchWithRetry(
      url,
      () => ({
        method: 'POST',
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded'
        },
        body: 'grant_type=client_credentials'
      }),
      'WalkMe token request',
      this.config.retry
    );
    if (response.status === 400 || response.status === 401 || response.status === 403) {
      throw new InsightsCredentialsError(
        `WalkMe rejected the Insights API credentials (${await errorDetail(response)}): check or recreate the API key`
      );
    }
    if (!response.ok) {
      throw new ReportUnreachableError(
        `WalkMe token request: ${await errorDetail(response)} at ${url}`,
        url,
        response.status
      );
    }
    const body = (await response.json()) as { access_token?: string; expires_in?: number };
    if (typeof body.access_token !== 'string') {
      throw new ReportSourceError(`WalkMe token response from ${url} has no access_token`);
    }
    return { value: body.access_token, expiresAt: Date.now() + (body.expires_in ?? 86_400) * 1000 };
  }
}
