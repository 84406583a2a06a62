/**
 * `npm run emulator`: the Production org on 4010, the Sandbox org on 4011 and the Insights emulator on
 * 4020 (`--port N` moves them to N, N+1 and N+10), running until SIGINT/SIGTERM. Faults can be set here
 * at start and changed later through each org's `/_emulator/…` control endpoint (docs/org-emulator.md).
 */
import { parseArgs } from 'node:util';
import { startInsightsEmulator } from './insights/start.js';
import { DEFAULT_CALLBACK, DEMO_POPULATION, startOrgEmulator, type SeedInput } from './org/start.js';

const USAGE = `Usage: npm run emulator -- [options]
  --port N                 Production org on N, Sandbox on N+1, Insights on N+10 (default 4010)
  --host H                 interface to listen on (default 127.0.0.1)
  --auto-approve           approve OAuth authorize requests without the sign-in page
  --users N                demo population seeded in each org (default ${DEMO_POPULATION}); 0 for none
  --seed PATH              also load a .json file, an <Object>.csv file or a folder of them
  --persist FILE           load data from FILE at start (if present), save it there at stop
  --token-ttl SECONDS      access token lifetime (default 7200)
  --rotate-refresh-tokens  issue a new refresh token on every refresh
  --daily-api-limit N      daily API request quota per org (default 100000)
  --latency MS             add latency to every API request
  --fail-503 SHARE         answer this share (0-1) of API requests with 503
  --fail-503-methods LIST  only these methods, e.g. PATCH,POST
  --lock-share SHARE       fail this share (0-1) of written records with UNABLE_TO_LOCK_ROW
  --no-insights            do not start the Insights emulator
  --help`;

function number(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`--${name} expects a number, got ${value}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'auto-approve': { type: 'boolean' },
      users: { type: 'string' },
      seed: { type: 'string' },
      persist: { type: 'string' },
      'token-ttl': { type: 'string' },
      'rotate-refresh-tokens': { type: 'boolean' },
      'daily-api-limit': { type: 'string' },
      latency: { type: 'string' },
      'fail-503': { type: 'string' },
      'fail-503-methods': { type: 'string' },
      'lock-share': { type: 'string' },
      'no-insights': { type: 'boolean' },
      help: { type: 'boolean' }
    }
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = number(values.port, 'port') ?? 4010;
  const users = number(values.users, 'users') ?? DEMO_POPULATION;
  const seed: SeedInput = {
    ...(users > 0 ? { population: users } : {}),
    ...(values.seed ? { path: values.seed } : {})
  };
  const emulator = await startOrgEmulator({
    host: values.host,
    ports: { production: port, sandbox: port + 1 },
    seed,
    autoApprove: values['auto-approve'] ?? false,
    accessTokenTtlSeconds: number(values['token-ttl'], 'token-ttl'),
    rotateRefreshTokens: values['rotate-refresh-tokens'] ?? false,
    dailyApiLimit: number(values['daily-api-limit'], 'daily-api-limit'),
    persistFile: values.persist
  });
  for (const org of Object.values(emulator.orgs)) {
    org.faults.latencyMs = number(values.latency, 'latency') ?? 0;
    org.faults.serviceUnavailableShare = number(values['fail-503'], 'fail-503') ?? 0;
    org.faults.serviceUnavailableMethods =
      values['fail-503-methods']?.split(',').map((m) => m.trim().toUpperCase()) ?? [];
    org.faults.lockErrorShare = number(values['lock-share'], 'lock-share') ?? 0;
  }
  const insights = values['no-insights']
    ? null
    : await startInsightsEmulator({ port: port + 10, host: values.host });

  const { production, sandbox } = emulator.orgs;
  console.log('Org emulator');
  for (const org of [production, sandbox]) {
    console.log(
      `  ${org.name === 'production' ? 'Production' : 'Sandbox   '}  ${org.loginUrl}  org ${org.orgId}  user ${org.username} / ${org.password}`
    );
    console.log(`              control ${org.instanceUrl}/_emulator/state`);
  }
  console.log(`  Connected app  client id ${production.clientId}  secret ${production.clientSecret}`);
  console.log(`                 callback ${DEFAULT_CALLBACK} (and any localhost callback)`);
  if (values['auto-approve']) console.log('  Authorize requests are approved automatically.');
  if (insights)
    console.log(
      `Insights emulator  ${insights.url}  client id ${insights.clientId}  secret ${insights.clientSecret}`
    );
  console.log('Press Ctrl+C to stop.');

  const stop = async () => {
    await Promise.all([emulator.stop(), insights?.stop()]);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
