/**
 * The engine's column → field type rule is the package's: the WalkMe_Type_Compatibility__mdt records the
 * wizard and the Apex validation read (force-app/main/default/customMetadata).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMPATIBLE_FIELD_TYPES } from '../../src/domain/integration.js';

const RECORDS = fileURLToPath(new URL('../../../force-app/main/default/customMetadata', import.meta.url));

function fieldValue(xml: string, field: string, file: string): string {
  const match = new RegExp(`<field>${field}</field>\\s*<value[^>]*>([^<]+)</value>`).exec(xml);
  assert.ok(match, `${file} has no ${field}`);
  return match[1]!.trim();
}

test('the engine and the package agree on which field types a column of each type can fill', () => {
  const files = readdirSync(RECORDS).filter((file) => file.startsWith('WalkMe_Type_Compatibility.'));
  const table: Record<string, string[]> = {};
  for (const file of files) {
    const xml = readFileSync(join(RECORDS, file), 'utf8');
    const columnType = fieldValue(xml, 'Column_Type__c', file);
    const fieldType = fieldValue(xml, 'Field_Type__c', file);
    // An id field is never updateable: the pair string → id exists for the key pair (a column of record Ids
    // matched against Id), never for a write, which is all the engine's table decides.
    if (fieldType === 'id') continue;
    // Apex's DisplayType says `integer` where the REST describe the engine reads says `int`.
    (table[columnType] ??= []).push(fieldType === 'integer' ? 'int' : fieldType);
  }
  const engine = Object.fromEntries(
    Object.entries(COMPATIBLE_FIELD_TYPES).map(([k, v]) => [k, [...v].sort()])
  );
  assert.ok(files.length >= 7, 'the records were read');
  assert.deepEqual(engine, Object.fromEntries(Object.entries(table).map(([k, v]) => [k, v.sort()])));
});
