/**
 * The 1,000,000-row memory run, in its own process so that its peak RSS is the engine's alone (the org
 * emulator stays in the parent). It runs the engine as it is deployed: the compiled JavaScript in `dist/`
 * (`npm run build`), with Node's own type stripping for this script, no `tsx`. Reads its org and report folder
 * from `BENCH_MEMORY_RUN` (JSON), prints one JSON line.
 */
import { Connection } from '@jsforce/jsforce-node';
import type { IntegrationDefinition } from '../src/domain/integration.ts';

interface MemoryRunInput {
  loginUrl: string;
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
  reportDir: string;
  integration: IntegrationDefinition;
}

const compiled = (module: string) => new URL(`../../dist/${module}`, import.meta.url).href;
const { csvFolderSource } = (await import(
  compiled('sources/csv-source.js')
)) as typeof import('../src/sources/csv-source.ts');
const { salesforceTargetOrg } = (await import(
  compiled('salesforce/salesforce-target-org.js')
)) as typeof import('../src/salesforce/salesforce-target-org.ts');
const { runSync } = (await import(compiled('sync/run-sync.js'))) as typeof import('../src/sync/run-sync.ts');

const input = JSON.parse(process.env.BENCH_MEMORY_RUN ?? '{}') as MemoryRunInput;
const conn = new Connection({
  oauth2: { loginUrl: input.loginUrl, clientId: input.clientId, clientSecret: input.clientSecret }
});
await conn.login(input.username, input.password);
const started = Date.now();
const result = await runSync({
  org: salesforceTargetOrg(conn),
  integration: input.integration,
  source: csvFolderSource(input.reportDir),
  options: { bulkPolling: { pollInterval: 1_000, pollTimeout: 600_000 } }
});
process.stdout.write(
  `${JSON.stringify({
    status: result.status,
    error: result.error,
    counts: result.counts,
    strategy: result.strategy,
    apiCalls: result.apiCalls,
    seconds: (Date.now() - started) / 1000,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024)
  })}\n`
);
