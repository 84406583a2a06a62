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
