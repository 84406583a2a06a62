import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { valuesDiffer } from '../../../src/sync/write/value-diff.js';
import type { FieldInfo } from '../../../src/domain/object-schema.js';

const base: FieldInfo = {
  name: 'F__c',
  type: 'string',
  length: 255,
  precision: 0,
  scale: 0,
  digits: 0,
  updateable: true,
  caseSensitive: false,
  picklistValues: [],
  restrictedPicklist: false
};

describe('valuesDiffer', () => {
  test('datetimes compare to the second, as Salesforce stores them, whatever the notation', () => {
    const datetime = { ...base, type: 'datetime' };
    assert.equal(valuesDiffer('2024-05-01T10:00:00.000Z', '2024-05-01T10:00:00.000+0000', datetime), false);
    assert.equal(valuesDiffer('2024-05-01T10:00:00.456Z', '2024-05-01T10:00:00.000+0000', datetime), false);
    assert.equal(valuesDiffer('2024-05-01T10:00:01.000Z', '2024-05-01T10:00:00.000+0000', datetime), true);
  });

  test('a multi-select picklist is its set of values', () => {
    const multi = { ...base, type: 'multipicklist' };
    assert.equal(valuesDiffer('Gold;Silver', 'Silver;Gold', multi), false);
    assert.equal(valuesDiffer('Gold', 'Silver;Gold', multi), true);
  });

  test('numbers compare at the field scale; Bulk CSV text equals REST numbers', () => {
    const percent = { ...base, type: 'percent', precision: 5, scale: 2 };
    assert.equal(valuesDiffer(50, '50.00', percent), false);
    assert.equal(valuesDiffer(50.5, 50.49, percent), true);
  });

  test('text is case-sensitive; null and empty are the same', () => {
    assert.equal(valuesDiffer('Promoter', 'promoter', base), true);
    assert.equal(valuesDiffer(null, '', base), false);
    assert.equal(valuesDiffer(null, undefined, base), false);
    assert.equal(valuesDiffer('x', null, base), true);
  });

  test('booleans from CSV text and JSON agree', () => {
    const checkbox = { ...base, type: 'boolean' };
    assert.equal(valuesDiffer(true, 'true', checkbox), false);
    assert.equal(valuesDiffer(false, true, checkbox), true);
  });
});
