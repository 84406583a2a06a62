/** `accounts list|connect|disconnect`: the connected Salesforce orgs. */
import { loadConfig } from '../config.js';
import type { Account } from '../store/accounts.js';
import type { CliCommand } from './cli-command.js';
import { parseArgs, UsageError } from './cli-command.js';
import { withEngineApi } from './engine-api.js';

export const accountsCommand: CliCommand = {
  name: 'accounts',
  usage: 'accounts list | connect --environment production|sandbox | disconnect <org id|production|sandbox>',
  summary: 'list, connect (prints the URL to open) or disconnect (revokes the token) Salesforce orgs',
  async run(args) {
    const { positionals, values } = parseArgs(args, { values: ['environment'] });
    const [action, target] = positionals;
    if (action === 'connect') {
      const environment = values.get('environment') ?? 'sandbox';
      if (environment !== 'production' && environment !== 'sandbox')
        throw new UsageError('--environment: production or sandbox');
      process.stdout.write(
        `With the engine running (npm run engine -- start), open in a browser and sign in to Salesforce:\n  ` +
          `${loadConfig().publicUrl}/oauth/connect?environment=${environment}\n`
      );
      return 0;
    }
    if (action === 'list' && !target) {
      const accounts = await withEngineApi((api) => api.get<Account[]>('/accounts'));
      if (!accounts.length) process.stdout.write('No account connected.\n');
      for (const a of accounts) {
        process.stdout.write(
          `${a.environment.padEnd(10)} ${a.orgId}  ${a.orgName}  ${a.username}  ${a.status}` +
            `${a.statusMessage ? ` (${a.statusMessage})` : ''}  connected ${String(a.connectedAt)}\n`
        );
      }
      return 0;
    }
    if (action === 'disconnect' && target) {
      const outcome = await withEngineApi((api) =>
        api.post<{ account: Account; revoked: boolean; problem?: string }>(
          `/accounts/${encodeURIComponent(target)}/disconnect`
        )
      );
      process.stdout.write(
        `Disconnected ${outcome.account.orgName} (${outcome.account.orgId}): ` +
          (outcome.revoked
            ? 'token revoked at Salesforce'
            : `token deleted here; revocation failed: ${outcome.problem}`) +
          '.\n'
      );
      return 0;
    }
    throw new UsageError(
      action
        ? `Unknown or incomplete accounts action "${positionals.join(' ')}".`
        : 'Say what to do with the accounts.'
    );
  }
};
