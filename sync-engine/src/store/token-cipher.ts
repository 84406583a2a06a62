/**
 * Refresh tokens (and OAuth verifiers) at rest: AES-256-GCM with a random 96-bit IV per value, stored as
 * `v2:<key id>:<iv>:<tag>:<ciphertext>` (base64url). The associated data binds a value to its place (a
 * token to its org id), so a sealed token copied onto another org's row does not open; the key id names the
 * key that sealed it (an HMAC of the key, not the key), so a wrong key is told apart from damaged data.
 * `v1:<iv>:<tag>:<ciphertext>` values (no key id, no associated data) from earlier versions still open.
 * The key comes from `ENGINE_ENCRYPTION_KEY` (32 bytes as 64 hex characters or base64); the embedded default
 * generates one into the data folder, readable by its owner only.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const VERSION = 'v2';
const LEGACY_VERSION = 'v1';

/** A sealed value that another key sealed. */
export class WrongKeyError extends Error {
  constructor(
    readonly sealedBy: string,
    readonly keyId: string
  ) {
    super(
      `this key (id ${keyId}) did not encrypt the stored tokens: they were sealed by key id ${sealedBy}.`
    );
    this.name = 'WrongKeyError';
  }
}

export class TokenCipher {
  readonly #key: Buffer;
  /** Names the key in sealed values without revealing it. */
  readonly keyId: string;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('The encryption key must be 32 bytes (AES-256).');
    this.#key = key;
    this.keyId = this.derive('key-id').toString('hex').slice(0, 12);
  }

  /** `context` (e.g. the org id) must be given again to decrypt. */
  encrypt(plaintext: string, context = ''): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.keyId, ...[iv, cipher.getAuthTag(), body].map((p) => p.toString('base64url'))].join(
      ':'
    );
  }

  /** The key id a sealed value names (undefined for `v1` values, which name none). */
  static sealedBy(sealed: string): string | undefined {
    const [version, keyId] = sealed.split(':');
    return version === VERSION ? keyId : undefined;
  }

  decrypt(sealed: string, context = ''): string {
    const parts = sealed.split(':');
    const legacy = parts[0] === LEGACY_VERSION && parts.length === 4;
    if (!legacy && (parts[0] !== VERSION || parts.length !== 5))
      throw new Error('Unreadable encrypted value.');
    if (!legacy && parts[1] !== this.keyId) throw new WrongKeyError(parts[1]!, this.keyId);
    const [iv, tag, body] = legacy ? parts.slice(1) : parts.slice(2);
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv!, 'base64url'));
    if (!legacy) decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag!, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body!, 'base64url')), decipher.final()]).toString(
      'utf8'
    );
  }

  /** A key for another purpose (e.g. cookie signing) derived from this one, so there is one secret to keep. */
  derive(purpose: string): Buffer {
    return createHmac('sha256', this.#key).update(purpose).digest();
  }
}

export function parseKey(text: string): Buffer {
  const trimmed = text.trim();
  return /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
}

export interface KeySource {
  envKey?: string;
  dataDir: string;
  /** Told when a key is generated, so an operator knows where it lives. */
  onGenerated?: (path: string) => void;
}

/** The key from the environment, else the one in `<dataDir>/encryption.key`, generated (mode 0600) if absent. */
export function loadTokenCipher({ envKey, dataDir, onGenerated }: KeySource): TokenCipher {
  if (envKey) return new TokenCipher(parseKey(envKey));
  const path = join(dataDir, 'encryption.key');
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    // `wx` fails if another process created it meanwhile; that process's key is then the one read below.
    try {
      writeFileSync(path, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
      onGenerated?.(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return new TokenCipher(parseKey(readFileSync(path, 'utf8')));
}
