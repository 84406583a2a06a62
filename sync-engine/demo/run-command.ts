/**
 * `run <integration name or id> [--org production|sandbox] [--dry-run] [--full] [--json]`: one run now,
 * with live progress on a terminal and a summary table (or the RunResult as JSON).
 */
import type { CliCommand } from '../src/cli/cli-command.js';
import { parseArgs } from '../src/cli/cli-command.js';
import { ensureSampleIntegration, startDemoEnvironment, type OrgName } from './demo-environment.js';
import { findIntegration } from '../src/salesforce/integration-reader.js';
import { runSync, type RunProgress } from '../src/sync/run-sync.js';
import type { RunResult } from '../src/domain/run-result.js';
import { salesforceTargetOrg } from '../src/salesforce/salesforce-target-org.js';
import { runSummary } from '../src/cli/run-summary.js';

function progressLine(progress: RunProgress): string {
  return `  ${progress.phase.padEnd(9)} rows read ${progress.rowsRead} · matched ${progress.matched} · written ${progress.written}`;
}

/** The summary a person reads at the end of a run, with a dry run's sample of changes. */
export function summaryTable(result: RunResult): string {
  const lines = [
    runSummary({
      ...result,
      reportToObject: `${result.reportName} → ${result.targetObject}`,
      ids: result.runId ? [['Run record', result.runId]] : []
    })
  ];
  if (result.dryRun && result.changesSample.length > 0) {
    lines.push('', '  Changes that would be written (sample):');
    for (const change of result.changesSample.slice(0, 10)) {
      lines.push(
        `    ${change.recordId} ${change.field}: ${JSON.stringify(change.before)} → ${JSON.stringify(change.after)}`
      );
    }
  }
  return lines.join('\n');
}

export const runCommand: CliCommand = {
  name: 'run',
  usage: 'run <integration name or id> [--org production|sandbox] [--dry-run] [--full] [--json]',
  summary: 'run one integration now (against the org emulator)',
  async run(args) {
    const { positionals, flags, values } = parseArgs(args, {
      values: ['org'],
      flags: ['dry-run', 'full', 'json']
    });
    const nameOrId = positionals.join(' ');
    const org = (values.get('org') ?? 'production') as OrgName;
    if (!nameOrId || (org !== 'production' && org !== 'sandbox')) {
      process.stderr.write(`Usage: npm run demo -- ${runCommand.usage}\n`);
      return 2;
    }
    const env = await startDemoEnvironment(org);
    try {
      await ensureSampleIntegration(env.connection);
      const integration = await findIntegration(env.connection, nameOrId);
      if (!integration) {
        process.stderr.write(`No integration named or with id "${nameOrId}" in the ${org} org.\n`);
        return 1;
      }
      const live = process.stderr.isTTY && !flags.has('json');
      const result = await runSync({
        org: salesforceTargetOrg(env.connection),
        integration,
        source: env.source,
        options: {
          dryRun: flags.has('dry-run'),
          full: flags.has('full'),
          trigger: 'Manual',
          onProgress: live
            ? (progress) => process.stderr.write(`\r${progressLine(progress)}\x1b[K`)
            : undefined
        }
      });
      if (live) process.stderr.write('\n');
      process.stdout.write(
        flags.has('json') ? `${JSON.stringify(result, null, 2)}\n` : `${summaryTable(result)}\n`
      );
      return result.status === 'Failed' ? 1 : 0;
    } finally {
      await env.stop();
    }
  }
};
