/**
 * `keys rotate`: re-encrypts every stored refresh token under `ENGINE_ENCRYPTION_KEY`, reading them with the key
 * that sealed them, `ENGINE_ENCRYPTION_KEY_PREVIOUS`. All or nothing: one transaction, and no token is
 * written until every one has opened. Stop the engine's processes first, then start them with the new key.
 */
import { loadConfig } from '../config.js';
import { startEngine } from '../engine/start-engine.js';
import { commandLogger } from '../logging/logger.js';
import { AccountStore } from '../store/accounts.js';
import { loadTokenCipher } from '../store/token-cipher.js';
import type { CliCommand } from './cli-command.js';
import { parseArgs } from './cli-command.js';

export const keysCommand: CliCommand = {
  name: 'keys',
  usage: 'keys rotate',
  summary: 're-encrypt the stored tokens: ENGINE_ENCRYPTION_KEY_PREVIOUS (old) → ENGINE_ENCRYPTION_KEY (new)',
  async run(args) {
    const { positionals } = parseArgs(args, {});
    if (positionals.join(' ') !== 'rotate') {
      process.stderr.write(`Usage: npm run engine -- ${keysCommand.usage}\n`);
      return 2;
    }
    const config = loadConfig();
    const previousKey = process.env.ENGINE_ENCRYPTION_KEY_PREVIOUS;
    if (!previousKey || !config.encryptionKey) {
      process.stderr.write(
        'keys rotate needs the old key in ENGINE_ENCRYPTION_KEY_PREVIOUS and the new one in ENGINE_ENCRYPTION_KEY.\n'
      );
      return 2;
    }
    const previous = loadTokenCipher({ envKey: previousKey, dataDir: config.dataDir });
    const engine = await startEngine(config, {
      role: 'none',
      checkKey: false,
      logger: commandLogger()
    });
    try {
      const { store } = engine.ctx;
      const count = await store.db.transaction((tx) => new AccountStore(tx, store.cipher).reseal(previous));
      process.stdout.write(`Re-encrypted ${count} stored token(s) under key id ${store.cipher.keyId}.\n`);
      return 0;
    } finally {
      await engine.stop();
    }
  }
};
