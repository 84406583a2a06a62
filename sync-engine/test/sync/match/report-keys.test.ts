import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { matchKey, recordKey } from '../../../src/domain/keys.js';
import { caseSafeId } from '../../../src/domain/salesforce-id.js';
import { ReportKeyRegistry } from '../../../src/sync/match/report-keys.js';

const text = { type: 'string', caseSensitive: false };
const idField = { type: 'id', caseSensitive: false };

describe('keys compared the way SOQL compares them', () => {
  test('text: trimmed, and without case unless the field is case-sensitive', () => {
    assert.deepEqual(matchKey('  Ann@Acme.Example ', { type: 'email', caseSensitive: false }), {
      ok: true,
      key: 'ann@acme.example',
      queryValue: 'Ann@Acme.Example'
    });
    assert.deepEqual(matchKey('  AbC ', { type: 'string', caseSensitive: true }), {
      ok: true,
      key: 'AbC',
      queryValue: 'AbC'
    });
    assert.equal(recordKey('Ann@Acme.Example', text), 'ann@acme.example');
  });

  test('ids: the CASESAFEID suffix, from the examples published for the algorithm', () => {
    assert.equal(caseSafeId('0019000000B98de'), '0019000000B98deAAB');
    assert.equal(caseSafeId('a0D30000001n7Pi'), 'a0D30000001n7PiEAI');
    // An 18-character id in any case is the record its suffix names.
    assert.equal(caseSafeId('A0D30000001N7PIEAI'), 'a0D30000001n7PiEAI');
    assert.equal(caseSafeId('a0d30000001n7pieai'), 'a0D30000001n7PiEAI');
    // A suffix that sets the case of a digit belongs to no id.
    assert.equal(caseSafeId('a0D30000001n7PiEA5'), undefined);
    assert.equal(caseSafeId('a0D30000001n7P'), undefined);
  });

  test('ids: a 15-character key matches the 18-character Id the API answers; case tells two ids apart', () => {
    const short = matchKey('a0D30000001n7Pi', idField);
    assert.deepEqual(short, { ok: true, key: 'a0D30000001n7PiEAI', queryValue: 'a0D30000001n7PiEAI' });
    assert.equal(recordKey('a0D30000001n7PiEAI', idField), 'a0D30000001n7PiEAI');
    const otherCase = matchKey('a0D30000001N7Pi', idField);
    assert.ok(otherCase.ok && short.ok && otherCase.key !== short.key);
    assert.deepEqual(matchKey('not-an-id', idField), {
      ok: false,
      reason: 'the key is not a Salesforce id (15 or 18 letters and digits)'
    });
  });

  test('a key no query can hold is refused with the reason', () => {
    const long = matchKey('x'.repeat(4_001), text);
    assert.equal(long.ok, false);
    assert.match(!long.ok ? long.reason : '', /4001 characters long; SOQL compares at most 4000/);
    const control = matchKey('a\u0001b@x.test', text);
    assert.match(!control.ok ? control.reason : '', /control character \(U\+0001\)/);
    assert.equal(matchKey('x'.repeat(4_000), text).ok, true);
  });

  test('the first row with a key wins; later ones learn which row it was', () => {
    const registry = new ReportKeyRegistry();
    assert.equal(registry.claim('a', 1), undefined);
    assert.equal(registry.claim('b', 2), undefined);
    assert.equal(registry.claim('a', 3), 1);
    assert.equal(registry.claim('a', 4), 1);
  });

  test('kept compactly, the registry still tells every key apart, byte for byte, past many growths', () => {
    const registry = new ReportKeyRegistry();
    const keys = 50_000;
    for (let i = 0; i < keys; i += 1) assert.equal(registry.claim(`user.${i}@example.com`, i + 1), undefined);
    // Prefixes, empty and non-ASCII keys, and a key longer than the first scratch buffer are their own keys.
    const odd = [
      '',
      'user.1@example.co',
      'user.1@example.comm',
      'zoë@exämple.com',
      '日本@例え.jp',
      'k'.repeat(4_000)
    ];
    odd.forEach((key, i) =>
      assert.equal(registry.claim(key, keys + 1 + i), undefined, `"${key.slice(0, 20)}"`)
    );
    for (let i = 0; i < keys; i += 997) assert.equal(registry.claim(`user.${i}@example.com`, 0), i + 1);
    odd.forEach((key, i) => assert.equal(registry.claim(key, 0), keys + 1 + i));
    assert.equal(registry.size, keys + odd.length);
  });

  test('sized from a survey that guessed low, the registry grows past it and loses no key', () => {
    const registry = new ReportKeyRegistry({ keys: 5_000, bytes: 10 });
    for (let i = 0; i < 20_000; i += 1) assert.equal(registry.claim(`k${i}`, i + 1), undefined);
    for (let i = 0; i < 20_000; i += 1) assert.equal(registry.claim(`k${i}`, 0), i + 1);
    assert.equal(registry.size, 20_000);
  });
});
