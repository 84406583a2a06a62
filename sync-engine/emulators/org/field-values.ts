/**
 * Field values under Salesforce's type rules: what a write accepts for each field type (and the
 * per-record error it answers otherwise), how values are stored, and how they are serialised in REST
 * answers. Stored forms: strings, numbers, booleans, dates as `YYYY-MM-DD`, datetimes as epoch ms, ids
 * as 18 characters.
 */
import { canonicalId } from './ids.js';
import { SalesforceApiError, type RecordError } from './org-context.js';
import type { FieldDef } from './schema/schema-types.js';

export type StoredValue = string | number | boolean | null;

export type Coerced = { ok: true; value: StoredValue } | { ok: false; error: RecordError };

const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:Z|[+-]\d{2}:?\d{2})?$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
// Salesforce accepts most RFC 5322 addresses; this keeps to the common shape local@domain.tld.
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

const fail = (statusCode: string, message: string, f: FieldDef): Coerced => ({
  ok: false,
  error: { statusCode, message, fields: [f.name] }
});

const display = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** A valid calendar date `YYYY-MM-DD` (with an optional zone, which Salesforce ignores), or null. */
export function parseDateValue(value: string): string | null {
  const m = DATE.exec(value);
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCDate() === Number(m[3]) && d.getUTCMonth() === Number(m[2]) - 1 ? value.slice(0, 10) : null;
}

/** Epoch ms of an ISO datetime (date-only means midnight UTC), or null. */
export function parseDateTimeValue(value: string): number | null {
  if (!DATETIME.test(value)) return null;
  const normalised =
    value.length === 10 ? `${value}T00:00:00Z` : value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(/Z|[+-]\d{2}:\d{2}$/.test(normalised) ? normalised : `${normalised}Z`);
  return Number.isNaN(ms) ? null : ms;
}

function coerceNumber(f: FieldDef, value: unknown): Coerced {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : NaN;
  if (!Number.isFinite(n))
    return fail(
      'INVALID_TYPE_ON_FIELD_IN_RECORD',
      `${f.label}: value not of required type: ${display(value)}`,
      f
    );
  if (f.type === 'int') {
    if (!Number.isInteger(n) || Math.abs(n) > 2147483647) {
      return fail(
        'NUMBER_OUTSIDE_VALID_RANGE',
        `${f.label}: value outside of valid range on numeric field: ${n}`,
        f
      );
    }
    return { ok: true, value: n };
  }
  // precision counts all digits, scale those after the point: |n| must be < 10^(precision-scale).
  const integerDigits = f.precision - f.scale;
  if (f.precision > 0 && Math.abs(n) >= 10 ** integerDigits) {
    return fail(
      'NUMBER_OUTSIDE_VALID_RANGE',
      `${f.label}: value outside of valid range on numeric field: ${n}`,
      f
    );
  }
  const factor = 10 ** f.scale;
  return { ok: true, value: Math.round(n * factor) / factor };
}

function coerceString(f: FieldDef, value: unknown): Coerced {
  if (Array.isArray(value) || (typeof value === 'object' && value !== null)) {
    throw new SalesforceApiError(
      400,
      'JSON_PARSER_ERROR',
      `Cannot deserialize instance of ${f.type === 'multipicklist' ? 'string' : f.type} from ${Array.isArray(value) ? 'START_ARRAY' : 'START_OBJECT'} value ${JSON.stringify(value)}`
    );
  }
  const s = String(value);
  if (f.length > 0 && s.length > f.length) {
    return fail('STRING_TOO_LONG', `${f.label}: data value too large: ${s} (max length=${f.length})`, f);
  }
  if (f.type === 'email' && s !== '' && !EMAIL.test(s)) {
    return fail('INVALID_EMAIL_ADDRESS', `${f.label}: invalid email address: ${s}`, f);
  }
  if (f.type === 'picklist' && f.restrictedPicklist && !f.picklistValues.some((p) => p.value === s)) {
    return fail(
      'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      `${f.label}: bad value for restricted picklist field: ${s}`,
      f
    );
  }
  if (f.type === 'multipicklist' && f.restrictedPicklist) {
    const bad = s.split(';').find((part) => !f.picklistValues.some((p) => p.value === part));
    if (bad !== undefined) {
      return fail(
        'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
        `${f.label}: bad value for restricted picklist field: ${bad}`,
        f
      );
    }
  }
  return { ok: true, value: s === '' ? null : s };
}

/**
 * The stored form of a JSON `value` written to `f`, or the per-record error Salesforce answers.
 * Throws JSON_PARSER_ERROR (request-level) for a JSON array or object where a scalar is expected.
 */
export function coerceFieldValue(f: FieldDef, value: unknown): Coerced {
  if (value === null || value === undefined) {
    if (f.type === 'boolean')
      return fail('INVALID_TYPE_ON_FIELD_IN_RECORD', `${f.label}: value not of required type: null`, f);
    return { ok: true, value: null };
  }
  switch (f.type) {
    case 'boolean':
      if (typeof value === 'boolean') return { ok: true, value };
      if (value === 'true' || value === 'false') return { ok: true, value: value === 'true' };
      return fail(
        'INVALID_TYPE_ON_FIELD_IN_RECORD',
        `${f.label}: value not of required type: ${display(value)}`,
        f
      );
    case 'int':
    case 'double':
    case 'currency':
    case 'percent':
      return coerceNumber(f, value);
    case 'date': {
      const d = typeof value === 'string' ? parseDateValue(value) : null;
      return d
        ? { ok: true, value: d }
        : fail(
            'INVALID_TYPE_ON_FIELD_IN_RECORD',
            `${f.label}: value not of required type: ${display(value)}`,
            f
          );
    }
    case 'datetime': {
      // Stored to the second: "Regular dateTime fields are full timestamps with a precision of one second"
      // (Object Reference, "Primitive Data Types"); the fraction is dropped [unverified: truncated, not rounded].
      const ms = typeof value === 'string' ? parseDateTimeValue(value) : null;
      return ms !== null
        ? { ok: true, value: Math.floor(ms / 1_000) * 1_000 }
        : fail(
            'INVALID_TYPE_ON_FIELD_IN_RECORD',
            `${f.label}: value not of required type: ${display(value)}`,
            f
          );
    }
    case 'id':
    case 'reference': {
      if (value === '') return { ok: true, value: null };
      const id = canonicalId(value);
      return id
        ? { ok: true, value: id }
        : fail('MALFORMED_ID', `${f.label}: id value of incorrect type: ${display(value)}`, f);
    }
    default:
      return coerceString(f, value);
  }
}

/** `2024-05-01T12:34:56.000+0000`, as the REST API writes datetimes. */
export function formatDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** The JSON value of a stored value in a REST answer. */
export function serializeValue(f: FieldDef, value: StoredValue | undefined): unknown {
  if (value === undefined || value === null) return null;
  if (f.type === 'datetime' && typeof value === 'number') return formatDateTime(value);
  return value;
}
