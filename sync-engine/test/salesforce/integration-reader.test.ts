import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFieldMappings, toIntegrationDefinition } from '../../src/salesforce/integration-reader.js';

const record = {
  Id: 'a005g000001AbCdAAK',
  Name: 'Logins Review → Lead by Email',
  Report_Id__c: 'rpt-logins-review',
  Report_Name__c: 'Logins Review',
  Target_Object__c: 'Lead',
  Report_Key_Column__c: 'Email',
  Object_Key_Field__c: 'Email',
  Field_Mappings__c: '[{"column":"Last Login","columnType":"datetime","field":"WalkMe_Last_Login__c"}]',
  Schedule_Type__c: 'Daily',
  Schedule_Hour_UTC__c: 9,
  Active__c: true,
  Ambiguity_Policy__c: 'most-recent',
  Converted_Lead_Handling__c: null
};

describe('reading WalkMe_Integration__c', () => {
  test('a record becomes a definition, with defaults for empty picklists', () => {
    const definition = toIntegrationDefinition(record);
    assert.equal(definition.id, record.Id);
    assert.equal(definition.ambiguityPolicy, 'most-recent');
    assert.equal(definition.convertedLeadHandling, 'skip');
    assert.deepEqual(definition.mappings, [
      { column: 'Last Login', columnType: 'datetime', field: 'WalkMe_Last_Login__c', blank: 'keep' }
    ]);
    assert.deepEqual(definition.schedule, { type: 'Daily', hourUtc: 9, intervalHours: null });
    assert.deepEqual(definition.guard, { maxClearedPercent: 20, minReportRowsPercent: 50, allowOnce: false });
    assert.equal(definition.lastSuccessfulRows, undefined);
  });

  test('a mapping says what a blank cell does; the guard is read with its switch and the last row count', () => {
    const definition = toIntegrationDefinition({
      ...record,
      Field_Mappings__c:
        '[{"column":"A","columnType":"string","field":"A__c","blank":"clear"},{"column":"B","field":"B__c","blank":null}]',
      Max_Cleared_Percent__c: 5,
      Min_Report_Rows_Percent__c: 0,
      Allow_Large_Changes_Once__c: true,
      Last_Successful_Rows_Read__c: 1200
    });
    assert.deepEqual(
      definition.mappings.map((m) => m.blank),
      ['clear', 'keep']
    );
    assert.deepEqual(definition.guard, { maxClearedPercent: 5, minReportRowsPercent: 0, allowOnce: true });
    assert.equal(definition.lastSuccessfulRows, 1200);
    assert.throws(
      () => parseFieldMappings('[{"column":"A","field":"F__c","blank":"erase"}]', 'Integration "X"'),
      /Integration "X": mapping 1's "blank" "erase" is not one of keep, clear/
    );
    assert.throws(
      () => toIntegrationDefinition({ ...record, Max_Cleared_Percent__c: 150 }),
      /Max_Cleared_Percent__c must be a percentage from 0 to 100 \(got 150\)/
    );
  });

  test('malformed mappings fail with the integration named and what is wrong', () => {
    assert.throws(
      () => parseFieldMappings('{nope', 'Integration "X"'),
      /Integration "X": Field_Mappings__c is not valid JSON/
    );
    assert.throws(() => parseFieldMappings('{}', 'Integration "X"'), /must be a JSON array/);
    assert.throws(
      () => parseFieldMappings('[{"column":"A"}]', 'Integration "X"'),
      /mapping 1 needs a "column" and a "field"/
    );
    assert.throws(
      () => parseFieldMappings('[{"column":"A","field":"F__c","columnType":"money"}]', 'Integration "X"'),
      /unknown columnType "money"/
    );
  });

  test('an unknown policy or an empty required field is refused', () => {
    assert.throws(
      () => toIntegrationDefinition({ ...record, Ambiguity_Policy__c: 'guess' }),
      /Ambiguity_Policy__c "guess"/
    );
    assert.throws(
      () => toIntegrationDefinition({ ...record, Target_Object__c: '' }),
      /Target_Object__c is empty/
    );
  });
});
