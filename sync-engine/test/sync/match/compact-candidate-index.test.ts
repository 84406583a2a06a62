import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompactCandidateIndex } from '../../../src/sync/match/compact-candidate-index.js';
import type { CandidateRecord } from '../../../src/sync/target-org.js';

const COLUMNS = ['Id', 'Email', 'WalkMe_NPS_Comment__c'];
const asCandidate = (record: Record<string, string>): CandidateRecord => ({
  id: record.Id,
  key: record.Email.toLowerCase(),
  values: { WalkMe_NPS_Comment__c: record.WalkMe_NPS_Comment__c }
});

test("a Bulk query's index gives back each key's records, every cell as the query answered it", () => {
  const index = new CompactCandidateIndex(COLUMNS, asCandidate);
  const records = 20_000; // past every first capacity, so each array and the text buffer grow
  for (let i = 0; i < records; i += 1) {
    index.add(`lead.${i}@example.com`, {
      Id: `00Q${String(i).padStart(15, '0')}`,
      Email: `Lead.${i}@Example.com`,
      WalkMe_NPS_Comment__c: i % 3 === 0 ? '' : `ça va, "${i}"\n${'é'.repeat(i % 50)}`
    });
  }
  // Two more records under an existing key (an ambiguous key), and a cell absent from the CSV record.
  index.add('lead.7@example.com', { Id: '00Q0000000000TWIN1', Email: 'LEAD.7@example.com' });
  index.add('lead.7@example.com', {
    Id: '00Q0000000000TWIN2',
    Email: 'lead.7@EXAMPLE.com',
    WalkMe_NPS_Comment__c: '日本'
  });

  assert.equal(index.size, records);
  assert.equal(index.get('nobody@example.com'), undefined);
  assert.equal(index.get('lead.1@example.co'), undefined, 'a prefix of a key is not the key');
  for (const i of [0, 1, 2, 4_095, 4_096, 19_999]) {
    assert.deepEqual(index.get(`lead.${i}@example.com`), [
      {
        id: `00Q${String(i).padStart(15, '0')}`,
        key: `lead.${i}@example.com`,
        values: { WalkMe_NPS_Comment__c: i % 3 === 0 ? '' : `ça va, "${i}"\n${'é'.repeat(i % 50)}` }
      }
    ]);
  }
  assert.deepEqual(
    index.get('lead.7@example.com')?.map((record) => [record.id, record.values.WalkMe_NPS_Comment__c]),
    [
      ['00Q000000000000007', 'ça va, "7"\nééééééé'],
      ['00Q0000000000TWIN1', ''],
      ['00Q0000000000TWIN2', '日本']
    ],
    'in the order the query answered them'
  );
});
