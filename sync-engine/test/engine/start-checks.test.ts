/**
 * Start-up accepts only what it can use (issue 11, item 10): every variable is checked before anything
 * listens or connects, a port in use ends the start, and a report source that answers nothing is named.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { loadConfig } from '../../src/config.js';
import { checkReportSource, startEngine } from '../../src/engine/start-engine.js';
import { createLogger } from '../../src/logging/logger.js';

describe('start-up checks', () => {
  test('a variable the engine cannot use is refused, naming it', () => {
    const cases: Array<[NodeJS.ProcessEnv, RegExp]> = [
      [{ PORT: 'notaport' }, /PORT=notaport is not valid: a port number, 0 to 65535\.$/],
      [{ PORT: '70000' }, /PORT=70000 is not valid/],
      [
        { DATABASE_URL: 'not-a-url' },
        /DATABASE_URL=not-a-url is not valid: a URL \(postgres:\/\/… or postgresql:\/\/…\)/
      ],
      [
        { DATABASE_URL: 'mysql://db/engine' },
        /DATABASE_URL=mysql:\/\/db\/engine is not valid: a URL starting postgres:\/\//
      ],
      [{ ENGINE_PUBLIC_URL: 'engine.example.com' }, /ENGINE_PUBLIC_URL=engine\.example\.com is not valid/],
      [{ SF_LOGIN_URL: 'login.salesforce.com' }, /SF_LOGIN_URL=login\.salesforce\.com is not valid/],
      [{ ENGINE_TICK_SECONDS: 'soon' }, /ENGINE_TICK_SECONDS=soon is not valid: a number of seconds above 0/],
      [{ ENGINE_RUN_HEARTBEAT_SECONDS: '0' }, /ENGINE_RUN_HEARTBEAT_SECONDS=0 is not valid/],
      [
        { LOG_LEVEL: 'loud' },
        /LOG_LEVEL=loud is not valid: one of fatal, error, warn, info, debug, trace, silent/
      ],
      [{ WALKME_REGION: 'mars' }, /WALKME_REGION=mars is not valid: one of us, eu/]
    ];
    for (const [env, message] of cases) assert.throws(() => loadConfig(env), message, JSON.stringify(env));
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://engine@db:5432/engine',
      LOG_LEVEL: 'warn'
    });
    assert.equal(config.port, 8080);
    assert.equal(config.publicUrl, 'http://localhost:8080');
    assert.equal(config.logLevel, 'warn');
  });

  test('a port in use ends the start with that message, and leaves nothing running', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const config = { ...loadConfig({ PORT: String(port) }), dataDir: 'memory' };
      await assert.rejects(
        startEngine(config, { role: 'all', logger: createLogger({ level: 'silent' }), runNow: false }),
        new RegExp(
          `^Error: PORT=${port}: 127\\.0\\.0\\.1:${port} is in use by another process; stop that process or set PORT to a free port\\.$`
        )
      );
    } finally {
      taken.close();
    }
  });

  test('a report source that answers nothing is named at start', async () => {
    await assert.rejects(
      checkReportSource(loadConfig({ REPORTS_CSV_DIR: '/nonexistent/reports' })),
      /The report source cannot list reports \(.*\): check REPORTS_CSV_DIR=\/nonexistent\/reports\./
    );
    await assert.rejects(
      checkReportSource(loadConfig({})),
      /No report source: set WALKME_CLIENT_ID, WALKME_CLIENT_SECRET/
    );
  });
});
