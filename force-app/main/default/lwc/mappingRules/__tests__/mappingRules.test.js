import {
  isCompatible,
  keyFields,
  matchingObjects,
  presetSchedule,
  runRecordUrl,
  runtimeSeconds,
  schedulePreset,
  offeredFields,
  suggestField,
  suggestMappings,
  isMappingComplete,
  blankChoice,
  blankOptions,
  mappingProblemIndex,
  scheduleLabel,
  formatUtc,
  formatRuntime,
  isRunActive,
  statusBadgeClass
} from 'c/mappingRules';

const { apexResult } = require('../../__tests__/apexContracts.cjs');

const FIELDS = apexResult('IntegrationController.getObjectFields');
const COMPATIBILITY = apexResult('IntegrationController.getTypeCompatibility');
const OBJECTS = apexResult('IntegrationController.getTargetObjects');

const apiNames = (fields) => fields.map((field) => field.apiName);

describe('c/mappingRules', () => {
  describe('isCompatible', () => {
    // The pairs of the table the package ships (WalkMe_Type_Compatibility__mdt), as getTypeCompatibility gives it.
    it.each([
      ['string', 'picklist', true],
      ['string', 'double', false],
      ['email', 'email', true],
      ['email', 'picklist', false],
      ['number', 'currency', true],
      ['number', 'date', false],
      ['percent', 'percent', true],
      ['percent', 'integer', false],
      ['date', 'datetime', true],
      ['date', 'boolean', false],
      ['datetime', 'date', true],
      ['boolean', 'boolean', true],
      ['boolean', 'double', false],
      ['string', 'id', true],
      ['email', 'id', false],
      ['unknown', 'string', false]
    ])('%s column into a %s field: %s', (columnType, fieldType, expected) => {
      expect(isCompatible(columnType, fieldType, COMPATIBILITY)).toBe(expected);
    });

    it('holds no table of its own: without one nothing fits', () => {
      expect(isCompatible('string', 'string', undefined)).toBe(false);
      expect(isCompatible('string', 'string', [])).toBe(false);
      expect(isCompatible('string', 'phone', [{ columnType: 'string', fieldTypes: ['phone'] }])).toBe(true);
    });
  });

  describe('keyFields', () => {
    it('offers the key candidates whose type fits the key column, all of them before a column is chosen', () => {
      expect(apiNames(keyFields(FIELDS, undefined, COMPATIBILITY))).toEqual(['Email', 'Id']);
      expect(apiNames(keyFields(FIELDS, 'email', COMPATIBILITY))).toEqual(['Email']);
      expect(apiNames(keyFields(FIELDS, 'string', COMPATIBILITY))).toEqual(['Email', 'Id']);
      expect(apiNames(keyFields(FIELDS, 'number', COMPATIBILITY))).toEqual([]);
    });
  });

  describe('offeredFields', () => {
    it('offers updateable, compatible fields only, never the key field', () => {
      const offered = offeredFields(FIELDS, {
        columnType: 'datetime',
        keyField: 'Email',
        takenFields: [],
        compatibility: COMPATIBILITY
      });
      expect(apiNames(offered)).toEqual([
        'Last_Login__c',
        'LastName',
        'WalkMe_First_Login__c',
        'WalkMe_Last_Login__c'
      ]);
    });

    it('leaves out the key field and fields mapped in other rows', () => {
      const offered = offeredFields(FIELDS, {
        columnType: 'string',
        keyField: 'LastName',
        takenFields: ['Email'],
        compatibility: COMPATIBILITY
      });
      expect(apiNames(offered)).toEqual(['WalkMe_NPS_Category__c']);
    });

    it('offers nothing when a date column has only boolean fields to go to', () => {
      const booleans = FIELDS.filter((field) => field.type === 'boolean');
      expect(
        offeredFields(booleans, {
          columnType: 'date',
          keyField: 'Email',
          takenFields: [],
          compatibility: COMPATIBILITY
        })
      ).toEqual([]);
    });
  });

  describe('suggestField', () => {
    it('matches names regardless of case, spaces and underscores, preferring WalkMe_ fields', () => {
      const options = { keyField: 'Email', takenFields: [], compatibility: COMPATIBILITY };
      expect(suggestField({ name: 'Last Login', type: 'datetime' }, FIELDS, options).apiName).toBe(
        'WalkMe_Last_Login__c'
      );
      expect(suggestField({ name: 'last_login', type: 'datetime' }, FIELDS, options).apiName).toBe(
        'WalkMe_Last_Login__c'
      );
      expect(suggestField({ name: 'LOGINS LAST 30 DAYS', type: 'number' }, FIELDS, options).apiName).toBe(
        'WalkMe_Logins_Last_30_Days__c'
      );
    });

    it('falls back to an unprefixed field when the WalkMe_ one is taken', () => {
      const field = suggestField({ name: 'Last Login', type: 'datetime' }, FIELDS, {
        keyField: 'Email',
        takenFields: ['WalkMe_Last_Login__c'],
        compatibility: COMPATIBILITY
      });
      expect(field.apiName).toBe('Last_Login__c');
    });

    it('suggests nothing for an incompatible type or an unknown name', () => {
      const options = { keyField: 'Email', takenFields: [], compatibility: COMPATIBILITY };
      expect(suggestField({ name: 'Last Login', type: 'boolean' }, FIELDS, options)).toBeUndefined();
      expect(suggestField({ name: 'Favourite Colour', type: 'string' }, FIELDS, options)).toBeUndefined();
    });
  });

  describe('suggestMappings', () => {
    it('maps every non-key column with a matching field, each field once', () => {
      const columns = [
        { name: 'Email', type: 'email' },
        { name: 'Last Login', type: 'datetime' },
        { name: 'Last_Login', type: 'datetime' },
        { name: 'Onboarding Completion', type: 'percent' },
        { name: 'Browser', type: 'string' }
      ];
      expect(
        suggestMappings(columns, FIELDS, {
          keyColumn: 'Email',
          keyField: 'Email',
          compatibility: COMPATIBILITY
        })
      ).toEqual([
        { column: 'Last Login', columnType: 'datetime', field: 'WalkMe_Last_Login__c' },
        { column: 'Last_Login', columnType: 'datetime', field: 'Last_Login__c' },
        {
          column: 'Onboarding Completion',
          columnType: 'percent',
          field: 'WalkMe_Onboarding_Completion__c'
        }
      ]);
    });
  });

  it('calls a mapping complete only with a column and a field', () => {
    expect(isMappingComplete({ column: 'Email', field: 'Email' })).toBe(true);
    expect(isMappingComplete({ column: 'Email', field: '' })).toBe(false);
    expect(isMappingComplete({ column: '', field: 'Email' })).toBe(false);
  });

  it('keeps the Salesforce value for a blank cell unless the mapping says clear', () => {
    expect(blankChoice({ column: 'Email', field: 'Email' })).toBe('keep');
    expect(blankChoice({ column: 'Email', field: 'Email', blank: null })).toBe('keep');
    expect(blankChoice({ column: 'Email', field: 'Email', blank: 'clear' })).toBe('clear');
  });

  it('says that clearing a checkbox sets it to false', () => {
    expect(blankOptions('datetime')).toEqual([
      { label: 'Keep Salesforce value', value: 'keep' },
      { label: 'Clear the field', value: 'clear' }
    ]);
    expect(blankOptions('boolean')).toEqual([
      { label: 'Keep Salesforce value', value: 'keep' },
      { label: 'Set to false', value: 'clear' }
    ]);
  });

  it('reads the row index from a server problem about a mapping', () => {
    expect(mappingProblemIndex('mappings[2].field')).toBe(2);
    expect(mappingProblemIndex('mappings[0]')).toBe(0);
    expect(mappingProblemIndex('mappings')).toBeUndefined();
    expect(mappingProblemIndex('targetObject')).toBeUndefined();
  });

  it('labels schedules as the list shows them', () => {
    expect(scheduleLabel({ scheduleType: 'Daily', scheduleHourUtc: 9 })).toBe('Daily at 09:00 UTC');
    expect(scheduleLabel({ scheduleType: 'Daily', scheduleHourUtc: 17 })).toBe('Daily at 17:00 UTC');
    expect(scheduleLabel({ scheduleType: 'Every N Hours', scheduleIntervalHours: 6 })).toBe('Every 6 hours');
    expect(scheduleLabel({ scheduleType: 'Every N Hours', scheduleIntervalHours: 1 })).toBe('Every hour');
    expect(scheduleLabel({ scheduleType: 'Manual' })).toBe('Manual only');
  });

  describe('schedule presets', () => {
    it.each([
      [{ scheduleType: 'Daily', scheduleHourUtc: 9 }, 'daily-default'],
      [{ scheduleType: 'Daily', scheduleHourUtc: null }, 'daily-default'],
      [{ scheduleType: 'Daily', scheduleHourUtc: 8 }, 'daily-gainsight'],
      [{ scheduleType: 'Daily', scheduleHourUtc: 17 }, 'daily-other'],
      [{ scheduleType: 'Every N Hours', scheduleIntervalHours: 6 }, 'every-n-hours'],
      [{ scheduleType: 'Manual' }, 'manual']
    ])('reads %o as %s', (schedule, preset) => {
      expect(schedulePreset(schedule)).toBe(preset);
    });

    it('sets the hour of the named presets and keeps it for another hour', () => {
      expect(presetSchedule('daily-default')).toEqual({ scheduleType: 'Daily', scheduleHourUtc: 9 });
      expect(presetSchedule('daily-gainsight')).toEqual({ scheduleType: 'Daily', scheduleHourUtc: 8 });
      expect(presetSchedule('daily-other')).toEqual({ scheduleType: 'Daily' });
      expect(presetSchedule('every-n-hours')).toEqual({ scheduleType: 'Every N Hours' });
      expect(presetSchedule('manual')).toEqual({ scheduleType: 'Manual' });
    });
  });

  it('finds objects by any part of their label or API name, every word, in any case', () => {
    const names = (objects) => objects.map((object) => object.apiName);
    expect(names(matchingObjects(OBJECTS, ''))).toEqual(['Account', 'Contact', 'Lead', 'Subscription__c']);
    expect(names(matchingObjects(OBJECTS, 'LEAD'))).toEqual(['Lead']);
    expect(names(matchingObjects(OBJECTS, '__c'))).toEqual(['Subscription__c']);
    expect(names(matchingObjects(OBJECTS, 'sub scr'))).toEqual(['Subscription__c']);
    expect(names(matchingObjects(OBJECTS, 'nothing like it'))).toEqual([]);
    expect(matchingObjects(undefined, 'lead')).toEqual([]);
  });

  it('takes a run time as end minus start, and links a run to its record page', () => {
    const [failed, completed] = apexResult('IntegrationController.getRuns');
    expect(runtimeSeconds(failed.startTime, failed.endTime)).toBe(4.2);
    expect(runtimeSeconds(completed.startTime, completed.endTime)).toBe(185);
    expect(runtimeSeconds(completed.startTime, null)).toBeUndefined();
    expect(runtimeSeconds(null, completed.endTime)).toBeUndefined();
    expect(runtimeSeconds(completed.endTime, completed.startTime)).toBeUndefined();
    expect(runRecordUrl('a02000000000002AAA')).toBe(
      '/lightning/r/WalkMe_Sync_Run__c/a02000000000002AAA/view'
    );
  });

  it('formats times in UTC and runtimes for people', () => {
    expect(formatUtc('2025-03-04T09:05:00.000Z')).toBe('2025-03-04 09:05 UTC');
    expect(formatUtc(null)).toBe('');
    expect(formatUtc('not a date')).toBe('');
    expect(formatRuntime(12.345)).toBe('12.3 s');
    expect(formatRuntime(185)).toBe('3 min 5 s');
    expect(formatRuntime(3720)).toBe('1 h 2 min');
    expect(formatRuntime(null)).toBe('');
  });

  it('knows which run statuses are still going and how to colour them', () => {
    expect(isRunActive('Queued')).toBe(true);
    expect(isRunActive('Running')).toBe(true);
    expect(isRunActive('Completed')).toBe(false);
    expect(statusBadgeClass('Completed')).toBe('slds-theme_success');
    expect(statusBadgeClass('Failed')).toBe('slds-theme_error');
    expect(statusBadgeClass('Completed with errors')).toBe('slds-theme_warning');
    expect(statusBadgeClass('Queued')).toBe('');
  });
});
