/**
 * Tokens sealed to their org and their key (issue 10): a token moved to another org's row does not open, a
 * wrong ENGINE_ENCRYPTION_KEY is named at start, and `keys rotate` re-seals every token under a new key.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { startEngine } from '../../src/engine/start-engine.js';
import { createLogger } from '../../src/logging/logger.js';
import { nextDue } from '../../src/scheduler/schedule-plan.js';
import type { NewAccount } from '../../src/store/accounts.js';
import { createStore } from '../../src/store/index.js';
import { openDb } from '../../src/store/open-db.js';
import { TokenCipher, WrongKeyError } from '../../src/store/token-cipher.js';
import { runCli } from '../cli/cli-process.js';

const KEY_1 = 'a1'.repeat(32);
const KEY_2 = Buffer.alloc(32, 2).toString('base64');
const TOKEN = '5Aep861TSESvWeug_xvFHRBTTbf_YrTWgEyjBJrFa6xQm8M2i0JhZ.OLD';

const account = (orgId: string): NewAccount => ({
  orgId,
  orgName: 'Acme',
  environment: 'production',
  isSandbox: false,
  loginUrl: 'https://login.salesforce.com',
  instanceUrl: 'https://acme.my.salesforce.com',
  userId: '005000000000001AAA',
  username: 'admin@acme.example',
  scopes: 'api refresh_token',
  connectedAt: new Date()
});

/** A value as versions before key ids sealed it: `v1:<iv>:<tag>:<ciphertext>`, no associated data. */
function sealV1(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), body]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join(':');
}

describe('token sealing', () => {
  const cipher = new TokenCipher(Buffer.from(KEY_1, 'hex'));

  test('a token opens only with the org id it was sealed for', () => {
    const sealed = cipher.encrypt(TOKEN, '00D000000000001EAA');
    assert.equal(cipher.decrypt(sealed, '00D000000000001EAA'), TOKEN);
    assert.throws(
      () => cipher.decrypt(sealed, '00D000000000002EAA'),
      /unable to authenticate|Unsupported state/
    );
  });

  test('a value sealed by another key is named as such, with both key ids', () => {
    const other = new TokenCipher(Buffer.from(KEY_2, 'base64'));
    const sealed = other.encrypt(TOKEN, 'x');
    assert.throws(
      () => cipher.decrypt(sealed, 'x'),
      (error: unknown) =>
        error instanceof WrongKeyError && error.sealedBy === other.keyId && error.keyId === cipher.keyId
    );
    assert.notEqual(cipher.keyId, other.keyId);
    assert.ok(!sealed.includes(KEY_2), 'the key id does not reveal the key');
  });

  test('values sealed before key ids (v1) still open', () => {
    assert.equal(cipher.decrypt(sealV1(Buffer.from(KEY_1, 'hex'), TOKEN), 'ignored'), TOKEN);
  });
});

describe('ENGINE_ENCRYPTION_KEY at start, and keys rotate', () => {
  test('a wrong key is refused at start; rotation re-seals every token; the old key is then refused', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'key-rotation-'));
    const logger = createLogger({ level: 'silent' });
    const config = (key: string) => ({ ...loadConfig({ ENGINE_ENCRYPTION_KEY: key }), dataDir });
    try {
      const db = await openDb({ dataDir });
      const store = createStore(db, new TokenCipher(Buffer.from(KEY_1, 'hex')), nextDue);
      await store.accounts.save(account('00D000000000001EAA'), TOKEN);
      await store.accounts.save(account('00D000000000002EAA'), `${TOKEN}-2`);
      await db.close();

      await assert.rejects(
        startEngine(config(KEY_2), { role: 'none', logger }),
        /ENGINE_ENCRYPTION_KEY: this key \(id \w+\) did not encrypt the stored tokens.*keys rotate/
      );

      const refused = await runCli(['keys', 'rotate'], {
        ENGINE_DATA_DIR: dataDir,
        ENGINE_ENCRYPTION_KEY: KEY_2
      });
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /ENGINE_ENCRYPTION_KEY_PREVIOUS/);

      const rotated = await runCli(['keys', 'rotate'], {
        ENGINE_DATA_DIR: dataDir,
        ENGINE_ENCRYPTION_KEY: KEY_2,
        ENGINE_ENCRYPTION_KEY_PREVIOUS: KEY_1,
        LOG_LEVEL: 'warn'
      });
      assert.equal(rotated.code, 0, rotated.stderr);
      assert.match(rotated.stdout, /Re-encrypted 2 stored token\(s\)/);

      const engine = await startEngine(config(KEY_2), { role: 'none', logger });
      try {
        assert.equal(await engine.ctx.store.accounts.refreshToken('00D000000000001EAA'), TOKEN);
        assert.equal(await engine.ctx.store.accounts.refreshToken('00D000000000002EAA'), `${TOKEN}-2`);
      } finally {
        await engine.stop();
      }
      await assert.rejects(
        startEngine(config(KEY_1), { role: 'none', logger }),
        /did not encrypt the stored tokens/
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
