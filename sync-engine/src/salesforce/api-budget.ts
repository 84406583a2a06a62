/** The org's daily API allowance as `/limits` reports it (reference/salesforce-api.md §6). */
import type { Connection } from '@jsforce/jsforce-node';
import type { Budget } from '../sync/target-org.js';

export async function readDailyBudget(conn: Connection): Promise<Budget> {
  const limits = (await conn.limits()) as unknown as Record<string, { Max: number; Remaining: number }>;
  const daily = limits.DailyApiRequests;
  return { max: daily.Max, remaining: daily.Remaining };
}
