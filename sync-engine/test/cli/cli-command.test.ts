import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from '../../src/cli/cli-command.js';

describe('CLI argument parsing', () => {
  test('positionals, flags and options with values', () => {
    const parsed = parseArgs(
      ['Logins', 'Review', '--org', 'sandbox', '--dry-run', '--json', '--x=1'],
      ['org']
    );
    assert.deepEqual(parsed.positionals, ['Logins', 'Review']);
    assert.deepEqual([...parsed.flags].sort(), ['dry-run', 'json']);
    assert.equal(parsed.values.get('org'), 'sandbox');
    assert.equal(parsed.values.get('x'), '1');
  });

  test('an option without its value is refused', () => {
    assert.throws(() => parseArgs(['run', '--org'], ['org']), /--org needs a value/);
  });
});
