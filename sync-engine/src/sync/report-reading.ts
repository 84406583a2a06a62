/** Reading the integration's report from its source, with the source's failures named for the admin. */
import {
  INTEGRATION_TAG,
  type ReportInfo,
  type ReportRowStream,
  type ReportSource
} from '../sources/report-source.js';
import type { IntegrationDefinition } from '../domain/integration.js';
import { missingColumns } from './report-header.js';
import { reportUnreadable, RunFailure } from '../domain/errors.js';
import { soqlLiteral, wireLength } from '../domain/soql-literal.js';

export async function readReport<T>(reportName: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw reportUnreadable(reportName, error);
  }
}

/**
 * A run reads only what WalkMe's admin released to integrations: a report without the tag is refused, even
 * when an integration still names it (the tag was removed after the integration was saved).
 */
export function checkReleased(report: ReportInfo): void {
  if (!report.tags.includes(INTEGRATION_TAG)) {
    throw new RunFailure(
      'data',
      `The report "${report.name}" is not tagged ${INTEGRATION_TAG} in WalkMe Insights, so integrations may not read it: ` +
        `tag it there, or choose another report.`
    );
  }
}

/** What the plan is made from: the report's rows and the bytes its keys take in SOQL `IN` lists. */
export interface ReportSurvey {
  rows: number;
  keyBytes: number;
}

/**
 * A first pass when the source cannot tell the row count (a CSV export): rows counted and key bytes measured
 * (each key as its quoted literal and comma in a query URL), nothing kept.
 */
export async function surveyReport(
  source: ReportSource,
  integration: IntegrationDefinition
): Promise<ReportSurvey> {
  const stream = await readReport(integration.reportName, () => source.readRows(integration.reportId));
  const survey = { rows: 0, keyBytes: 0 };
  const comma = wireLength(',');
  try {
    for await (const row of stream) {
      survey.rows += 1;
      survey.keyBytes +=
        wireLength(soqlLiteral((row.values[integration.reportKeyColumn] ?? '').trim())) + comma;
    }
  } catch (error) {
    throw reportUnreadable(integration.reportName, error);
  }
  return survey;
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
      'data',
      `The report "${integration.reportName}" has no column ${missing.map((column) => `"${column}"`).join(', ')} ` +
        `(its columns: ${stream.header.join(', ')}).`
    );
  }
  return stream;
}
