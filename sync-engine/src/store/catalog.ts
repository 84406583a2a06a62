/** The report catalog cache: what the sources offer, kept so it can be pushed to every connected org. */
import type { ColumnType } from '../domain/integration.js';
import type { Queryable } from './db.js';

export interface CatalogReport {
  reportId: string;
  name: string;
  tags: string[];
  environment: string;
  columns: Array<{ name: string; type: ColumnType }>;
  rowCount: number | null;
  refreshedAt: Date;
}

export class CatalogStore {
  constructor(private readonly db: Queryable) {}

  /** Replaces the cached catalog with `reports` (reports no longer offered are dropped). */
  async replace(reports: CatalogReport[]): Promise<void> {
    await this.db.query(
      `WITH incoming AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(report_id text, name text, tags jsonb, environment text,
           columns jsonb, row_count integer, refreshed_at timestamptz)),
       dropped AS (DELETE FROM report_catalog WHERE report_id NOT IN (SELECT report_id FROM incoming))
       INSERT INTO report_catalog SELECT report_id, name, tags, environment, columns, row_count, refreshed_at
       FROM incoming
       ON CONFLICT (report_id) DO UPDATE SET name = excluded.name, tags = excluded.tags,
         environment = excluded.environment, columns = excluded.columns, row_count = excluded.row_count,
         refreshed_at = excluded.refreshed_at`,
      [
        JSON.stringify(
          reports.map((r) => ({
            report_id: r.reportId,
            name: r.name,
            tags: r.tags,
            environment: r.environment,
            columns: r.columns,
            row_count: r.rowCount,
            refreshed_at: r.refreshedAt.toISOString()
          }))
        )
      ]
    );
  }

  async list(): Promise<CatalogReport[]> {
    const rows = await this.db.query<{
      report_id: string;
      name: string;
      tags: string[];
      environment: string;
      columns: CatalogReport['columns'];
      row_count: number | null;
      refreshed_at: Date;
    }>('SELECT * FROM report_catalog ORDER BY name');
    return rows.map((r) => ({
      reportId: r.report_id,
      name: r.name,
      tags: r.tags,
      environment: r.environment,
      columns: r.columns,
      rowCount: r.row_count,
      refreshedAt: r.refreshed_at
    }));
  }
}
