/** Run history and row-level results, shared by every worker on the database. */
import { randomUUID } from 'node:crypto';
import type { ReasonCount, RowCounts, RowOutcome, RowOutcomeKind, RunResult } from '../domain/run-result.js';
import type { RunProgress } from '../sync/run-options.js';
import type { Queryable } from './db.js';

export type RunTrigger = 'Scheduled' | 'Manual';
export type StoredRunStatus = 'Queued' | 'Running' | 'Completed' | 'Completed with errors' | 'Failed';

export interface RunRecord {
  id: string;
  orgId: string;
  integrationId: string;
  integrationName: string;
  trigger: RunTrigger;
  /** What asked for the run, unique per integration: `scheduled:<slot ISO>` or `manual:<WalkMe_Sync_Run__c id>`. */
  requestKey: string;
  sfRunId: string | null;
  dryRun: boolean;
  status: StoredRunStatus;
  attempts: number;
  worker: string | null;
  requestedAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  counts: RowCounts | null;
  apiCalls: number | null;
  error: string | null;
  log: string[];
  /** How the run matched and wrote (the plan), once it ended. */
  strategy: RunResult['strategy'] | null;
  /** Where a run in progress stands (rows read, matched, records written). */
  progress: RunProgress | null;
  rejectedByReason: ReasonCount[];
  /** Rejected rows past the cap: counted in `rejectedByReason`, not kept as row results. */
  rejectedOmitted: number;
}

const FINISHED = new Set<StoredRunStatus>(['Completed', 'Completed with errors', 'Failed']);

/** Whether the run has ended (its counts, plan and rows are final). */
export const isFinished = (run: Pick<RunRecord, 'status'>): boolean => FINISHED.has(run.status);

/** Kept rows in the shape a run's result holds them (the rejected-rows CSV takes that shape). */
export function rowOutcomesOf(rows: RowResult[]): RowOutcome[] {
  return rows.map((row) => ({
    row: row.row,
    key: row.key,
    outcome: row.outcome as RowOutcomeKind,
    recordIds: row.recordIds,
    ...(row.reason !== null ? { reason: row.reason } : {}),
    ...(row.statusCode !== null ? { statusCode: row.statusCode } : {})
  }));
}

/** Which runs a listing shows, newest first. */
export interface RunFilter {
  orgIds?: string[];
  integrationId?: string;
  statuses?: StoredRunStatus[];
  limit: number;
  offset?: number;
}

export interface RowResult {
  row: number;
  key: string;
  outcome: string;
  recordIds: string[];
  reason: string | null;
  statusCode: string | null;
}

export interface RunRequest {
  orgId: string;
  integrationId: string;
  integrationName: string;
  trigger: RunTrigger;
  requestKey: string;
  sfRunId?: string;
  dryRun?: boolean;
}

interface RunRow {
  id: string;
  org_id: string;
  integration_id: string;
  integration_name: string;
  trigger: RunTrigger;
  request_key: string;
  sf_run_id: string | null;
  dry_run: boolean;
  status: StoredRunStatus;
  attempts: number;
  worker: string | null;
  requested_at: Date;
  started_at: Date | null;
  ended_at: Date | null;
  counts: RowCounts | null;
  api_calls: number | null;
  error: string | null;
  log: string[];
  strategy: RunResult['strategy'] | null;
  progress: RunProgress | null;
  rejected_by_reason: ReasonCount[];
  rejected_omitted: number;
}

const toRun = (r: RunRow): RunRecord => ({
  id: r.id,
  orgId: r.org_id,
  integrationId: r.integration_id,
  integrationName: r.integration_name,
  trigger: r.trigger,
  requestKey: r.request_key,
  sfRunId: r.sf_run_id,
  dryRun: r.dry_run,
  status: r.status,
  attempts: r.attempts,
  worker: r.worker,
  requestedAt: r.requested_at,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  counts: r.counts,
  apiCalls: r.api_calls,
  error: r.error,
  log: r.log,
  strategy: r.strategy,
  progress: r.progress,
  rejectedByReason: r.rejected_by_reason,
  rejectedOmitted: r.rejected_omitted
});

export interface RunMetrics {
  runsByStatus: Record<string, number>;
  rowsByOutcome: Record<string, number>;
  /** Every row of every finished run, by outcome (from the runs' counts). */
  rowCounts: Record<string, number>;
  apiCalls: number;
  durationSeconds: { count: number; sum: number };
}

export class RunStore {
  constructor(private readonly db: Queryable) {}

  /**
   * Records a request for a run. The same request (same integration and request key) is recorded once:
   * `created` is false when it was already there, so a repeated event or a second worker adds nothing.
   */
  async request(req: RunRequest, tx: Queryable = this.db): Promise<{ run: RunRecord; created: boolean }> {
    const [inserted] = await tx.query<RunRow>(
      `INSERT INTO runs (id, org_id, integration_id, integration_name, trigger, request_key, sf_run_id, dry_run, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'Queued')
       ON CONFLICT (org_id, integration_id, request_key) DO NOTHING RETURNING *`,
      [
        randomUUID(),
        req.orgId,
        req.integrationId,
        req.integrationName,
        req.trigger,
        req.requestKey,
        req.sfRunId ?? null,
        req.dryRun ?? false
      ]
    );
    if (inserted) return { run: toRun(inserted), created: true };
    const [existing] = await tx.query<RunRow>(
      'SELECT * FROM runs WHERE org_id = $1 AND integration_id = $2 AND request_key = $3',
      [req.orgId, req.integrationId, req.requestKey]
    );
    return { run: toRun(existing!), created: false };
  }

  async get(id: string): Promise<RunRecord | undefined> {
    const [row] = await this.db.query<RunRow>('SELECT * FROM runs WHERE id = $1', [id]);
    return row && toRun(row);
  }

  /** Marks a run started by `worker` (again, after an interruption: `attempts` tells). */
  async start(id: string, worker: string): Promise<RunRecord> {
    const [row] = await this.db.query<RunRow>(
      `UPDATE runs SET status = 'Running', attempts = attempts + 1, worker = $2, started_at = now(),
         heartbeat_at = now(), ended_at = NULL, error = NULL
       WHERE id = $1 RETURNING *`,
      [id, worker]
    );
    if (!row) throw new Error(`Run ${id} does not exist.`);
    return toRun(row);
  }

  async setSfRunId(id: string, sfRunId: string): Promise<void> {
    await this.db.query('UPDATE runs SET sf_run_id = $2 WHERE id = $1', [id, sfRunId]);
  }

  /** Which of these `WalkMe_Sync_Run__c` ids a stored run of the org refers to. */
  async referencedSfRunIds(orgId: string, sfRunIds: string[]): Promise<Set<string>> {
    const rows = await this.db.query<{ sf_run_id: string }>(
      'SELECT sf_run_id FROM runs WHERE org_id = $1 AND sf_run_id = ANY($2::text[])',
      [orgId, sfRunIds]
    );
    return new Set(rows.map((r) => r.sf_run_id));
  }

  /** The integration's run in progress, if any. */
  async running(orgId: string, integrationId: string): Promise<RunRecord | undefined> {
    const [row] = await this.db.query<RunRow>(
      `SELECT * FROM runs WHERE org_id = $1 AND integration_id = $2 AND status = 'Running' LIMIT 1`,
      [orgId, integrationId]
    );
    return row && toRun(row);
  }

  async heartbeat(id: string): Promise<void> {
    await this.db.query(`UPDATE runs SET heartbeat_at = now() WHERE id = $1 AND status = 'Running'`, [id]);
  }

  async appendLog(id: string, line: string): Promise<void> {
    await this.db.query(`UPDATE runs SET log = log || jsonb_build_array($2::text) WHERE id = $1`, [id, line]);
  }

  /**
   * Stores a finished run with its rejected rows (every row's outcome is counted in `counts`), in one
   * transaction so a run is never half-recorded. `newLog`: the lines to add to the stored log (all of the
   * result's the first time; when a result is settled later, only what settling it added).
   */
  async finish(id: string, result: RunResult, tx: Queryable, newLog: string[] = result.log): Promise<void> {
    await tx.query('DELETE FROM row_results WHERE run_id = $1', [id]);
    await tx.query(
      `UPDATE runs SET status = $2, started_at = $3, ended_at = $4, counts = $5, api_calls = $6, error = $7,
         log = log || $8::jsonb, dry_run = $9, strategy = $10, rejected_by_reason = $11, rejected_omitted = $12,
         progress = NULL
       WHERE id = $1`,
      [
        id,
        result.status,
        result.startedAt,
        result.endedAt,
        JSON.stringify(result.counts),
        result.apiCalls,
        result.error ?? null,
        JSON.stringify(newLog),
        result.dryRun,
        JSON.stringify(result.strategy),
        JSON.stringify(result.rejectedByReason),
        result.rejectedOmitted
      ]
    );
    // Row results go in chunks: one statement per 500 rows keeps parameter counts far below PostgreSQL's limit.
    for (let i = 0; i < result.rejected.length; i += 500) {
      const chunk = result.rejected.slice(i, i + 500);
      await tx.query(
        `INSERT INTO row_results (run_id, row_number, key, outcome, record_ids, reason, status_code)
         SELECT $1, r.row_number, r.key, r.outcome, r.record_ids, r.reason, r.status_code
         FROM jsonb_to_recordset($2::jsonb) AS r(row_number integer, key text, outcome text, record_ids jsonb,
           reason text, status_code text)`,
        [
          id,
          JSON.stringify(
            chunk.map((o: RowOutcome) => ({
              row_number: o.row,
              key: o.key,
              outcome: o.outcome,
              record_ids: o.recordIds,
              reason: o.reason ?? null,
              status_code: o.statusCode ?? null
            }))
          )
        ]
      );
    }
  }

  /** Fails a run that never produced a result (connection revoked, integration gone, interrupted). */
  async fail(id: string, message: string): Promise<void> {
    await this.db.query(
      `UPDATE runs SET status = 'Failed', error = $2, ended_at = now(), log = log || jsonb_build_array($2::text)
       WHERE id = $1`,
      [id, message]
    );
  }

  /**
   * Runs left Running by a process that stopped: every Running run when `all` (the embedded engine owns its
   * database alone), else those whose worker stopped heart-beating `staleSeconds` ago.
   */
  async failInterrupted(
    reason: string,
    opts: { all: true } | { staleSeconds: number }
  ): Promise<RunRecord[]> {
    const rows = await this.db.query<RunRow>(
      `UPDATE runs SET status = 'Failed', error = $1, ended_at = now(), log = log || jsonb_build_array($1::text)
       WHERE status = 'Running' AND ($2::boolean OR heartbeat_at < now() - make_interval(secs => $3))
       RETURNING *`,
      [reason, 'all' in opts, 'all' in opts ? 0 : opts.staleSeconds]
    );
    return rows.map(toRun);
  }

  /** The latest runs, of the given orgs only when `orgIds` is given. */
  async recent(limit = 50, orgIds?: string[]): Promise<RunRecord[]> {
    const rows = await this.db.query<RunRow>(
      `SELECT * FROM runs WHERE $2::text[] IS NULL OR org_id = ANY($2::text[]) ORDER BY requested_at DESC LIMIT $1`,
      [limit, orgIds ?? null]
    );
    return rows.map(toRun);
  }

  async forIntegration(orgId: string, integrationId: string): Promise<RunRecord[]> {
    const rows = await this.db.query<RunRow>(
      'SELECT * FROM runs WHERE org_id = $1 AND integration_id = $2 ORDER BY requested_at',
      [orgId, integrationId]
    );
    return rows.map(toRun);
  }

  /** Where a run in progress stands; cleared when it ends. */
  async setProgress(id: string, progress: RunProgress): Promise<void> {
    await this.db.query(`UPDATE runs SET progress = $2 WHERE id = $1 AND status = 'Running'`, [
      id,
      JSON.stringify(progress)
    ]);
  }

  /** A page of runs, newest first, and how many match in all. */
  async list(filter: RunFilter): Promise<{ runs: RunRecord[]; total: number }> {
    const where = `($1::text[] IS NULL OR org_id = ANY($1::text[])) AND ($2::text IS NULL OR integration_id = $2)
      AND ($3::text[] IS NULL OR status = ANY($3::text[]))`;
    const params = [filter.orgIds ?? null, filter.integrationId ?? null, filter.statuses ?? null];
    const rows = await this.db.query<RunRow>(
      `SELECT * FROM runs WHERE ${where} ORDER BY requested_at DESC, id LIMIT $4 OFFSET $5`,
      [...params, filter.limit, filter.offset ?? 0]
    );
    const [{ n }] = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM runs WHERE ${where}`,
      params
    );
    return { runs: rows.map(toRun), total: n };
  }

  /** The run's rejected rows kept (row order), a page at a time when `page` is given. */
  async rowResults(runId: string, page?: { limit: number; offset: number }): Promise<RowResult[]> {
    const rows = await this.db.query<{
      row_number: number;
      key: string;
      outcome: string;
      record_ids: string[];
      reason: string | null;
      status_code: string | null;
    }>('SELECT * FROM row_results WHERE run_id = $1 ORDER BY row_number LIMIT $2 OFFSET $3', [
      runId,
      page?.limit ?? null,
      page?.offset ?? 0
    ]);
    return rows.map((r) => ({
      row: r.row_number,
      key: r.key,
      outcome: r.outcome,
      recordIds: r.record_ids,
      reason: r.reason,
      statusCode: r.status_code
    }));
  }

  async countRowResults(runId: string): Promise<number> {
    const [{ n }] = await this.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM row_results WHERE run_id = $1',
      [runId]
    );
    return n;
  }

  async metrics(): Promise<RunMetrics> {
    const byStatus = await this.db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM runs GROUP BY status'
    );
    const byOutcome = await this.db.query<{ outcome: string; n: number }>(
      'SELECT outcome, count(*)::int AS n FROM row_results GROUP BY outcome'
    );
    const counted = await this.db.query<{ outcome: string; n: number }>(
      `SELECT c.key AS outcome, sum(c.value::numeric)::float8 AS n
       FROM runs, jsonb_each_text(runs.counts) AS c WHERE runs.counts IS NOT NULL GROUP BY c.key`
    );
    const [totals] = await this.db.query<{ api_calls: number; finished: number; seconds: number }>(
      `SELECT coalesce(sum(api_calls), 0)::float8 AS api_calls, count(ended_at)::int AS finished,
         coalesce(sum(extract(epoch FROM ended_at - started_at)), 0)::float8 AS seconds
       FROM runs WHERE ended_at IS NOT NULL AND started_at IS NOT NULL`
    );
    return {
      runsByStatus: Object.fromEntries(byStatus.map((r) => [r.status, r.n])),
      rowsByOutcome: Object.fromEntries(byOutcome.map((r) => [r.outcome, r.n])),
      rowCounts: Object.fromEntries(counted.map((r) => [r.outcome, r.n])),
      apiCalls: totals?.api_calls ?? 0,
      durationSeconds: { count: totals?.finished ?? 0, sum: totals?.seconds ?? 0 }
    };
  }
}
