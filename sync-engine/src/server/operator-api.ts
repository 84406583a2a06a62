/**
 * The engine's local API for its own CLI (`npm run engine -- …`): the operator's commands answered by the
 * running engine, so they work while it holds the embedded database, and see its store, its connected
 * accounts and its report source. A request must carry the engine's CLI token as a Bearer token: a random
 * secret the engine writes at start to `<ENGINE_DATA_DIR>/operator-api.json`, readable by its own OS user
 * only (docs/security.md) — whoever can read the engine's data folder operates it already.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { EngineContext } from '../context/engine-context.js';
import type { Account } from '../store/accounts.js';
import { isFinished, type RunRecord, type RunRequest } from '../store/runs.js';
import { integrationReports, ReportSourceError } from '../sources/report-source.js';
import { findIntegration } from '../salesforce/integration-reader.js';
import {
  exportIntegrations,
  importIntegrations,
  type IntegrationExport
} from '../salesforce/integration-promotion.js';
import { disconnectAccount } from './disconnect.js';

export const OPERATOR_API = '/api/cli';

/** A refusal the CLI prints as it stands, with the HTTP status it maps to an exit code by. */
class ApiRefusal extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message);
  }
}

function tokenMatches(sent: string | undefined, token: string): boolean {
  const given = Buffer.from(sent?.replace(/^Bearer\s+/i, '') ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface OperatorApiOptions {
  token: string;
  requestRun: (req: RunRequest) => Promise<RunRecord>;
}

export function operatorApi(ctx: EngineContext, options: OperatorApiOptions): Router {
  const api = Router();
  api.use(OPERATOR_API, (req: Request, res: Response, next: NextFunction) => {
    if (tokenMatches(req.headers.authorization, options.token)) return next();
    res.status(401).json({
      error: `Send the engine's CLI token (${ctx.config.dataDir}/operator-api.json) as a Bearer token.`
    });
  });
  api.use(OPERATOR_API, express.json({ limit: '10mb' }));

  /** The connected account `org` names (its org id, or production / sandbox). */
  async function accountOf(org: unknown): Promise<Account> {
    const account = typeof org === 'string' && org ? await ctx.store.accounts.find(org) : undefined;
    if (!account) throw new ApiRefusal(404, `No connected account matches "${String(org ?? '')}".`);
    return account;
  }

  const route =
    (handler: (req: Request) => Promise<unknown>) =>
    async (req: Request, res: Response): Promise<void> => {
      try {
        res.json(await handler(req));
      } catch (error) {
        if (!(error instanceof ApiRefusal)) throw error;
        res.status(error.status).json({ error: error.message });
      }
    };

  api.get(
    `${OPERATOR_API}/ping`,
    route(async () => ({ pid: process.pid, database: ctx.store.db.kind }))
  );

  api.get(
    `${OPERATOR_API}/accounts`,
    route(async () => ctx.store.accounts.list())
  );

  api.post(
    `${OPERATOR_API}/accounts/:org/disconnect`,
    route(async (req) => {
      const account = await accountOf(req.params.org);
      return { account, ...(await disconnectAccount(ctx, account.orgId)) };
    })
  );

  api.get(
    `${OPERATOR_API}/reports`,
    route(async (req) => {
      const all = await ctx.source.listReports().catch((error: unknown) => {
        // The source's own failure (unreachable, refused credentials, a broken manifest) is the answer.
        if (!(error instanceof ReportSourceError)) throw error;
        throw new ApiRefusal(502, `The report source cannot list reports: ${error.message}`);
      });
      return req.query.all === 'true' ? all : integrationReports(all);
    })
  );

  api.get(
    `${OPERATOR_API}/integrations/export`,
    route(async (req) => {
      const account = await accountOf(req.query.org);
      const integrations = await ctx.orgs.use(account.orgId, (conn) => exportIntegrations(conn));
      return {
        exportedFrom: { orgId: account.orgId, orgName: account.orgName, environment: account.environment },
        exportedAt: new Date().toISOString(),
        integrations
      } satisfies IntegrationExport;
    })
  );

  api.post(
    `${OPERATOR_API}/integrations/import`,
    route(async (req) => {
      const account = await accountOf(req.query.org);
      const file = req.body as IntegrationExport;
      const report = await ctx.orgs.use(account.orgId, (conn, current) =>
        importIntegrations(conn, file.integrations, current.connectionRecordId)
      );
      return { account, report };
    })
  );

  api.post(
    `${OPERATOR_API}/runs`,
    route(async (req) => {
      const body = (req.body ?? {}) as { org?: string; integration?: string; dryRun?: boolean };
      const account = await accountOf(body.org);
      const nameOrId = String(body.integration ?? '');
      const integration = await ctx.orgs.use(account.orgId, (conn) => findIntegration(conn, nameOrId));
      if (!integration?.id) {
        throw new ApiRefusal(404, `No integration named or with id "${nameOrId}" in ${account.orgName}.`);
      }
      ctx.logger.info({ orgId: account.orgId, integrationId: integration.id }, 'run asked by the CLI');
      return options.requestRun({
        orgId: account.orgId,
        integrationId: integration.id,
        integrationName: integration.name,
        trigger: 'Manual',
        requestKey: `cli:${randomUUID()}`,
        dryRun: body.dryRun === true
      });
    })
  );

  api.get(
    `${OPERATOR_API}/runs`,
    route(async (req) => {
      const orgIds = req.query.org ? [(await accountOf(req.query.org)).orgId] : undefined;
      const named = typeof req.query.integration === 'string' ? req.query.integration : undefined;
      let integrationId: string | undefined;
      if (named) {
        const known = (await ctx.store.schedules.list()).filter(
          (i) =>
            (!orgIds || orgIds.includes(i.orgId)) &&
            (i.integrationId === named || i.integrationName === named)
        );
        if (known.length === 0)
          throw new ApiRefusal(404, `No integration named or with id "${named}" is known here.`);
        integrationId = known[0].integrationId;
      }
      return ctx.store.runs.list({
        orgIds,
        integrationId,
        statuses: req.query.failed === 'true' ? ['Failed', 'Completed with errors'] : undefined,
        limit: Math.min(Number(req.query.limit ?? 20) || 20, 500)
      });
    })
  );

  api.get(
    `${OPERATOR_API}/runs/:id`,
    route(async (req) => {
      const run = await ctx.store.runs.get(String(req.params.id));
      if (!run) throw new ApiRefusal(404, `No run ${String(req.params.id)}.`);
      const rows = isFinished(run) ? await ctx.store.runs.rowResults(run.id) : [];
      return { run, rows };
    })
  );
  return api;
}
