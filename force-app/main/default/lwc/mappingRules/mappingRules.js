// Rules shared by the wizard, the mapping editor, the list and the run log. Pure functions, no template,
// so they are tested once. Which column types fit which field types is not held here: the package ships it
// as WalkMe_Type_Compatibility__mdt and IntegrationController.getTypeCompatibility hands it over as
// [{ columnType, fieldTypes }]; the same table decides on save.

const RECOMMENDED_PREFIX = 'walkme';

export const SCHEDULE_DAILY = 'Daily';
export const SCHEDULE_EVERY_N_HOURS = 'Every N Hours';
export const SCHEDULE_MANUAL = 'Manual';
export const DEFAULT_SCHEDULE_HOUR_UTC = 9;
// The Gainsight integration of the original product syncs at 08:00 UTC, so Gainsight reads fresh fields.
export const GAINSIGHT_SCHEDULE_HOUR_UTC = 8;

/** Whether a column of columnType can go into (or be matched against) a field of fieldType, by the table. */
export function isCompatible(columnType, fieldType, compatibility) {
  const entry = (compatibility || []).find((candidate) => candidate.columnType === columnType);
  return Boolean(entry) && entry.fieldTypes.includes(fieldType);
}

// "Last Login", "last_login" and "LastLogin" compare equal; a custom field's "__c" and the recommended
// "WalkMe_" prefix do not count, so "Last Login" matches WalkMe_Last_Login__c.
function comparableName(name) {
  return (name || '').replace(/__c$/i, '').replace(/[\s_]/g, '').toLowerCase();
}

function withoutRecommendedPrefix(comparable) {
  return comparable.startsWith(RECOMMENDED_PREFIX) ? comparable.slice(RECOMMENDED_PREFIX.length) : comparable;
}

function isRecommendedField(field) {
  return field.apiName.toLowerCase().startsWith(`${RECOMMENDED_PREFIX}_`);
}

function namesMatch(column, field) {
  const wanted = withoutRecommendedPrefix(comparableName(column.name));
  return [field.apiName, field.label].some(
    (name) => withoutRecommendedPrefix(comparableName(name)) === wanted
  );
}

/**
 * The fields a mapping row may choose: updateable, not the key field, not mapped in another row, and
 * compatible with the row's column type. The row's own field stays offered.
 */
export function offeredFields(fields, { columnType, keyField, takenFields, compatibility }) {
  return (fields || []).filter(
    (field) =>
      field.updateable &&
      field.apiName !== keyField &&
      !takenFields.includes(field.apiName) &&
      isCompatible(columnType, field.type, compatibility)
  );
}

/**
 * The fields that may identify records for a key column: key candidates whose type fits the column's; all key
 * candidates while no column is chosen.
 */
export function keyFields(fields, keyColumnType, compatibility) {
  return (fields || []).filter(
    (field) =>
      field.keyCandidate && (!keyColumnType || isCompatible(keyColumnType, field.type, compatibility))
  );
}

/** The field whose name matches the column, preferring the recommended WalkMe_ fields; undefined if none. */
export function suggestField(column, fields, { keyField, takenFields, compatibility }) {
  const matches = offeredFields(fields, {
    columnType: column.type,
    keyField,
    takenFields,
    compatibility
  }).filter((field) => namesMatch(column, field));
  return matches.find(isRecommendedField) || matches[0];
}

/** Rows for every non-key column that has a suggested field, in report column order. */
export function suggestMappings(columns, fields, { keyColumn, keyField, compatibility }) {
  const mappings = [];
  (columns || [])
    .filter((column) => column.name !== keyColumn)
    .forEach((column) => {
      const takenFields = mappings.map((mapping) => mapping.field);
      const field = suggestField(column, fields, { keyField, takenFields, compatibility });
      if (field) {
        mappings.push({ column: column.name, columnType: column.type, field: field.apiName });
      }
    });
  return mappings;
}

/** The row index a server problem names ('mappings[2].field' → 2), or undefined for other fields. */
export function mappingProblemIndex(problemField) {
  const match = /^mappings\[(\d+)\]/.exec(problemField || '');
  return match ? Number(match[1]) : undefined;
}

export function isMappingComplete(mapping) {
  return Boolean(mapping.column && mapping.field);
}

export const BLANK_KEEP = 'keep';
export const BLANK_CLEAR = 'clear';

/** What a blank report cell does to the row's field; mappings saved before the choice existed keep. */
export function blankChoice(mapping) {
  return mapping.blank || BLANK_KEEP;
}

/** The "When blank" options for a field type. A checkbox cannot be empty: clearing one sets it to false. */
export function blankOptions(fieldType) {
  return [
    { label: 'Keep Salesforce value', value: BLANK_KEEP },
    { label: fieldType === 'boolean' ? 'Set to false' : 'Clear the field', value: BLANK_CLEAR }
  ];
}

function twoDigits(value) {
  return String(value).padStart(2, '0');
}

export function hourLabel(hour) {
  return `${twoDigits(hour)}:00 UTC`;
}

// The schedule choices of the wizard: the default daily hour, the Gainsight preset beside it, any other
// hour, an interval, or none.
export const PRESET_DAILY_DEFAULT = 'daily-default';
export const PRESET_DAILY_GAINSIGHT = 'daily-gainsight';
export const PRESET_DAILY_OTHER = 'daily-other';
export const PRESET_EVERY_N_HOURS = 'every-n-hours';
export const PRESET_MANUAL = 'manual';

export const SCHEDULE_PRESET_OPTIONS = [
  { label: 'Daily at 09:00 UTC (default)', value: PRESET_DAILY_DEFAULT },
  {
    label: 'Daily at 08:00 UTC — Gainsight reads the fields after the 08:00 sync',
    value: PRESET_DAILY_GAINSIGHT
  },
  { label: 'Daily at another hour', value: PRESET_DAILY_OTHER },
  { label: 'Every N hours', value: PRESET_EVERY_N_HOURS },
  { label: 'Manual only', value: PRESET_MANUAL }
];

/** The preset a saved schedule reads as: 09:00 and 08:00 daily are the two named presets. */
export function schedulePreset({ scheduleType, scheduleHourUtc }) {
  if (scheduleType === SCHEDULE_EVERY_N_HOURS) {
    return PRESET_EVERY_N_HOURS;
  }
  if (scheduleType === SCHEDULE_MANUAL) {
    return PRESET_MANUAL;
  }
  const hour = scheduleHourUtc ?? DEFAULT_SCHEDULE_HOUR_UTC;
  if (hour === DEFAULT_SCHEDULE_HOUR_UTC) {
    return PRESET_DAILY_DEFAULT;
  }
  return hour === GAINSIGHT_SCHEDULE_HOUR_UTC ? PRESET_DAILY_GAINSIGHT : PRESET_DAILY_OTHER;
}

/** The schedule type and, for the named presets, the hour a preset sets; "another hour" keeps the hour. */
export function presetSchedule(preset) {
  switch (preset) {
    case PRESET_DAILY_DEFAULT:
      return { scheduleType: SCHEDULE_DAILY, scheduleHourUtc: DEFAULT_SCHEDULE_HOUR_UTC };
    case PRESET_DAILY_GAINSIGHT:
      return { scheduleType: SCHEDULE_DAILY, scheduleHourUtc: GAINSIGHT_SCHEDULE_HOUR_UTC };
    case PRESET_DAILY_OTHER:
      return { scheduleType: SCHEDULE_DAILY };
    case PRESET_EVERY_N_HOURS:
      return { scheduleType: SCHEDULE_EVERY_N_HOURS };
    default:
      return { scheduleType: SCHEDULE_MANUAL };
  }
}

/** The objects whose label or API name holds every word of the search, in any case; all for no search. */
export function matchingObjects(objects, search) {
  const words = (search || '').toLowerCase().split(/\s+/).filter(Boolean);
  return (objects || []).filter((object) => {
    const text = `${object.label} ${object.apiName}`.toLowerCase();
    return words.every((word) => text.includes(word));
  });
}

/** The same labels IntegrationController puts in IntegrationRow.scheduleLabel. */
export function scheduleLabel({ scheduleType, scheduleHourUtc, scheduleIntervalHours }) {
  if (scheduleType === SCHEDULE_DAILY) {
    return `Daily at ${hourLabel(scheduleHourUtc ?? DEFAULT_SCHEDULE_HOUR_UTC)}`;
  }
  if (scheduleType === SCHEDULE_EVERY_N_HOURS) {
    return scheduleIntervalHours === 1 ? 'Every hour' : `Every ${scheduleIntervalHours} hours`;
  }
  return 'Manual only';
}

/** "2025-03-04 09:00 UTC": run times are shown in UTC, as the engine schedules them. */
export function formatUtc(dateTime) {
  if (!dateTime) {
    return '';
  }
  const date = new Date(dateTime);
  if (Number.isNaN(date.getTime())) {
    return '';
  }
  return (
    `${date.getUTCFullYear()}-${twoDigits(date.getUTCMonth() + 1)}-${twoDigits(date.getUTCDate())} ` +
    `${twoDigits(date.getUTCHours())}:${twoDigits(date.getUTCMinutes())} UTC`
  );
}

/** A run's runtime in seconds: end minus start; undefined until both are known. */
export function runtimeSeconds(startTime, endTime) {
  const start = new Date(startTime || NaN).getTime();
  const end = new Date(endTime || NaN).getTime();
  return Number.isNaN(start) || Number.isNaN(end) || end < start ? undefined : (end - start) / 1000;
}

/** The run's record page in Lightning Experience. */
export function runRecordUrl(runId) {
  return `/lightning/r/WalkMe_Sync_Run__c/${runId}/view`;
}

/** "45.2 s", "3 min 5 s", "1 h 2 min"; empty while a run has no runtime yet. */
export function formatRuntime(seconds) {
  if (seconds === null || seconds === undefined) {
    return '';
  }
  if (seconds < 60) {
    return `${Math.round(seconds * 10) / 10} s`;
  }
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  return hours > 0 ? `${hours} h ${minutes} min` : `${minutes} min ${whole % 60} s`;
}

export const ACTIVE_RUN_STATUSES = ['Queued', 'Running'];

export function isRunActive(status) {
  return ACTIVE_RUN_STATUSES.includes(status);
}

/** SLDS theme class for a run status badge: green when it worked, red when it failed, amber in between. */
export function statusBadgeClass(status) {
  switch (status) {
    case 'Completed':
      return 'slds-theme_success';
    case 'Failed':
      return 'slds-theme_error';
    case 'Completed with errors':
      return 'slds-theme_warning';
    default:
      return '';
  }
}
