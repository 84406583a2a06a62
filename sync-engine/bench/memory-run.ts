/**
 * The 1,000,000-row memory run, in its own process so that its peak RSS is the engine's alone (the org
 * emulator stays in the parent). Reads its org and report folder from `BENCH_MEMORY_RUN` (JSON), prints one
 * JSON line.
 */
import { Connection } from '@jsforce/jsforce-node';
import { csvFolderSource } from '../src/sources/csv-source.js';
import { salesforceTargetOrg } from '../src/salesforce/salesforce-target-org.js';
import { runSync } from '../src/sync/run-sync.js';
import type { IntegrationDefinition } from '../src/domain/integration.js';

interface MemoryRunInput {
  loginUrl: string;
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
  reportDir: string;
  integration: IntegrationDefinition;
}

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
  options: { bulkPolling: { pollInterval: 100, pollTimeout: 600_000 } }
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
