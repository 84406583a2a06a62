/**
 * `runs [--org] [--integration] [--failed] [--limit]`: the run history, newest first; `runs show <id>`: one
 * run with its rejected rows and their reasons (`--csv`: those rows as the CSV the org's run record gets).
 */
import { rowOutcomesOf, type RunRecord } from '../store/runs.js';
import { rejectedRowsCsv } from '../salesforce/run-recorder.js';
import { parseArgs, UsageError, type CliCommand } from './cli-command.js';
import { withEngineApi } from './engine-api.js';
import { runSummary } from './run-summary.js';
import { runView, type RunAnswer } from './run-views.js';

function historyLine(run: RunRecord): string {
  const c = run.counts;
  const figures = c ? `read ${c.read}, updated ${c.updated}, failed ${c.failed}, invalid ${c.invalid}` : '';
  const when = String(run.startedAt ?? run.requestedAt)
    .replace('T', ' ')
    .slice(0, 19);
  return [
    when,
    run.id,
    run.integrationName,
    `${run.status}${run.dryRun ? ' (dry run)' : ''}`,
    run.trigger,
    figures
  ].join('  ');
}

export const runsCommand: CliCommand = {
  name: 'runs',
  usage:
    'runs [--org <org>] [--integration <name>] [--failed] [--limit N] [--json] | runs show <run id> [--csv] [--json]',
  summary: 'the run history (--failed: failed or with errors), or one run with its rejected rows',
  async run(args) {
    const { positionals, flags, values } = parseArgs(args, {
      values: ['org', 'integration', 'limit'],
      flags: ['failed', 'json', 'csv']
    });
    const [action, id] = positionals;
    if (action === 'show') {
      if (!id) throw new UsageError('Name the run to show (its id, from `runs`).');
      const answer = await withEngineApi((api) => api.get<RunAnswer>(`/runs/${encodeURIComponent(id)}`));
      if (flags.has('csv')) process.stdout.write(rejectedRowsCsv(rowOutcomesOf(answer.rows)));
      else if (flags.has('json')) process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
      else process.stdout.write(`${runSummary(runView(answer), answer.rows.length)}\n`);
      return 0;
    }
    if (action !== undefined) throw new UsageError(`Unknown runs action "${action}".`);
    const limit = values.get('limit');
    if (limit !== undefined && !/^[1-9]\d*$/.test(limit))
      throw new UsageError('--limit: a whole number above 0.');
    const { runs, total } = await withEngineApi((api) =>
      api.get<{ runs: RunRecord[]; total: number }>('/runs', {
        org: values.get('org'),
        integration: values.get('integration'),
        failed: flags.has('failed') ? 'true' : undefined,
        limit
      })
    );
    if (flags.has('json')) {
      process.stdout.write(`${JSON.stringify({ runs, total }, null, 2)}\n`);
      return 0;
    }
    if (runs.length === 0) process.stdout.write('No run found.\n');
    for (const run of runs) process.stdout.write(`${historyLine(run)}\n`);
    if (total > runs.length) process.stdout.write(`(${runs.length} of ${total}: --limit shows more)\n`);
    return 0;
  }
};
