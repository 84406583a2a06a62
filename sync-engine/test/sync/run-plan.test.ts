import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cheapest,
  describeChoice,
  matchForecasts,
  worthCountingRecords,
  writeForecasts
} from '../../src/sync/run-plan.js';

describe('the run plan: the cheapest way by API calls, latency on a tie', () => {
  test('matching: SOQL five per composite beats one per call; Bulk wins for a big report on a small object', () => {
    const daily = { statements: 290, keysPerStatement: 345 };
    assert.deepEqual(
      matchForecasts({ ...daily, objectRecords: 130_000 }).map((f) => [f.way, f.calls]),
      [
        ['soql', 290],
        ['soql-composite', 58],
        ['bulk-query', 6]
      ]
    );
    assert.equal(cheapest(matchForecasts({ ...daily, objectRecords: 130_000 })).way, 'bulk-query');
    // A small report: the object's size is not worth the call that would ask it.
    assert.equal(worthCountingRecords({ statements: 3, keysPerStatement: 300 }), false);
    assert.equal(cheapest(matchForecasts({ statements: 3, keysPerStatement: 300 })).way, 'soql-composite');
    assert.equal(
      cheapest(matchForecasts({ statements: 1, keysPerStatement: 10 })).way,
      'soql',
      'a tie: the simpler'
    );
    // A huge object: its Bulk pages cost more than a modest report's composite queries.
    assert.equal(
      cheapest(matchForecasts({ statements: 40, keysPerStatement: 350, objectRecords: 2_000_000 })).way,
      'soql-composite'
    );
  });

  test('writing: Collections, five per composite, or one Bulk job, whichever calls less', () => {
    assert.equal(cheapest(writeForecasts(150)).way, 'collections');
    assert.equal(cheapest(writeForecasts(900)).way, 'collections-composite');
    assert.equal(
      cheapest(writeForecasts(7_000)).way,
      'collections-composite',
      '7 calls either way: the faster'
    );
    assert.equal(cheapest(writeForecasts(8_500)).way, 'bulk-ingest');
    // Leads and their Contacts: a Bulk job each, where Collections take both in the same calls.
    assert.equal(cheapest(writeForecasts(8_500, 2)).way, 'collections-composite');
    assert.equal(writeForecasts(2_000_000, 3).find((option) => option.way === 'bulk-ingest')?.calls, 21);
    assert.equal(
      describeChoice(writeForecasts(900)),
      'collections-composite 1 call (collections 5, bulk-ingest 7)'
    );
  });
});
