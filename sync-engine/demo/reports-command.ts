/** `reports [--all] [--json]`: the reports the source offers for integrations, with their columns. */
import type { CliCommand } from '../src/cli/cli-command.js';
import { parseArgs } from '../src/cli/cli-command.js';
import { startInsightsEmulator } from '../emulators/insights/start.js';
import { InsightsApiSource } from '../src/sources/insights-api-source.js';
import { integrationReports } from '../src/sources/report-source.js';
import { reportList } from '../src/cli/report-list.js';

export const reportsCommand: CliCommand = {
  name: 'reports',
  usage: 'reports [--all] [--json]',
  summary: 'list the reports offered for integrations (--all: every report), with their columns',
  async run(args) {
    const { flags } = parseArgs(args, { flags: ['all', 'json'] });
    const insights = await startInsightsEmulator();
    try {
      const source = new InsightsApiSource({
        clientId: insights.clientId,
        clientSecret: insights.clientSecret,
        baseUrl: insights.url
      });
      const all = await source.listReports();
      const reports = flags.has('all') ? all : integrationReports(all);
      if (flags.has('json')) {
        process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
        return 0;
      }
      process.stdout.write(reportList(reports));
      return 0;
    } finally {
      await insights.stop();
    }
  }
};
