/**
 * Compares the value a run would write with the value Salesforce holds, after putting both in one
 * canonical form: REST answers datetimes as `…000+0000` and Bulk API 2.0 answers every value as CSV text,
 * so a plain `===` would see changes that are not there (and every no-op write can fire Flows).
 */
import type { FieldInfo } from '../../domain/object-schema.js';

const NUMERIC_TYPES = new Set(['int', 'double', 'currency', 'percent']);

/**
 * The canonical text of a field value, as Salesforce stores it: null for empty; datetimes to the second
 * (value-coercion.ts cites the rule); numbers, currency and percent at the field's scale; a multi-select
 * picklist as its set of values, in any order.
 */
export function canonicalValue(value: unknown, field: FieldInfo): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (field.type === 'datetime') {
    const text = String(value).replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
    const time = Date.parse(text);
    return Number.isNaN(time) ? String(value) : String(Math.floor(time / 1_000));
  }
  if (field.type === 'multipicklist') {
    return String(value)
      .split(';')
      .map((part) => part.trim())
      .sort()
      .join(';');
  }
  if (field.type === 'date') return String(value).slice(0, 10);
  if (NUMERIC_TYPES.has(field.type)) {
    const parsed = Number(value);
    return Number.isNaN(parsed) ? String(value) : parsed.toFixed(field.type === 'int' ? 0 : field.scale);
  }
  if (field.type === 'boolean') return String(value === true || String(value).toLowerCase() === 'true');
  return String(value);
}

/** Text is compared case-sensitively: a change of case is a change the user wants written. */
export function valuesDiffer(next: unknown, current: unknown, field: FieldInfo): boolean {
  return canonicalValue(next, field) !== canonicalValue(current, field);
}
