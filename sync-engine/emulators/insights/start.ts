/**
 * The Insights emulator: WalkMe's real client-credentials token call and the report listing/export
 * contract this project assumes (docs/insights-api.md), serving the sample reports by default. Faults
 * (429, 500, expired tokens, latency) are switched on through `faults` while it runs.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { ReportInfo } from '../../src/sources/report-source.js';
import { reportCsv, sampleReports, type EmulatedReport } from './sample-reports.js';

/** Port used when the emulator is started from the command line. */
export const INSIGHTS_EMULATOR_PORT = 4020;

export interface InsightsFaults {
  /** The next N requests (any path) answer 429 with `Retry-After: retryAfterSeconds`. */
  rateLimited: number;
  retryAfterSeconds: number;
  /** The next N requests answer 500. */
  serverErrors: number;
  /** Delay before every response, in ms. */
  latencyMs: number;
  /** Expires every token issued so far: the next call with one answers 401. */
  expireTokens(): void;
}

export interface InsightsCall {
  method: string;
  /** Path and query, as requested. */
  path: string;
  status: number;
}

export interface InsightsEmulatorOptions {
  /** Default: a free port (`INSIGHTS_EMULATOR_PORT` from the CLI). */
  port?: number;
  host?: string;
  clientId?: string;
  clientSecret?: string;
  /** Default: `sampleReports()` (500 users, day 0). */
  reports?: EmulatedReport[];
  /** Lifetime of issued tokens (default 86400, as WalkMe's). */
  tokenTtlSeconds?: number;
  faults?: Partial<Omit<InsightsFaults, 'expireTokens'>>;
}

export interface InsightsEmulator {
  url: string;
  clientId: string;
  clientSecret: string;
  /** The reports served; replace the array's content to serve another day's export. */
  reports: EmulatedReport[];
  faults: InsightsFaults;
  /** Every request answered, in order. */
  calls: InsightsCall[];
  stop(): Promise<void>;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function basicCredentials(header: string | undefined): [string, string] | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : [decoded.slice(0, colon), decoded.slice(colon + 1)];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function startInsightsEmulator(
  options: InsightsEmulatorOptions = {}
): Promise<InsightsEmulator> {
  const clientId = options.clientId ?? 'walkme-demo-client';
  const clientSecret = options.clientSecret ?? 'walkme-demo-secret';
  const ttlSeconds = options.tokenTtlSeconds ?? 86_400;
  const reports = options.reports ?? sampleReports();
  const tokens = new Map<string, number>();
  const rowCounts = new WeakMap<EmulatedReport, number>();
  const calls: InsightsCall[] = [];
  const faults: InsightsFaults = {
    rateLimited: 0,
    retryAfterSeconds: 1,
    serverErrors: 0,
    latencyMs: 0,
    ...options.faults,
    expireTokens: () => {
      for (const token of tokens.keys()) tokens.set(token, 0);
    }
  };

  const describe = (report: EmulatedReport): ReportInfo => {
    let rowCount = rowCounts.get(report);
    if (rowCount === undefined) {
      rowCount = 0;
      for (const _row of report.rows()) rowCount += 1;
      rowCounts.set(report, rowCount);
    }
    return { ...report.info, rowCount };
  };
  const findReport = (id: string) => reports.find((report) => report.info.id === id);

  const app = express();
  app.disable('x-powered-by');

  app.use((req: Request, res: Response, next: NextFunction) => {
    res.on('finish', () => calls.push({ method: req.method, path: req.originalUrl, status: res.statusCode }));
    next();
  });

  app.use(async (_req: Request, res: Response, next: NextFunction) => {
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    if (faults.rateLimited > 0) {
      faults.rateLimited -= 1;
      res.set('Retry-After', String(faults.retryAfterSeconds));
      res.status(429).json({ error: 'rate_limited', message: 'Too many requests' });
      return;
    }
    if (faults.serverErrors > 0) {
      faults.serverErrors -= 1;
      res.status(500).json({ error: 'internal_error', message: 'Internal server error' });
      return;
    }
    next();
  });

  // WalkMe's documented token call: Basic client id:secret, form body grant_type=client_credentials.
  app.post(
    '/accounts/connect/token',
    express.urlencoded({ extended: false }),
    (req: Request, res: Response) => {
      res.set('Cache-Control', 'no-store');
      const credentials = basicCredentials(req.headers.authorization);
      if (!credentials || credentials[0] !== clientId || !sameSecret(credentials[1], clientSecret)) {
        res.set('WWW-Authenticate', 'Basic realm="walkme"');
        res.status(401).json({ error: 'invalid_client', error_description: 'Client authentication failed' });
        return;
      }
      if ((req.body as Record<string, unknown> | undefined)?.grant_type !== 'client_credentials') {
        res.status(400).json({
          error: 'unsupported_grant_type',
          error_description: 'grant_type must be client_credentials'
        });
        return;
      }
      const token = randomBytes(24).toString('base64url');
      tokens.set(token, Date.now() + ttlSeconds * 1000);
      res.json({ access_token: token, token_type: 'bearer', expires_in: ttlSeconds });
    }
  );

  app.use('/insights', (req: Request, res: Response, next: NextFunction) => {
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const expiresAt = token === undefined ? undefined : tokens.get(token);
    if (expiresAt === undefined || expiresAt <= Date.now()) {
      res.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      res.status(401).json({
        error: 'invalid_token',
        error_description: 'The access token is missing, invalid or expired'
      });
      return;
    }
    next();
  });

  app.get('/insights/v1/reports', (req: Request, res: Response) => {
    const tag = typeof req.query.tag === 'string' ? req.query.tag : undefined;
    const listed = reports.filter((report) => tag === undefined || report.info.tags.includes(tag));
    res.json({ reports: listed.map(describe) });
  });

  app.get('/insights/v1/reports/:id', (req: Request, res: Response) => {
    const report = findReport(String(req.params.id));
    if (!report) {
      res.status(404).json({ error: 'not_found', message: `Report ${req.params.id} not found` });
      return;
    }
    res.json(describe(report));
  });

  app.get('/insights/v1/reports/:id/export', async (req: Request, res: Response) => {
    const report = findReport(String(req.params.id));
    if (!report) {
      res.status(404).json({ error: 'not_found', message: `Report ${req.params.id} not found` });
      return;
    }
    const format = req.query.format ?? 'csv';
    if (format !== 'csv') {
      res.status(400).json({ error: 'unsupported_format', message: 'format must be csv' });
      return;
    }
    res.set('Content-Type', 'text/csv; charset=utf-8');
    res.set('Content-Disposition', `attachment; filename="${report.info.id}.csv"`);
    // A client that hangs up mid-export ends the pipeline with an error; nothing is left to answer.
    await pipeline(reportCsv(report), res).catch(() => undefined);
  });

  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: 'not_found', message: `No route for ${req.method} ${req.path}` });
  });

  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(options.port ?? 0, host, (error?: Error) =>
      error ? reject(error) : resolve(listening)
    );
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${host}:${port}`,
    clientId,
    clientSecret,
    reports,
    faults,
    calls,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      })
  };
}
