/** The engine's column → field type rule is the wizard's (TargetSchemaService.COMPATIBLE_FIELD_TYPES in Apex). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { COMPATIBLE_FIELD_TYPES } from '../../src/domain/integration.js';

const APEX = fileURLToPath(
  new URL('../../../force-app/main/default/classes/TargetSchemaService.cls', import.meta.url)
);

test('the engine and the package agree on which field types a column of each type can fill', () => {
  const source = readFileSync(APEX, 'utf8');
  const apex: Record<string, string[]> = {};
  for (const match of source.matchAll(/'(\w+)' => new Set<String>\{([^}]*)\}/g)) {
    // Apex's DisplayType says `integer` where the REST describe the engine reads says `int`.
    apex[match[1]!] = [...match[2]!.matchAll(/'(\w+)'/g)]
      .map((m) => (m[1] === 'integer' ? 'int' : m[1]!))
      .sort();
  }
  const engine = Object.fromEntries(
    Object.entries(COMPATIBLE_FIELD_TYPES).map(([k, v]) => [k, [...v].sort()])
  );
  assert.ok(Object.keys(apex).length >= 7, 'the Apex map was read');
  assert.deepEqual(engine, apex);
});
