/** `accounts list|connect|disconnect`: the connected Salesforce orgs. */
import { loadConfig } from '../config.js';
import { disconnectAccount } from '../server/disconnect.js';
import { startEngine } from '../engine/start-engine.js';
import { createLogger } from '../logging/logger.js';
import type { CliCommand } from './cli-command.js';
import { parseArgs } from './cli-command.js';

export const accountsCommand: CliCommand = {
  name: 'accounts',
  usage: 'accounts list | connect --environment production|sandbox | disconnect <org id|production|sandbox>',
  summary: 'list, connect (prints the URL to open) or disconnect (revokes the token) Salesforce orgs',
  async run(args) {
    const { positionals, values } = parseArgs(args, { values: ['environment'] });
    const [action, target] = positionals;
    const config = loadConfig();
    if (action === 'connect') {
      const environment = values.get('environment') ?? 'sandbox';
      if (environment !== 'production' && environment !== 'sandbox')
        throw new Error('--environment: production or sandbox');
      process.stdout.write(
        `With the engine running (npm run engine -- start), open in a browser and sign in to Salesforce:\n  ` +
          `${config.publicUrl}/oauth/connect?environment=${environment}\n`
      );
      return 0;
    }
    if (action !== 'list' && action !== 'disconnect') {
      process.stderr.write(`Usage: npm run engine -- ${accountsCommand.usage}\n`);
      return 2;
    }
    const engine = await startEngine(config, { role: 'none', logger: createLogger({ level: 'warn' }) });
    try {
      if (action === 'list') {
        const accounts = await engine.ctx.store.accounts.list();
        if (!accounts.length) process.stdout.write('No account connected.\n');
        for (const a of accounts) {
          process.stdout.write(
            `${a.environment.padEnd(10)} ${a.orgId}  ${a.orgName}  ${a.username}  ${a.status}` +
              `${a.statusMessage ? ` (${a.statusMessage})` : ''}  connected ${a.connectedAt.toISOString()}\n`
          );
        }
        return 0;
      }
      const account = target ? await engine.ctx.store.accounts.find(target) : undefined;
      if (!account) {
        process.stderr.write(`No connected account matches "${target ?? ''}".\n`);
        return 1;
      }
      const outcome = await disconnectAccount(engine.ctx, account.orgId);
      process.stdout.write(
        `Disconnected ${account.orgName} (${account.orgId}): ` +
          (outcome.revoked
            ? 'token revoked at Salesforce'
            : `token deleted here; revocation failed: ${outcome.problem}`) +
          '.\n'
      );
      return 0;
    } finally {
      await engine.stop();
    }
  }
};
