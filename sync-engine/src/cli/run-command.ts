/**
 * `run <integration> [--org <org>] [--dry-run] [--json]`: one run of an integration of a connected org, now,
 * by the configured engine (queued for its workers when it runs); progress on a terminal, then the summary.
 */
import { sleep } from '../domain/backoff.js';
import type { Account } from '../store/accounts.js';
import { isFinished, type RunRecord } from '../store/runs.js';
import { parseArgs, UsageError, type CliCommand } from './cli-command.js';
import { withEngineApi, type EngineApi } from './engine-api.js';
import { runSummary } from './run-summary.js';
import { exitCodeOf, runView, type RunAnswer } from './run-views.js';

const POLL_MS = 500;

/** The org `--org` names; without it, the one connected account (several need naming). */
async function orgOf(api: EngineApi, org: string | undefined): Promise<string> {
  if (org) return org;
  const accounts = await api.get<Account[]>('/accounts');
  if (accounts.length === 1) return accounts[0].orgId;
  throw new UsageError(
    accounts.length === 0
      ? 'No account is connected: connect one first (accounts connect).'
      : `--org: say which org (${accounts.map((a) => `${a.environment} ${a.orgId}`).join(', ')}).`
  );
}

export const runCommand: CliCommand = {
  name: 'run',
  usage: 'run <integration name or id> [--org <org id|production|sandbox>] [--dry-run] [--json]',
  summary: 'run one integration now, through the configured engine (--dry-run: write nothing)',
  async run(args) {
    const { positionals, flags, values } = parseArgs(args, { values: ['org'], flags: ['dry-run', 'json'] });
    const integration = positionals.join(' ');
    if (!integration) throw new UsageError('Name the integration to run.');
    const live = process.stderr.isTTY && !flags.has('json');
    const answer = await withEngineApi(async (api) => {
      const org = await orgOf(api, values.get('org'));
      const asked = await api.post<RunRecord>('/runs', { org, integration, dryRun: flags.has('dry-run') });
      process.stderr.write(`Run ${asked.id} of "${asked.integrationName}" asked.\n`);
      for (;;) {
        const seen = await api.get<RunAnswer>(`/runs/${asked.id}`);
        if (isFinished(seen.run)) return seen;
        const p = seen.run.progress;
        if (live && p) {
          process.stderr.write(
            `\r  ${p.phase.padEnd(9)} rows read ${p.rowsRead} · matched ${p.matched} · written ${p.written}\x1b[K`
          );
        }
        await sleep(POLL_MS);
      }
    });
    if (live) process.stderr.write('\n');
    process.stdout.write(
      flags.has('json') ? `${JSON.stringify(answer, null, 2)}\n` : `${runSummary(runView(answer))}\n`
    );
    return exitCodeOf(answer.run);
  }
};
