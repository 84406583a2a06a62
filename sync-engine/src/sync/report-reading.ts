/** Reading the integration's report from its source, with the source's failures named for the admin. */
import type { ReportRowStream, ReportSource } from '../sources/report-source.js';
import type { IntegrationDefinition } from '../domain/integration.js';
import { missingColumns } from './report-header.js';
import { reportUnreadable, RunFailure } from '../domain/errors.js';

export async function readReport<T>(reportName: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw reportUnreadable(reportName, error);
  }
}

/** A first pass when the source cannot tell the row count (a CSV export): rows only, nothing kept. */
export async function countReportRows(
  source: ReportSource,
  integration: IntegrationDefinition
): Promise<number> {
  const stream = await readReport(integration.reportName, () => source.readRows(integration.reportId));
  let rows = 0;
  try {
    for await (const row of stream) {
      void row;
      rows += 1;
    }
  } catch (error) {
    throw reportUnreadable(integration.reportName, error);
  }
  return rows;
}

/** The report's row stream, once its header holds the key column and every mapped column (named if not). */
export async function openReportRows(
  source: ReportSource,
  integration: IntegrationDefinition
): Promise<ReportRowStream> {
  const stream = await readReport(integration.reportName, () => source.readRows(integration.reportId));
  const missing = missingColumns(integration, stream.header);
  if (missing.length > 0) {
    stream.close();
    throw new RunFailure(
      `The report "${integration.reportName}" has no column ${missing.map((column) => `"${column}"`).join(', ')} ` +
        `(its columns: ${stream.header.join(', ')}).`
    );
  }
  return stream;
}
