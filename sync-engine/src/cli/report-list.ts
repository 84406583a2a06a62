/** Reports as `reports` prints them: name, id, tags, environment, then each column and its type. */
import type { ReportInfo } from '../sources/report-source.js';

export function reportList(reports: ReportInfo[]): string {
  if (reports.length === 0) return 'No report found.\n';
  return reports
    .map(
      (report) =>
        `${report.name}  (${report.id}; tags: ${report.tags.join(', ')}; ${report.walkMeEnvironment})\n` +
        report.columns.map((column) => `    ${column.name.padEnd(28)} ${column.type}\n`).join('')
    )
    .join('');
}
