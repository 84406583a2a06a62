/** `reports [--all] [--json]`: the reports the configured source offers for integrations, with their columns. */
import type { ReportInfo } from '../sources/report-source.js';
import { parseArgs, type CliCommand } from './cli-command.js';
import { withEngineApi } from './engine-api.js';
import { reportList } from './report-list.js';

export const reportsCommand: CliCommand = {
  name: 'reports',
  usage: 'reports [--all] [--json]',
  summary: 'the reports offered for integrations (--all: every report), with their columns',
  async run(args) {
    const { flags } = parseArgs(args, { flags: ['all', 'json'] });
    const reports = await withEngineApi((api) =>
      api.get<ReportInfo[]>('/reports', { all: flags.has('all') ? 'true' : undefined })
    );
    process.stdout.write(flags.has('json') ? `${JSON.stringify(reports, null, 2)}\n` : reportList(reports));
    return 0;
  }
};
