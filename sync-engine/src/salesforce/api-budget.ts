/** The org's daily API allowance as `/limits` reports it (reference/salesforce-api.md §6). */
import type { Connection } from '@jsforce/jsforce-node';
import type { Budget } from '../sync/target-org.js';

export async function readDailyBudget(conn: Connection): Promise<Budget> {
  const limits = (await conn.limits()) as unknown as Record<string, { Max: number; Remaining: number }>;
  const daily = limits.DailyApiRequests;
  return { max: daily.Max, remaining: daily.Remaining };
}

/**
 * The object's record count: `GET /limits/recordCount?sObjects=Lead` answers `{ sObjects: [{ count, name }] }`
 * (REST API Developer Guide, "Record Count"); an object it does not list counts as empty. The count is
 * Salesforce's estimate, refreshed periodically [unverified: how often], which is all a plan needs.
 */
export async function readRecordCount(conn: Connection, objectName: string): Promise<number> {
  const answer = await conn.request<{ sObjects?: Array<{ count: number; name: string }> }>(
    `/limits/recordCount?sObjects=${encodeURIComponent(objectName)}`
  );
  const wanted = objectName.toLowerCase();
  return answer.sObjects?.find((entry) => entry.name.toLowerCase() === wanted)?.count ?? 0;
}
