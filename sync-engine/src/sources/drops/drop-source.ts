/**
 * The report source over WalkMe's scheduled export drops: `REPORTS_SOURCE=s3://bucket/prefix/`,
 * `gs://bucket/prefix/` or `azure://account/container/prefix/`. Each call lists the prefix afresh (new
 * exports show up without a restart), takes the reports from `drop-catalog.ts` and each one's newest export
 * from `newest-export.ts`:
 * - `listReports()` lists every report, stale ones too (the catalog should not lose a report for a late
 *   export), with its newest export as `origin` and its columns inferred from that export's first rows;
 * - `getReport()` and `readRows()` refuse a report whose newest export is older than its `maxAgeHours`
 *   with a `ReportStaleError`, so a run fails before it reads anything, and a report without any export
 *   yet with a `ReportUnreachableError`.
 * A run reads the report more than once (its survey, then its rows); each read takes the newest export at
 * that moment, so an export landing mid-run is read by the later pass.
 */
import { DEFAULT_SAMPLE_SIZE, inferReportColumns } from '../column-types.js';
import {
  ReportNotFoundError,
  ReportUnreachableError,
  type ReportInfo,
  type ReportRowStream,
  type ReportSource
} from '../report-source.js';
import { dropReports, type DropReport } from './drop-catalog.js';
import { exportRows } from './export-stream.js';
import { checkFresh, newestObject } from './newest-export.js';
import type { ObjectStore, StoredObject } from './object-store.js';

export interface DropSourceOptions {
  /** Keys under it: `''` or ending in `/`. */
  prefix: string;
  /** Names the report of CSV files directly under the prefix when there is no manifest. */
  rootName: string;
  /** How old a newest export may be, for reports whose manifest entry does not say (default 36). */
  maxAgeHours: number;
  now?: () => Date;
  /** Rows read to infer column types (default 200). */
  sampleSize?: number;
}

class DropReportSource implements ReportSource {
  constructor(
    private readonly store: ObjectStore,
    private readonly options: DropSourceOptions
  ) {}

  async listReports(): Promise<ReportInfo[]> {
    const { reports, objects } = await this.survey();
    return Promise.all(reports.map((report) => this.describe(report, this.newest(report, objects))));
  }

  async getReport(reportId: string): Promise<ReportInfo> {
    const { report, object } = await this.current(reportId);
    return this.describe(report, object);
  }

  async readRows(reportId: string): Promise<ReportRowStream> {
    const { report, object } = await this.current(reportId);
    return exportRows(this.store, object, report.name);
  }

  private async survey(): Promise<{ reports: DropReport[]; objects: StoredObject[] }> {
    const { prefix, rootName } = this.options;
    const objects = await this.store.list(prefix);
    return { reports: await dropReports(this.store, objects, prefix, rootName), objects };
  }

  private newest(report: DropReport, objects: StoredObject[]): StoredObject | undefined {
    return newestObject(objects, this.options.prefix, report.matches);
  }

  /** The report and its newest export, which must be recent enough to sync. */
  private async current(reportId: string): Promise<{ report: DropReport; object: StoredObject }> {
    const { reports, objects } = await this.survey();
    const report = reports.find((candidate) => candidate.id === reportId);
    if (!report) throw new ReportNotFoundError(reportId);
    const object = this.newest(report, objects);
    if (!object) {
      const where = this.store.locationOf(this.options.prefix + report.pattern);
      throw new ReportUnreachableError(
        `Report "${report.name}": no export at ${where} yet: has WalkMe's scheduled export run?`,
        where
      );
    }
    checkFresh(
      object.modifiedAt,
      this.store.locationOf(object.key),
      report.maxAgeHours ?? this.options.maxAgeHours,
      (this.options.now ?? (() => new Date()))()
    );
    return { report, object };
  }

  private async describe(report: DropReport, object: StoredObject | undefined): Promise<ReportInfo> {
    const columns =
      report.columns ??
      (object
        ? await inferReportColumns(
            await exportRows(this.store, object, report.name),
            this.options.sampleSize ?? DEFAULT_SAMPLE_SIZE
          )
        : []);
    return {
      id: report.id,
      name: report.name,
      tags: report.tags,
      walkMeEnvironment: report.walkMeEnvironment,
      columns,
      ...(object
        ? { origin: { location: this.store.locationOf(object.key), modifiedAt: object.modifiedAt } }
        : {})
    };
  }
}

export function dropSource(store: ObjectStore, options: DropSourceOptions): ReportSource {
  return new DropReportSource(store, options);
}
