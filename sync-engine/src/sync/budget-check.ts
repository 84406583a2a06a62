/** Step 1 of a run: the most API calls it may spend, against what the org has left today, before any work. */
import { BudgetExceededError } from '../domain/errors.js';
import { forecastCalls } from './call-forecast.js';
import { HEADER_HEADROOM_BYTES, MAX_REQUEST_HEAD_BYTES } from '../domain/salesforce-limits.js';
import type { RunLog } from './run-log.js';
import type { TargetOrg } from './target-org.js';

export interface BudgetCheckInput {
  reportName: string;
  rows: number;
  matchStrategy: 'soql' | 'bulk-query';
  dryRun: boolean;
  /** Changed records above which the write is one Bulk API 2.0 ingest job. */
  bulkIngestAbove: number;
  maxUrlBytes?: number;
  followsContacts: boolean;
}

/** Notes the forecast in the log; throws `BudgetExceededError` when the org has too few calls left. */
export async function checkBudget(org: TargetOrg, input: BudgetCheckInput, log: RunLog): Promise<void> {
  const inListBudget = (input.maxUrlBytes ?? MAX_REQUEST_HEAD_BYTES - HEADER_HEADROOM_BYTES) - 400;
  const needed = forecastCalls({
    rows: input.rows,
    inListBudget,
    matchStrategy: input.matchStrategy,
    writeStrategy: input.dryRun ? 'none' : input.rows > input.bulkIngestAbove ? 'bulk-ingest' : 'collections',
    extraDescribes: input.followsContacts ? 1 : 0
  });
  const budget = await org.dailyBudget();
  log.note(
    `Report "${input.reportName}": ${input.rows} rows; forecast at most ${needed} API calls, ${budget.remaining} left today.`
  );
  if (needed > budget.remaining) throw new BudgetExceededError(needed, budget.remaining);
}
