import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyAmbiguityPolicy } from '../../src/sync/match/ambiguity-policy.js';
import { missingColumns } from '../../src/sync/report-header.js';
import { validateRow, type RowRules } from '../../src/sync/row-validation.js';
import { ReportKeyRegistry } from '../../src/sync/match/report-keys.js';
import type { FieldInfo } from '../../src/domain/object-schema.js';
import { integrationFor } from './harness.js';

const field = (name: string, type: string): FieldInfo => ({
  name,
  type,
  length: 80,
  precision: 18,
  scale: 0,
  digits: 0,
  updateable: true,
  caseSensitive: false,
  picklistValues: [],
  restrictedPicklist: false
});

describe('run steps for one row', () => {
  test('missing columns are named: key and mapped ones, never WalkMe_Last_Synced__c', () => {
    const integration = integrationFor('h', {
      mappings: [
        { column: 'Logins', columnType: 'number', field: 'WalkMe_Logins_Last_30_Days__c', blank: 'keep' },
        { column: '', columnType: 'datetime', field: 'WalkMe_Last_Synced__c', blank: 'keep' }
      ]
    });
    assert.deepEqual(missingColumns(integration, ['Email', 'Logins']), []);
    assert.deepEqual(missingColumns(integration, ['E-mail', 'Login count']), ['Email', 'Logins']);
  });

  test('a row is invalid for an empty key, a repeated key, or a value that does not fit', () => {
    const rules: RowRules = {
      keyColumn: 'Email',
      keyField: field('Email', 'email'),
      mappings: [{ column: 'Logins', columnType: 'number', field: 'N__c', blank: 'keep' }],
      fields: [field('N__c', 'double')],
      keys: new ReportKeyRegistry()
    };
    const row = (n: number, email: string, logins: string) => ({
      row: n,
      line: n + 1,
      values: { Email: email, Logins: logins }
    });
    assert.deepEqual(validateRow(row(1, ' A@x.test ', '3'), rules), {
      ok: true,
      rawKey: 'A@x.test',
      key: 'a@x.test',
      queryValue: 'A@x.test',
      values: [3]
    });
    assert.deepEqual(validateRow(row(2, 'a@X.test', '4'), rules), {
      ok: false,
      rawKey: 'a@X.test',
      reason: 'duplicate key in report (first on row 1)'
    });
    assert.match((validateRow(row(3, '  ', '4'), rules) as { reason: string }).reason, /empty key/);
    assert.match(
      (validateRow(row(4, 'b@x.test', 'many'), rules) as { reason: string }).reason,
      /column "Logins" value "many" does not fit N__c \(double\)/
    );
  });

  test('ambiguity policies: update-all writes all, skip lists the ids, most-recent picks the latest', () => {
    const targets = [
      { record: { id: 'A', lastModified: '2026-01-02T00:00:00.000+0000' } },
      { record: { id: 'B', lastModified: '2026-03-01T00:00:00.000+0000' } },
      { record: { id: 'C', lastModified: '2026-02-01T00:00:00.000+0000' } }
    ];
    assert.deepEqual(applyAmbiguityPolicy('update-all', targets), { write: targets });
    assert.deepEqual(applyAmbiguityPolicy('skip', targets), {
      skip: '3 records share this key: A, B, C (policy: skip)'
    });
    assert.deepEqual(applyAmbiguityPolicy('most-recent', targets), { write: [targets[1]] });
    assert.deepEqual(applyAmbiguityPolicy('skip', [targets[0]]), { write: [targets[0]] });
  });
});
