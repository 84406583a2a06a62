import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordStore, type StoredRecord } from '../../../emulators/org/record-store.js';

describe('record store transactions (what a composite allOrNone rolls back)', () => {
  const lead = (id: string, Email: string): StoredRecord => ({ Id: id, Email, IsDeleted: false });

  test('rollback removes inserts and restores updates in place, indexes included; commit keeps them', () => {
    const store = new RecordStore();
    const table = store.table('Lead');
    table.insert(lead('a', 'old@acme.example'));
    assert.deepEqual([...table.lookup('Email', ['OLD@acme.example'])], ['a']); // builds the index
    const held = table.get('a')!;

    const tx = store.begin();
    table.update('a', { Email: 'new@acme.example', Title: 'Added' });
    table.update('a', { Email: 'newer@acme.example' });
    table.insert(lead('b', 'b@acme.example'));
    tx.rollback();
    assert.equal(table.get('b'), undefined);
    assert.deepEqual(table.get('a'), lead('a', 'old@acme.example'));
    assert.equal(held, table.get('a'), 'the same record object, as a query cursor holds it');
    assert.deepEqual([...table.lookup('Email', ['old@acme.example'])], ['a']);
    assert.deepEqual([...table.lookup('Email', ['newer@acme.example', 'b@acme.example'])], []);

    const committed = store.begin();
    table.update('a', { Email: 'kept@acme.example' });
    committed.commit();
    assert.deepEqual([...table.lookup('Email', ['kept@acme.example'])], ['a']);
    // After the commit nothing is journaled: a new transaction starts clean.
    store.begin().rollback();
    assert.equal(table.get('a')?.Email, 'kept@acme.example');
  });

  test('transactions do not nest', () => {
    const store = new RecordStore();
    const tx = store.begin();
    assert.throws(() => store.begin(), /already open/);
    tx.commit();
    store.begin().commit();
  });
});
