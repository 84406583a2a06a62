// Rules shared by the wizard, the mapping editor, the list and the run log. Pure functions, no template,
// so they are tested once. The compatibility table mirrors IntegrationController's (Apex is authoritative
// on save; this copy only decides what the wizard offers).
const COMPATIBLE_FIELD_TYPES = {
  string: ['string', 'textarea', 'picklist', 'email', 'url', 'phone'],
  email: ['email', 'string', 'textarea'],
  number: ['double', 'integer', 'currency', 'percent', 'string', 'textarea'],
  percent: ['percent', 'double', 'string', 'textarea'],
  date: ['date', 'datetime', 'string', 'textarea'],
  datetime: ['datetime', 'date', 'string', 'textarea'],
  boolean: ['boolean', 'string', 'textarea']
};

const RECOMMENDED_PREFIX = 'walkme';

export const SCHEDULE_DAILY = 'Daily';
export const SCHEDULE_EVERY_N_HOURS = 'Every N Hours';
export const SCHEDULE_MANUAL = 'Manual';
export const DEFAULT_SCHEDULE_HOUR_UTC = 9;

export function isCompatible(columnType, fieldType) {
  return (COMPATIBLE_FIELD_TYPES[columnType] || []).includes(fieldType);
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
export function offeredFields(fields, { columnType, keyField, takenFields }) {
  return (fields || []).filter(
    (field) =>
      field.updateable &&
      field.apiName !== keyField &&
      !takenFields.includes(field.apiName) &&
      isCompatible(columnType, field.type)
  );
}

/** The field whose name matches the column, preferring the recommended WalkMe_ fields; undefined if none. */
export function suggestField(column, fields, { keyField, takenFields }) {
  const matches = offeredFields(fields, { columnType: column.type, keyField, takenFields }).filter((field) =>
    namesMatch(column, field)
  );
  return matches.find(isRecommendedField) || matches[0];
}

/** Rows for every non-key column that has a suggested field, in report column order. */
export function suggestMappings(columns, fields, { keyColumn, keyField }) {
  const mappings = [];
  (columns || [])
    .filter((column) => column.name !== keyColumn)
    .forEach((column) => {
      const takenFields = mappings.map((mapping) => mapping.field);
      const field = suggestField(column, fields, { keyField, takenFields });
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
