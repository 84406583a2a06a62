/**
 * Salesforce record ids: a 3-character key prefix, 12 case-sensitive characters, and a 3-character
 * case-insensitive suffix that encodes the case of the first 15 (so the 18-character form survives
 * case-insensitive systems). See "What are Salesforce IDs composed of?" (help.salesforce.com 000385008).
 * The suffix is the engine's own (`domain/salesforce-id.ts`): one algorithm, tested against published ids.
 */
import { suffixOf } from '../../src/domain/salesforce-id.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ID_SHAPE = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** The 18-character form of a 15- or 18-character id, or null when it is not a well-formed id. */
export function canonicalId(id: unknown): string | null {
  if (typeof id !== 'string' || !ID_SHAPE.test(id)) return null;
  const id15 = id.slice(0, 15);
  const suffix = suffixOf(id15);
  if (id.length === 18 && id.slice(15).toUpperCase() !== suffix) return null;
  return id15 + suffix;
}

/** Encodes `n` in base 62 over `width` characters (left-padded with zeros). */
export function base62(n: number, width: number): string {
  let out = '';
  let rest = Math.floor(n);
  while (rest > 0) {
    out = BASE62[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, '0');
}

/**
 * Ids for one org: key prefix + a 2-character pod marker + a 10-character counter, so ids are unique,
 * increase with creation order, and never collide across the orgs of one emulator. `counter` is kept
 * with persisted data so that ids stay unique across restarts.
 */
export class IdFactory {
  counter = 0;

  constructor(private readonly pod: string) {}

  next(keyPrefix: string): string {
    this.counter += 1;
    const id15 = `${keyPrefix}${this.pod}${base62(this.counter, 10)}`;
    return id15 + suffixOf(id15);
  }
}

/** An org id (`00D…`, 18 characters) for the org numbered `n`. */
export function orgIdFor(n: number): string {
  const id15 = `00D${base62(n, 2)}${base62(n * 7919, 10)}`;
  return id15 + suffixOf(id15);
}
