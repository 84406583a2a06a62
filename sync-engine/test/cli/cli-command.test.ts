import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dispatch, parseArgs, type CliCommand } from '../../src/cli/cli-command.js';

describe('CLI argument parsing', () => {
  test('positionals, flags and options with values', () => {
    const parsed = parseArgs(['Logins', 'Review', '--org=sandbox', '--dry-run', '--json'], {
      values: ['org'],
      flags: ['dry-run', 'json', 'full']
    });
    assert.deepEqual(parsed.positionals, ['Logins', 'Review']);
    assert.deepEqual([...parsed.flags].sort(), ['dry-run', 'json']);
    assert.equal(parsed.values.get('org'), 'sandbox');
  });

  test('mistyped or malformed options are refused, naming them, before anything runs', () => {
    const spec = { values: ['org'], flags: ['dry-run'] };
    assert.throws(() => parseArgs(['run', '--dryrun'], spec), { name: 'UsageError', message: /--dryrun/ });
    assert.throws(() => parseArgs(['run', '--dry-run=true'], spec), {
      name: 'UsageError',
      message: /--dry-run' does not take an argument/
    });
    assert.throws(() => parseArgs(['run', '--org'], spec), { name: 'UsageError', message: /--org/ });
  });

  test('a usage error exits 2 with the command usage; the command does not run', async () => {
    let ran = false;
    const command: CliCommand = {
      name: 'run',
      usage: 'run <integration> [--dry-run]',
      summary: 'runs',
      async run(args) {
        parseArgs(args, { flags: ['dry-run'] });
        ran = true;
        return 0;
      }
    };
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stderr.write;
    try {
      assert.equal(await dispatch('engine', [command], ['run', 'X', '--dryrun']), 2);
    } finally {
      process.stderr.write = write;
    }
    assert.equal(ran, false);
    assert.match(
      written.join(''),
      /Unknown option '--dryrun'[\s\S]*Usage: engine run <integration> \[--dry-run\]/
    );
  });
});
