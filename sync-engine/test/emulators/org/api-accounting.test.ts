import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiAccounting } from '../../../emulators/org/api-accounting.js';

describe('API accounting', () => {
  test('an ingest job spends one batch per started 10,000 records; an empty one spends none', () => {
    const accounting = new ApiAccounting(100);
    accounting.countIngestBatches(0);
    assert.equal(accounting.bulkBatches, 0);
    accounting.countIngestBatches(10_000);
    assert.equal(accounting.bulkBatches, 1);
    accounting.countIngestBatches(10_001);
    assert.equal(accounting.bulkBatches, 3);
  });

  test('streaming is counted by kind but spends no quota; a spent quota records nothing', () => {
    const accounting = new ApiAccounting(1);
    assert.equal(accounting.record('streaming'), true);
    assert.equal(accounting.record('query'), true);
    assert.equal(accounting.record('query'), false);
    assert.deepEqual(accounting.byKind, { streaming: 1, query: 1 });
    assert.equal(accounting.limitInfo(), 'api-usage=1/1');
    assert.equal(accounting.remaining, 0);
  });
});
