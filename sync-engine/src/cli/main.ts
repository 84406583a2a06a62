/**
 * `npm run engine -- <command> …`: the operator's commands on the configured engine; each lives in its own
 * module and is registered here. The demo's commands (`npm start`, `npm run demo -- …`) are in demo/.
 */
import { accountsCommand } from './accounts-command.js';
import { runMain } from './cli-command.js';
import { integrationsCommand } from './integrations-command.js';
import { keysCommand } from './keys-command.js';
import { reportsCommand } from './reports-command.js';
import { runCommand } from './run-command.js';
import { runsCommand } from './runs-command.js';
import { startCommand, workerCommand } from './start-command.js';

runMain('npm run engine --', [
  startCommand,
  workerCommand,
  accountsCommand,
  reportsCommand,
  runCommand,
  runsCommand,
  integrationsCommand,
  keysCommand
]);
