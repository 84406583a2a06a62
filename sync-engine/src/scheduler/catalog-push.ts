/**
 * The report catalog: the reports tagged `integrations_salesforce`, cached in the store and pushed into each
 * connected org's `WalkMe_Report__c`, upserted by `Report_Id__c`, so the wizard lists reports without a callout.
 */
import type { Connection } from '@jsforce/jsforce-node';
import { withTransientRetries } from '../salesforce/transient-retry.js';
import { integrationReports } from '../sources/report-source.js';
import type { CatalogReport } from '../store/catalog.js';
import type { EngineContext } from '../context/engine-context.js';

/** Reads the catalog from the source into the store. */
export async function refreshCatalog(ctx: EngineContext, now = new Date()): Promise<CatalogReport[]> {
  const reports = integrationReports(await ctx.source.listReports()).map((r) => ({
    reportId: r.id,
    name: r.name,
    tags: r.tags,
    environment: r.walkMeEnvironment,
    columns: r.columns,
    rowCount: r.rowCount ?? null,
    refreshedAt: now
  }));
  await ctx.store.catalog.replace(reports);
  return reports;
}

interface SaveResult {
  success: boolean;
  errors?: Array<{ statusCode?: string; message?: string }>;
}

/** Upserts the catalog into one org; answers how many records were created and updated. */
export async function pushCatalog(
  conn: Connection,
  reports: CatalogReport[]
): Promise<{ created: number; updated: number }> {
  const existing = new Map<string, string>();
  for (const r of (
    await conn.query<{ Id: string; Report_Id__c: string }>('SELECT Id, Report_Id__c FROM WalkMe_Report__c')
  ).records) {
    existing.set(r.Report_Id__c, r.Id);
  }
  const toRecord = (r: CatalogReport) => ({
    Name: r.name.slice(0, 80),
    Report_Id__c: r.reportId,
    Tags__c: r.tags.join(',').slice(0, 255),
    WalkMe_Environment__c: r.environment,
    Columns__c: JSON.stringify(r.columns),
    Row_Count__c: r.rowCount,
    Refreshed_At__c: r.refreshedAt.toISOString()
  });
  const creates = reports.filter((r) => !existing.has(r.reportId)).map(toRecord);
  const updates = reports
    .filter((r) => existing.has(r.reportId))
    .map((r) => ({ Id: existing.get(r.reportId)!, ...toRecord(r) }));
  const results: SaveResult[] = [];
  for (let i = 0; i < creates.length; i += 200) {
    results.push(
      ...((await conn
        .sobject('WalkMe_Report__c')
        .create(creates.slice(i, i + 200), { allOrNone: false })) as SaveResult[])
    );
  }
  for (let i = 0; i < updates.length; i += 200) {
    const chunk = updates.slice(i, i + 200);
    results.push(
      ...((await withTransientRetries(conn, () =>
        conn.sobject('WalkMe_Report__c').update(chunk, { allOrNone: false })
      )) as SaveResult[])
    );
  }
  const failed = results.filter((r) => !r.success);
  if (failed.length) {
    const e = failed[0]!.errors?.[0];
    throw new Error(
      `${failed.length} WalkMe_Report__c records not saved: ${e?.statusCode ?? ''} ${e?.message ?? ''}`.trim()
    );
  }
  return { created: creates.length, updated: updates.length };
}
