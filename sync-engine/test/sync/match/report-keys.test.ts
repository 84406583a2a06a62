import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseKey } from '../../../src/domain/keys.js';
import { ReportKeyRegistry } from '../../../src/sync/match/report-keys.js';

describe('key normalisation', () => {
  test('trims, and ignores case unless the field is case-sensitive', () => {
    assert.equal(normaliseKey('  Ann@Acme.Example ', false), 'ann@acme.example');
    assert.equal(normaliseKey('  AbC ', true), 'AbC');
    assert.equal(normaliseKey(undefined, false), '');
  });

  test('the first row with a key wins; later ones learn which row it was', () => {
    const registry = new ReportKeyRegistry();
    assert.equal(registry.claim('a', 1), undefined);
    assert.equal(registry.claim('b', 2), undefined);
    assert.equal(registry.claim('a', 3), 1);
    assert.equal(registry.claim('a', 4), 1);
  });
});
