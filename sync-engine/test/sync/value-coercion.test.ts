import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { blankCellValue, coerceValue } from '../../src/sync/value-coercion.js';
import type { FieldInfo } from '../../src/domain/object-schema.js';

function field(type: string, extra: Partial<FieldInfo> = {}): FieldInfo {
  return {
    name: 'F__c',
    type,
    length: 0,
    precision: 0,
    scale: 0,
    digits: 0,
    updateable: true,
    caseSensitive: false,
    picklistValues: [],
    restrictedPicklist: false,
    ...extra
  };
}

describe('coerceValue', () => {
  test('a blank cell writes nothing under "keep"; under "clear", null, or false for a checkbox', () => {
    assert.equal(blankCellValue(field('double', { precision: 5 }), 'keep'), undefined);
    assert.equal(blankCellValue(field('double', { precision: 5 }), 'clear'), null);
    assert.equal(blankCellValue(field('boolean'), 'keep'), undefined);
    assert.equal(blankCellValue(field('boolean'), 'clear'), false);
  });

  test('dates keep the written calendar day, even from a datetime with an offset', () => {
    assert.deepEqual(coerceValue('2024-05-01', field('date')), { ok: true, value: '2024-05-01' });
    assert.deepEqual(coerceValue('2024-05-01T23:30:00-08:00', field('date')), {
      ok: true,
      value: '2024-05-01'
    });
    assert.equal(coerceValue('2024-02-30', field('date')).ok, false);
    assert.equal(coerceValue('05/01/2024', field('date')).ok, false);
  });

  test('datetimes end in UTC to the second, as Salesforce stores them', () => {
    assert.deepEqual(coerceValue('2024-05-01T12:34:56+02:00', field('datetime')), {
      ok: true,
      value: '2024-05-01T10:34:56.000Z'
    });
    assert.deepEqual(coerceValue('2024-05-01 08:00', field('datetime')), {
      ok: true,
      value: '2024-05-01T08:00:00.000Z'
    });
    assert.deepEqual(coerceValue('2024-05-01', field('datetime')), {
      ok: true,
      value: '2024-05-01T00:00:00.000Z'
    });
    assert.deepEqual(coerceValue('2024-05-01T12:00:00.9994Z', field('datetime')), {
      ok: true,
      value: '2024-05-01T12:00:00.000Z'
    });
    assert.equal(coerceValue('yesterday', field('datetime')).ok, false);
    assert.equal(coerceValue('2024-05-01T25:00:00Z', field('datetime')).ok, false);
  });

  test('numbers are rounded to scale and bounded by precision', () => {
    const percent = field('percent', { precision: 5, scale: 2 });
    assert.deepEqual(coerceValue('87.456', percent), { ok: true, value: 87.46 });
    assert.deepEqual(coerceValue('87.5%', percent), { ok: true, value: 87.5 });
    assert.equal(coerceValue('1000', percent).ok, false);
    const score = field('double', { precision: 2, scale: 0 });
    assert.deepEqual(coerceValue('10', score), { ok: true, value: 10 });
    const tooBig = coerceValue('100', score);
    assert.equal(tooBig.ok, false);
    assert.match(!tooBig.ok ? tooBig.reason : '', /at most 2 digit/);
    assert.equal(coerceValue('12abc', score).ok, false);
    assert.equal(coerceValue('3.5', field('int', { digits: 9 })).ok, false);
  });

  test('booleans, picklists (restricted or not), text length, email', () => {
    assert.deepEqual(coerceValue('Yes', field('boolean')), { ok: true, value: true });
    assert.deepEqual(coerceValue('0', field('boolean')), { ok: true, value: false });
    assert.equal(coerceValue('maybe', field('boolean')).ok, false);
    const values = [
      { value: 'Promoter', active: true },
      { value: 'Passive', active: true }
    ];
    const restricted = field('picklist', { picklistValues: values, restrictedPicklist: true, length: 255 });
    assert.deepEqual(coerceValue('promoter', restricted), { ok: true, value: 'Promoter' });
    assert.equal(coerceValue('Fan', restricted).ok, false);
    const open = field('picklist', { picklistValues: values, restrictedPicklist: false, length: 255 });
    assert.deepEqual(coerceValue('Fan', open), { ok: true, value: 'Fan' });
    assert.equal(coerceValue('abcdef', field('string', { length: 5 })).ok, false);
    assert.deepEqual(coerceValue('a@b.co', field('email', { length: 80 })), { ok: true, value: 'a@b.co' });
    assert.equal(coerceValue('not-an-email', field('email', { length: 80 })).ok, false);
    assert.equal(coerceValue('x', field('address')).ok, false);
  });
});
