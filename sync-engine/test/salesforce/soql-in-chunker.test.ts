import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chunkInStatements, SoqlInChunker } from '../../src/salesforce/soql-in-chunker.js';
import { wireLength } from '../../src/domain/soql-literal.js';
import { soqlLiteral } from '../../src/domain/soql-literal.js';

const prefix = 'https://x.my.salesforce.com/services/data/v62.0/query?q=';
const options = {
  queryUrlPrefix: prefix,
  soqlHead: 'SELECT Id, Email FROM Lead WHERE Email IN (',
  soqlTail: ')'
};

describe('SOQL IN chunking', () => {
  test('literals escape backslashes and quotes', () => {
    assert.equal(soqlLiteral("o'brien\\x@a.example"), "'o\\'brien\\\\x@a.example'");
    assert.equal(soqlLiteral('a\nb'), "'a\\nb'");
  });

  test('every statement fits the URL budget and every key is kept, in order', () => {
    const keys = Array.from({ length: 3000 }, (_, i) => `user.${i}+tag@example.com`);
    const statements = chunkInStatements({ ...options, maxUrlBytes: 4000 }, keys);
    assert.ok(statements.length > 1);
    for (const statement of statements) {
      assert.ok(prefix.length + wireLength(statement) <= 4000);
    }
    const back = statements.flatMap((statement) =>
      statement
        .slice(options.soqlHead.length, -1)
        .split(',')
        .map((literal) => literal.slice(1, -1))
    );
    assert.deepEqual(back, keys);
  });

  test('chunks are cut by encoded length, not by count: longer keys, more statements', () => {
    const short = chunkInStatements(
      { ...options, maxUrlBytes: 4000 },
      Array.from({ length: 500 }, (_, i) => `${i}@a.io`)
    );
    const long = chunkInStatements(
      { ...options, maxUrlBytes: 4000 },
      Array.from({ length: 500 }, (_, i) => `${i}.ünïcödé.name@a.io`)
    );
    assert.ok(long.length > short.length * 2);
  });

  test('each statement is filled: adding the next key would overflow it', () => {
    const keys = Array.from({ length: 1000 }, (_, i) => `k${i}@example.org`);
    const statements = chunkInStatements({ ...options, maxUrlBytes: 3000 }, keys);
    for (const statement of statements.slice(0, -1)) {
      const grown = `${statement.slice(0, -1)},'k999@example.org')`;
      assert.ok(prefix.length + wireLength(grown) > 3000);
    }
  });

  test('quotes count three bytes: the URL parser percent-encodes them in a query', async () => {
    assert.equal(wireLength("'a'"), 7);
    const url = new URL(`${prefix}${encodeURIComponent("SELECT Id FROM Lead WHERE Email IN ('a@b.c')")}`);
    assert.equal(url.href.length, prefix.length + wireLength("SELECT Id FROM Lead WHERE Email IN ('a@b.c')"));
  });

  test('a key too long for any query is refused with its value', () => {
    const chunker = new SoqlInChunker({ ...options, maxUrlBytes: 300 });
    assert.throws(() => chunker.add('x'.repeat(400)), /too long to query/);
  });
});
