/**
 * Refresh tokens (and OAuth verifiers) at rest: AES-256-GCM with a random 96-bit IV per value, stored as
 * `v1:<iv>:<tag>:<ciphertext>` in base64url. The key comes from `ENGINE_ENCRYPTION_KEY` (32 bytes as 64 hex
 * characters or base64); the embedded default generates one into the data folder, readable by its owner only.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const VERSION = 'v1';

export class TokenCipher {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('The encryption key must be 32 bytes (AES-256).');
    this.#key = key;
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), body]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join(':');
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, body] = sealed.split(':');
    if (version !== VERSION || !iv || !tag || body === undefined)
      throw new Error('Unreadable encrypted value.');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
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
