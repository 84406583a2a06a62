/**
 * The console's routes, behind the operator's sign-in: the home page, the run history, a run's page and its
 * rejected rows as CSV, and the integration actions (Run now, pause, resume). Everything is of the operator's
 * orgs only: another org's run or integration is answered as absent (404). Actions are POST forms carrying the
 * session's CSRF token.
 */
import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { EngineContext } from '../context/engine-context.js';
import { rejectedRowsCsv } from '../salesforce/run-recorder.js';
import { rowOutcomesOf, type RunRecord, type RunRequest } from '../store/runs.js';
import { fail } from './authorization-flow.js';
import { ConsoleNames, pageNumber } from './console-format.js';
import { renderConsole } from './console-page.js';
import type { RunNowStatus } from './health.js';
import { mayOperate, operatorOf, type Operator } from './operator-auth.js';
import {
  renderRunHistory,
  RUNS_PER_PAGE,
  STATUS_FILTERS,
  type RunHistoryFilter
} from './run-history-page.js';
import { renderRunPage, ROWS_PER_PAGE, runHref } from './run-page.js';
import type { SessionCookies } from './session-cookie.js';

/** What the console needs of the engine beyond its context (the app's options). */
export interface ConsoleOptions {
  requestRun: (req: RunRequest) => Promise<RunRecord>;
  runNowStatus?: (orgId: string) => RunNowStatus | undefined;
}

/** Runs listed on the console's home page. */
const RECENT_RUNS = 10;

const lastPage = (total: number, perPage: number) => Math.max(1, Math.ceil(total / perPage));

export function consoleRoutes(ctx: EngineContext, sessions: SessionCookies, options: ConsoleOptions): Router {
  const router = Router();
  const { store } = ctx;

  /** The operator's accounts and integrations, the orgs their runs are listed from, and the names to show. */
  const visibleTo = async (operator: Operator) => {
    const accounts = (await store.accounts.list()).filter((a) => mayOperate(operator, a.orgId));
    const integrations = (await store.schedules.list()).filter((i) => mayOperate(operator, i.orgId));
    return {
      accounts,
      integrations,
      orgIds: operator.demo ? undefined : operator.grants.map((g) => g.orgId),
      names: new ConsoleNames(operator, accounts, integrations)
    };
  };

  /** The run, when it is of one of the operator's orgs. */
  const runOf = async (req: Request, res: Response): Promise<RunRecord | undefined> => {
    const run = await store.runs.get(String(req.params.id));
    if (run && mayOperate(operatorOf(res), run.orgId)) return run;
    fail(res, 404, 'No such run', ['This run is not one of your orgs’ runs, or it does not exist.']);
    return undefined;
  };

  router.get('/', async (_req: Request, res: Response) => {
    const operator = operatorOf(res);
    const { accounts, integrations, orgIds } = await visibleTo(operator);
    const recent = await store.runs.list({ orgIds, limit: RECENT_RUNS });
    res.type('html').send(
      renderConsole({
        operator,
        runNowStatus: options.runNowStatus ?? (() => undefined),
        accounts,
        integrations,
        runs: recent.runs,
        runsTotal: recent.total,
        csrfToken: sessions.csrfToken(operator.sessionId)
      })
    );
  });

  router.get('/runs', async (req: Request, res: Response) => {
    const operator = operatorOf(res);
    const { integrations, orgIds, names } = await visibleTo(operator);
    const filter: RunHistoryFilter = {};
    if (typeof req.query.integration === 'string' && req.query.integration.includes('/'))
      filter.integration = req.query.integration;
    if (typeof req.query.status === 'string' && STATUS_FILTERS[req.query.status])
      filter.status = req.query.status;
    const [orgId = '', integrationId = ''] = filter.integration?.split(/\/(.*)/s) ?? [];
    // Another org's integration matches nothing here, as if it did not exist.
    const scope = filter.integration
      ? { orgIds: mayOperate(operator, orgId) ? [orgId] : [], integrationId }
      : { orgIds };
    const query = { ...scope, statuses: filter.status ? STATUS_FILTERS[filter.status]!.statuses : undefined };
    let pageNo = pageNumber(req.query.page);
    let listed = await store.runs.list({
      ...query,
      limit: RUNS_PER_PAGE,
      offset: (pageNo - 1) * RUNS_PER_PAGE
    });
    if (!listed.runs.length && pageNo > lastPage(listed.total, RUNS_PER_PAGE)) {
      pageNo = lastPage(listed.total, RUNS_PER_PAGE);
      listed = await store.runs.list({
        ...query,
        limit: RUNS_PER_PAGE,
        offset: (pageNo - 1) * RUNS_PER_PAGE
      });
    }
    res
      .type('html')
      .send(renderRunHistory({ ...listed, page: pageNo, filter, integrations, names, now: new Date() }));
  });

  router.get('/runs/:id', async (req: Request, res: Response) => {
    const run = await runOf(req, res);
    if (!run) return;
    const { names } = await visibleTo(operatorOf(res));
    const rowsKept = await store.runs.countRowResults(run.id);
    const pageNo = Math.min(pageNumber(req.query.page), lastPage(rowsKept, ROWS_PER_PAGE));
    const rows = await store.runs.rowResults(run.id, {
      limit: ROWS_PER_PAGE,
      offset: (pageNo - 1) * ROWS_PER_PAGE
    });
    res.type('html').send(renderRunPage({ run, names, rows, rowsKept, page: pageNo, now: new Date() }));
  });

  router.get('/runs/:id/rejected.csv', async (req: Request, res: Response) => {
    const run = await runOf(req, res);
    if (!run) return;
    const { names } = await visibleTo(operatorOf(res));
    // The same file the org's run record gets: formula-looking cells are neutralised for spreadsheets.
    const csv = rejectedRowsCsv(rowOutcomesOf(await store.runs.rowResults(run.id)));
    const slug =
      names
        .ofRun(run)
        .replace(/[^A-Za-z0-9]+/g, '-')
        .replace(/^-|-$/g, '') || 'run';
    const day = (run.startedAt ?? run.requestedAt).toISOString().slice(0, 10);
    res.type('text/csv; charset=utf-8').attachment(`rejected-rows-${slug}-${day}.csv`).send(csv);
  });

  /** The POSTs on an integration: CSRF first, then the integration must be one of the operator's. */
  const integrationAction =
    (
      act: (
        req: Request,
        res: Response,
        integration: { orgId: string; integrationId: string; name: string }
      ) => Promise<void>
    ) =>
    async (req: Request, res: Response) => {
      if (!sessions.checkCsrf(req, (req.body as Record<string, unknown> | undefined)?.csrf)) {
        res.status(403).type('text').send('This form expired: reload the console and try again.');
        return;
      }
      const orgId = String(req.params.orgId);
      const integrationId = String(req.params.integrationId);
      const known = mayOperate(operatorOf(res), orgId)
        ? (await store.schedules.list(orgId)).find((i) => i.integrationId === integrationId)
        : undefined;
      if (!known) {
        fail(res, 404, 'No such integration', [
          'This integration is not in one of your connected orgs (or the engine has not read it yet).'
        ]);
        return;
      }
      await act(req, res, { orgId, integrationId, name: known.integrationName });
    };

  router.post(
    '/integrations/:orgId/:integrationId/run',
    integrationAction(async (_req, res, integration) => {
      const account = await store.accounts.get(integration.orgId);
      if (account?.status !== 'connected') {
        fail(res, 409, `${integration.name} cannot run now`, [
          `${account ? `${account.orgName} (${account.environment})` : 'Its org'} needs reconnection${
            account?.statusMessage ? `: ${account.statusMessage}` : '.'
          }`,
          'Reconnect the account from the console (Reconnect), then run the integration again.'
        ]);
        return;
      }
      const run = await options.requestRun({
        orgId: integration.orgId,
        integrationId: integration.integrationId,
        integrationName: integration.name,
        trigger: 'Manual',
        requestKey: `console:${randomUUID()}`,
        dryRun: false
      });
      ctx.logger.info(
        { runId: run.id, orgId: integration.orgId, integrationId: integration.integrationId },
        'run requested from the console'
      );
      res.redirect(303, runHref(run.id));
    })
  );

  for (const [action, paused] of [
    ['pause', true],
    ['resume', false]
  ] as const) {
    router.post(
      `/integrations/:orgId/:integrationId/${action}`,
      integrationAction(async (_req, res, integration) => {
        const operator = operatorOf(res);
        const by = operator.grants.find((g) => g.orgId === integration.orgId)?.username ?? 'demo';
        await store.schedules.setPaused(integration.orgId, integration.integrationId, paused ? by : null);
        ctx.logger.info(
          { orgId: integration.orgId, integrationId: integration.integrationId, by },
          paused ? 'integration paused' : 'integration resumed'
        );
        res.redirect(303, '/');
      })
    );
  }

  return router;
}
