/**
 * Steps 3 and 6 of a run for each report row: its key normalised and claimed (empty and duplicate keys are
 * invalid), and each mapped value coerced to its field's type (a value that does not fit makes the row
 * invalid, with the reason). Matching needs the coerced values, so coercion happens before it.
 */
import type { ReportRow } from '../sources/report-source.js';
import type { FieldInfo } from '../domain/object-schema.js';
import type { FieldMapping } from '../domain/integration.js';
import type { JsonFieldValue } from '../domain/field-value.js';
import { matchKey } from '../domain/keys.js';
import type { ReportKeyRegistry } from './match/report-keys.js';
import type { OutcomeTally } from './outcome-tally.js';
import { blankCellValue, coerceValue } from './value-coercion.js';

export interface RowRules {
  keyColumn: string;
  keyField: FieldInfo;
  mappings: FieldMapping[];
  /** The target field of each mapping (undefined: not written, e.g. `WalkMe_Last_Synced__c`). */
  fields: Array<FieldInfo | undefined>;
  keys: ReportKeyRegistry;
}

/** A report row that passed validation: its key for matching and its values coerced for writing. */
export interface ValidRow {
  /** 1-based data row number in the report. */
  row: number;
  /** The key as normalised for matching. */
  key: string;
  /** The key as the lookup's SOQL literal holds it. */
  queryValue: string;
  /** The key as the report wrote it (trimmed). */
  rawKey: string;
  /** One value per mapping; undefined where nothing is written (a blank cell kept, `WalkMe_Last_Synced__c`). */
  values: Array<JsonFieldValue | undefined>;
}

export type ValidatedRow =
  ({ ok: true } & Omit<ValidRow, 'row'>) | { ok: false; rawKey: string; reason: string };

export function validateRow(reportRow: ReportRow, rules: RowRules): ValidatedRow {
  const rawKey = (reportRow.values[rules.keyColumn] ?? '').trim();
  if (reportRow.error) return { ok: false, rawKey, reason: reportRow.error };
  if (rawKey === '') return { ok: false, rawKey, reason: `empty key in column "${rules.keyColumn}"` };
  const matched = matchKey(rawKey, rules.keyField);
  if (!matched.ok) return { ok: false, rawKey, reason: `column "${rules.keyColumn}": ${matched.reason}` };
  const { key, queryValue } = matched;
  const firstRow = rules.keys.claim(key, reportRow.row);
  if (firstRow !== undefined) {
    return { ok: false, rawKey, reason: `duplicate key in report (first on row ${firstRow})` };
  }
  const values: Array<JsonFieldValue | undefined> = [];
  for (let i = 0; i < rules.mappings.length; i += 1) {
    const field = rules.fields[i];
    const cell = reportRow.values[rules.mappings[i].column] ?? '';
    if (!field || cell.trim() === '') {
      values.push(field ? blankCellValue(field, rules.mappings[i].blank) : undefined);
      continue;
    }
    const coerced = coerceValue(cell, field);
    if (!coerced.ok) {
      return {
        ok: false,
        rawKey,
        reason: `column "${rules.mappings[i].column}" value "${cell}" does not fit ${field.name} (${field.type}): ${coerced.reason}`
      };
    }
    values.push(coerced.value);
  }
  return { ok: true, rawKey, key, queryValue, values };
}

/** The stream's valid rows; each invalid row is settled at once, with its reason. */
export async function* validRows(
  stream: AsyncIterable<ReportRow>,
  rules: RowRules,
  tally: OutcomeTally
): AsyncGenerator<ValidRow> {
  for await (const reportRow of stream) {
    const valid = validateRow(reportRow, rules);
    tally.read(reportRow.row, valid.rawKey);
    if (!valid.ok) {
      tally.emit(reportRow.row, valid.rawKey, 'invalid', { reason: valid.reason });
      continue;
    }
    const { key, queryValue, rawKey, values } = valid;
    yield { row: reportRow.row, key, queryValue, rawKey, values };
  }
}
