/**
 * Turns a report cell (text) into the JSON value a Salesforce field accepts (reference/salesforce-api.md
 * §2 "Field types and accepted JSON values"), or says why it cannot. Values take the form Salesforce stores:
 * datetimes to the second, numbers at the field's scale, text trimmed, picklist values as defined; a blank
 * cell follows its mapping's rule (`blankCellValue`).
 */
import type { JsonFieldValue } from '../domain/field-value.js';
import type { BlankCellRule } from '../domain/integration.js';
import type { FieldInfo } from '../domain/object-schema.js';
import { caseSafeId } from '../domain/salesforce-id.js';

export type Coerced = { ok: true; value: JsonFieldValue } | { ok: false; reason: string };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 't']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'f']);

const fail = (reason: string): Coerced => ({ ok: false, reason });
const ok = (value: JsonFieldValue): Coerced => ({ ok: true, value });

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * A date field takes the calendar date as written: a datetime cell keeps its own date part, never shifted
 * through a time zone (field-lessons.md: dates shifted by a day are a classic complaint).
 */
function coerceDate(text: string): Coerced {
  const match = ISO_DATE.exec(text) ?? ISO_DATETIME.exec(text);
  if (!match) return fail('not a date (expected YYYY-MM-DD)');
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (!isCalendarDate(year, month, day)) return fail('not a calendar date');
  return ok(`${match[1]}-${match[2]}-${match[3]}`);
}

/**
 * A datetime is stored in UTC to the second ("Regular dateTime fields are full timestamps with a precision of
 * one second", Object Reference, "Primitive Data Types"): a fraction is dropped here, so the value written is
 * the value read back [unverified: whether Salesforce truncates or rounds a fraction; truncating is the
 * observed behaviour]. A cell without an offset is read as UTC, a date alone as midnight UTC.
 */
function coerceDatetime(text: string): Coerced {
  const dateOnly = ISO_DATE.exec(text);
  const match = dateOnly ?? ISO_DATETIME.exec(text);
  if (!match) return fail('not a datetime (expected ISO 8601, e.g. 2024-05-01T12:34:56Z)');
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (!isCalendarDate(year, month, day)) return fail('not a calendar date');
  if (dateOnly) return ok(`${match[1]}-${match[2]}-${match[3]}T00:00:00.000Z`);
  const offset = match[8] ?? 'Z';
  const normalisedOffset = /^[+-]\d{4}$/.test(offset) ? `${offset.slice(0, 3)}:${offset.slice(3)}` : offset;
  const iso = `${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6] ?? '00'}${normalisedOffset.toUpperCase()}`;
  const time = Date.parse(iso);
  if (Number.isNaN(time) || Number(match[4]) > 23 || Number(match[5]) > 59 || Number(match[6] ?? 0) > 59) {
    return fail('not a valid time');
  }
  return ok(new Date(time).toISOString());
}

/**
 * Numbers are rounded to the field's scale (as Salesforce stores them) and rejected when their integer
 * part has more digits than precision − scale allows.
 */
function coerceNumber(text: string, field: FieldInfo): Coerced {
  const isPercent = field.type === 'percent';
  const cleaned = isPercent ? text.replace(/%$/, '').trim() : text;
  if (!NUMBER.test(cleaned)) return fail('not a number');
  const parsed = Number(cleaned);
  if (!Number.isFinite(parsed)) return fail('not a finite number');
  const scale = field.type === 'int' ? 0 : Math.max(0, field.scale);
  if (field.type === 'int' && !Number.isInteger(parsed)) return fail('not a whole number');
  const rounded = Number(parsed.toFixed(scale));
  const integerDigits = field.type === 'int' ? field.digits || 9 : field.precision - scale;
  if (integerDigits > 0 && Math.abs(Math.trunc(rounded)) >= 10 ** integerDigits) {
    return fail(`out of range (at most ${integerDigits} digit(s) before the decimal point)`);
  }
  return ok(rounded);
}

function coerceText(text: string, field: FieldInfo): Coerced {
  if (field.length > 0 && text.length > field.length) {
    return fail(`too long (${text.length} characters, at most ${field.length})`);
  }
  return ok(text);
}

function coercePicklistValue(text: string, field: FieldInfo): string | undefined {
  const wanted = text.toLowerCase();
  const known = field.picklistValues.find((entry) => entry.active && entry.value.toLowerCase() === wanted);
  if (known) return known.value;
  return field.restrictedPicklist ? undefined : text;
}

/**
 * What a blank cell writes: nothing (undefined: the field is left out of the write) under `keep`; under
 * `clear`, null, or false for a checkbox, which Salesforce never holds empty.
 */
export function blankCellValue(field: FieldInfo, rule: BlankCellRule): JsonFieldValue | undefined {
  if (rule === 'keep') return undefined;
  return field.type === 'boolean' ? false : null;
}

/** Coerces one report cell, not blank, to `field`'s type. */
export function coerceValue(raw: string, field: FieldInfo): Coerced {
  const text = raw.trim();
  switch (field.type) {
    case 'date':
      return coerceDate(text);
    case 'datetime':
      return coerceDatetime(text);
    case 'int':
    case 'double':
    case 'currency':
    case 'percent':
      return coerceNumber(text, field);
    case 'boolean': {
      const word = text.toLowerCase();
      if (TRUE_WORDS.has(word)) return ok(true);
      if (FALSE_WORDS.has(word)) return ok(false);
      return fail('not a boolean (true/false, yes/no, 1/0)');
    }
    case 'picklist': {
      const value = coercePicklistValue(text, field);
      return value === undefined ? fail('not one of the picklist values') : coerceText(value, field);
    }
    case 'multipicklist': {
      const values = text.split(';').map((part) => coercePicklistValue(part.trim(), field));
      if (values.some((value) => value === undefined)) return fail('not one of the picklist values');
      return coerceText(values.join(';'), field);
    }
    case 'email':
      return EMAIL.test(text) ? coerceText(text, field) : fail('not an email address');
    case 'string':
    case 'textarea':
    case 'phone':
    case 'url':
    case 'encryptedstring':
      return coerceText(text, field);
    case 'id':
    case 'reference': {
      const id = caseSafeId(text);
      return id ? ok(id) : fail('not a Salesforce id');
    }
    default:
      return fail(`field type ${field.type} is not supported`);
  }
}
