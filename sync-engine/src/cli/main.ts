/**
 * `npm run engine -- <command> …`: a small dispatcher; each command lives in its own module and is
 * registered here.
 */
import { accountsCommand } from './accounts-command.js';
import { integrationsCommand } from './integrations-command.js';
import { reportsCommand } from './reports-command.js';
import { runCommand } from './run-command.js';
import { startDemoCommand } from './start-demo-command.js';
import { startCommand, workerCommand } from './start-command.js';
import type { CliCommand } from './cli-command.js';

const COMMANDS: CliCommand[] = [
  runCommand,
  reportsCommand,
  startCommand,
  workerCommand,
  startDemoCommand,
  accountsCommand,
  integrationsCommand
];

function usage(): string {
  const lines = COMMANDS.map((command) => `  ${command.usage.padEnd(72)} ${command.summary}`);
  return ['Usage: npm run engine -- <command> [options]', '', 'Commands:', ...lines].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    process.stderr.write(
      `${name && name !== 'help' && name !== '--help' ? `Unknown command "${name}".\n\n` : ''}${usage()}\n`
    );
    return name && name !== 'help' && name !== '--help' ? 2 : 0;
  }
  return command.run(args);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
);
