import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { findInvalidText, showInvalidText, utf8TextCheck } from '../../src/sources/utf8-text-check.js';

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** Printable ASCII and bytes from the ranges where UTF-8 goes wrong (no NUL or control bytes). */
function randomBytes(next: () => number, length: number): Buffer {
  const tricky = [
    0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff
  ];
  const out = Buffer.alloc(length);
  out[0] = 0x78; // "x": not a BOM or a known signature
  for (let i = 1; i < length; i += 1) {
    const pick = next();
    out[i] =
      pick < 0.3
        ? 0x20 + Math.floor(next() * 0x5f)
        : pick < 0.6
          ? tricky[Math.floor(next() * tricky.length)]
          : pick < 0.7
            ? 0xb7
            : 0x80 + Math.floor(next() * 0x80);
  }
  return out;
}

async function check(input: Buffer, chunkSizes: () => number): Promise<string> {
  const chunks: Buffer[] = [];
  for (let at = 0; at < input.length;) {
    const size = Math.max(1, chunkSizes());
    chunks.push(input.subarray(at, at + size));
    at += size;
  }
  const out = await buffer(Readable.from(chunks).pipe(utf8TextCheck('r.csv')));
  return new TextDecoder('utf-8', { fatal: true }).decode(out); // what passes on is always valid UTF-8
}

describe('utf8TextCheck', () => {
  test('marks exactly what TextDecoder replaces with U+FFFD, whatever the chunking', async () => {
    const next = random(12);
    for (let round = 0; round < 200; round += 1) {
      const input = randomBytes(next, 1 + Math.floor(next() * 400));
      // WHATWG decoding, with the reserved noncharacters refused as well.
      const expected = new TextDecoder().decode(input).replace(/[\uFDD0-\uFDEF]/g, '\uFFFD');
      for (const sizes of [() => 1, () => Math.floor(next() * 7), () => input.length]) {
        assert.equal(showInvalidText(await check(input, sizes)), expected, input.toString('hex'));
      }
    }
  });

  test('valid text passes through byte for byte', async () => {
    const text = 'Email,Name\nzoë@x.example,日本 😀 \uFDFD \uFFFD\n'.repeat(2000);
    const out = await check(Buffer.from(text), () => 4093);
    assert.equal(out, text);
    assert.equal(findInvalidText(out), undefined);
  });

  test('findInvalidText says what and where, with a short context', () => {
    const marked = (content: string) => `\uFDD0${content}\uFDD1`;
    assert.deepEqual(findInvalidText(`Ing${marked('E9')}nieur${marked('FF')}`), {
      what: 'not valid UTF-8 (byte 0xE9)',
      where: 'after "Ing"',
      before: 'Ing',
      count: 2
    });
    assert.deepEqual(
      [findInvalidText(marked('E282'))?.what, findInvalidText(marked('E282'))?.where],
      ['not valid UTF-8 (bytes 0xE2 0x82)', 'at the start of the cell']
    );
    assert.equal(findInvalidText(`${'a'.repeat(30)}\nline two ${marked('C0')}`)?.where, 'after "line two "');
    assert.equal(findInvalidText(`${'b'.repeat(30)}${marked('C0')}`)?.where, `after "…${'b'.repeat(20)}"`);
    assert.equal(findInvalidText(`x\n${marked('C0')}`)?.where, 'at the start of a line');
    assert.equal(
      findInvalidText(marked('U+FDD0'))?.what,
      'not text (noncharacter U+FDD0, reserved for internal use)'
    );
  });
});
