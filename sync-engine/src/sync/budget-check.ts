/**
 * Step 1 of a run: the most API calls its plan may spend, against what the org has left today, before any
 * work, so one sync never starves the org's other integrations halfway through (field-lessons.md, complaint 2).
 */
import { BudgetExceededError } from '../domain/errors.js';
import type { RunLog } from './run-log.js';
import type { TargetOrg } from './target-org.js';

/** Notes the forecast in the log; throws `BudgetExceededError` when the org has too few calls left. */
export async function checkBudget(
  org: TargetOrg,
  input: { reportName: string; rows: number; needed: number },
  log: RunLog
): Promise<void> {
  const budget = await org.dailyBudget();
  log.note(
    `Report "${input.reportName}": ${input.rows} rows; forecast at most ${input.needed} API calls, ${budget.remaining} left today.`
  );
  if (input.needed > budget.remaining) throw new BudgetExceededError(input.needed, budget.remaining);
}
