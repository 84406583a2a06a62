/**
 * Report keys become match keys the way SOQL compares them (reference/salesforce-api.md §3): text trimmed
 * and without case unless the key field is case-sensitive (`=`/`IN` ignore case except on case-sensitive
 * unique fields); `Id` and reference keys as 18-character ids compared with their case, since a 15-character
 * id is case-sensitive and the API answers 18. A key SOQL cannot hold makes its row invalid, not the run.
 */
import { caseSafeId } from './salesforce-id.js';
import { MAX_SOQL_LITERAL_CHARS } from './salesforce-limits.js';
import type { FieldInfo } from './object-schema.js';

export type KeyField = Pick<FieldInfo, 'type' | 'caseSensitive'>;

export type MatchKey =
  /** `key` is compared with records' keys; `queryValue` goes in the SOQL literal. */
  { ok: true; key: string; queryValue: string } | { ok: false; reason: string };

const isIdField = (field: KeyField): boolean => field.type === 'id' || field.type === 'reference';
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The match key of a report cell already known not to be blank. */
export function matchKey(raw: string, field: KeyField): MatchKey {
  const trimmed = raw.trim();
  const control = CONTROL.exec(trimmed);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return { ok: false, reason: `the key holds a control character (U+${code}), which no query can match` };
  }
  if (trimmed.length > MAX_SOQL_LITERAL_CHARS) {
    return {
      ok: false,
      reason: `the key is ${trimmed.length} characters long; SOQL compares at most ${MAX_SOQL_LITERAL_CHARS}`
    };
  }
  if (isIdField(field)) {
    const id = caseSafeId(trimmed);
    if (!id) return { ok: false, reason: 'the key is not a Salesforce id (15 or 18 letters and digits)' };
    return { ok: true, key: id, queryValue: id };
  }
  return { ok: true, key: field.caseSensitive ? trimmed : trimmed.toLowerCase(), queryValue: trimmed };
}

/** A record's key value (as REST or Bulk answers it) in the form `matchKey` produces. */
export function recordKey(value: unknown, field: KeyField): string {
  const text = String(value ?? '').trim();
  if (isIdField(field)) return caseSafeId(text) ?? text;
  return field.caseSensitive ? text : text.toLowerCase();
}
