/** One CLI command: `main.ts` dispatches on `name`. */
export interface CliCommand {
  name: string;
  /** e.g. `run <integration name or id> [--org production|sandbox] [--dry-run]`. */
  usage: string;
  summary: string;
  /** Arguments after the command name; answers the exit code. */
  run(args: string[]): Promise<number>;
}

/** Splits `args` into positionals and `--flag` / `--option value` pairs. */
export function parseArgs(
  args: string[],
  valueOptions: string[]
): { positionals: string[]; flags: Set<string>; values: Map<string, string> } {
  const positionals: string[] = [];
  const flags = new Set<string>();
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (!arg.startsWith('--')) positionals.push(arg);
    else if (arg.includes('=')) values.set(arg.slice(2, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1));
    else if (valueOptions.includes(arg.slice(2))) {
      const value = args[i + 1];
      if (value === undefined) throw new Error(`${arg} needs a value.`);
      values.set(arg.slice(2), value);
      i += 1;
    } else flags.add(arg.slice(2));
  }
  return { positionals, flags, values };
}

function usage(program: string, commands: CliCommand[]): string {
  const lines = commands.map((command) => `  ${command.usage.padEnd(72)} ${command.summary}`);
  return [`Usage: ${program} <command> [options]`, '', 'Commands:', ...lines].join('\n');
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
  return command.run(args);
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
