/**
 * Run closings the org could not take when the run ended (the token revoked, the quota spent, Salesforce
 * down): the whole result is kept here and delivered to the run record on the next successful contact with
 * the org, so no `WalkMe_Sync_Run__c` stays Running for good.
 */
import type { RunResult } from '../domain/run-result.js';
import type { Queryable } from './db.js';

export interface PendingClosing {
  runId: string;
  orgId: string;
  sfRunId: string;
  integrationId: string | null;
  result: RunResult;
  attempts: number;
}

interface Row {
  run_id: string;
  org_id: string;
  sf_run_id: string;
  integration_id: string | null;
  result: RunResult & { startedAt: string; endedAt: string };
  attempts: number;
}

export class PendingClosingStore {
  constructor(private readonly db: Queryable) {}

  async keep(closing: Omit<PendingClosing, 'attempts'>, tx: Queryable = this.db): Promise<void> {
    await tx.query(
      `INSERT INTO pending_closings (run_id, org_id, sf_run_id, integration_id, result) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (run_id) DO UPDATE SET result = $5`,
      [closing.runId, closing.orgId, closing.sfRunId, closing.integrationId, JSON.stringify(closing.result)]
    );
  }

  async forOrg(orgId: string): Promise<PendingClosing[]> {
    const rows = await this.db.query<Row>(
      'SELECT * FROM pending_closings WHERE org_id = $1 ORDER BY created_at',
      [orgId]
    );
    return rows.map((r) => ({
      runId: r.run_id,
      orgId: r.org_id,
      sfRunId: r.sf_run_id,
      integrationId: r.integration_id,
      result: {
        ...r.result,
        // A closing queued by an engine older than the count by reason has none.
        rejectedByReason: r.result.rejectedByReason ?? [],
        startedAt: new Date(r.result.startedAt),
        endedAt: new Date(r.result.endedAt)
      },
      attempts: r.attempts
    }));
  }

  async delivered(runId: string): Promise<void> {
    await this.db.query('DELETE FROM pending_closings WHERE run_id = $1', [runId]);
  }

  async failedAgain(runId: string, reason: string): Promise<void> {
    await this.db.query(
      'UPDATE pending_closings SET attempts = attempts + 1, last_error = $2 WHERE run_id = $1',
      [runId, reason]
    );
  }
}
