/** One CLI command: `main.ts` dispatches on `name`. */
import { parseArgs as nodeParseArgs } from 'node:util';

export interface CliCommand {
  name: string;
  /** e.g. `run <integration name or id> [--org production|sandbox] [--dry-run]`. */
  usage: string;
  summary: string;
  /** Arguments after the command name; answers the exit code. */
  run(args: string[]): Promise<number>;
}

/** A command line that does not parse: exit code 2, with the command's usage. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Exit codes every command answers (`--help` and README list them). */
export const EXIT_CODES =
  '0 done · 1 failed (the message says why) · 2 unknown command or malformed options · 3 done with problems (a run Completed with errors, an import that left something out)';

/**
 * Parses `args` strictly (Node's `parseArgs`, `strict: true`): `values` names the options that take a value,
 * `flags` the switches. An unknown option, a switch given a value (`--dry-run=true`) or an option without its
 * value is a `UsageError` naming it: a mistyped `--dryrun` must not run a real write.
 */
export function parseArgs(
  args: string[],
  spec: { values?: string[]; flags?: string[] }
): { positionals: string[]; flags: Set<string>; values: Map<string, string> } {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const name of spec.values ?? []) options[name] = { type: 'string' };
  for (const name of spec.flags ?? []) options[name] = { type: 'boolean' };
  let parsed;
  try {
    parsed = nodeParseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (!code.startsWith('ERR_PARSE_ARGS_')) throw error;
    throw new UsageError((error as Error).message);
  }
  const flags = new Set<string>();
  const values = new Map<string, string>();
  for (const [name, value] of Object.entries(parsed.values)) {
    if (typeof value === 'string') values.set(name, value);
    else if (value === true) flags.add(name);
  }
  return { positionals: parsed.positionals, flags, values };
}

function usage(program: string, commands: CliCommand[]): string {
  const lines = commands.map((command) => `  ${command.usage.padEnd(72)} ${command.summary}`);
  return [
    `Usage: ${program} <command> [options]`,
    '',
    'Commands:',
    ...lines,
    '',
    `Exit codes: ${EXIT_CODES}`
  ].join('\n');
}

/** Runs the command `argv` names (`program` is how a person invokes the CLI, e.g. `npm run engine --`). */
export async function dispatch(program: string, commands: CliCommand[], argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    const unknown = name && name !== 'help' && name !== '--help';
    process.stderr.write(`${unknown ? `Unknown command "${name}".\n\n` : ''}${usage(program, commands)}\n`);
    return unknown ? 2 : 0;
  }
  try {
    return await command.run(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\nUsage: ${program} ${command.usage}\n`);
    return 2;
  }
}

/** A CLI's entry point: dispatches the process's arguments and sets its exit code. */
export function runMain(program: string, commands: CliCommand[]): void {
  dispatch(program, commands, process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
  );
}
