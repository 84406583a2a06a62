/**
 * Run Now latency: the demo's system as `npm start` starts it (the emulators and the engine on PGlite, the
 * Sandbox connected through OAuth, the sample integration run once), then Run Now pressed as the Lightning
 * app's Apex does it — insert a Queued `WalkMe_Sync_Run__c`, publish `WalkMe_Run_Request__e` over REST — each
 * press after the previous run has finished. Measured from the publish to the org's run record saying Running:
 * that record is what the admin watches. It is read from the emulator's data in this process, so measuring
 * spends no API call and adds no request for the org to answer. The emulator answers the engine's held CometD
 * connect as soon as the event is published, as Salesforce's long polling is documented to (Streaming API
 * Developer Guide, "Bayeux Protocol, CometD, and Long Polling"); how long Salesforce's event bus itself takes to
 * deliver is not documented [unverified].
 *
 * `node_modules/.bin/tsx sync-engine/bench/run-now-latency.ts [presses]` prints the figures.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@jsforce/jsforce-node';
import { loadConfig } from '../src/config.js';
import { API_VERSION } from '../src/salesforce/org-connections.js';
import type { OrgHandle } from '../emulators/org/start.js';
import { startDemoSystem } from '../demo/demo-system.js';
import { freePort } from '../test/store/databases.js';

export interface RunNowLatency {
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  presses: number;
}

const FINISHED = ['Completed', 'Completed with errors', 'Failed'];

/** Waits until the org's run record satisfies `done`; answers its status. Polls in-process every 2 ms. */
async function recordStatus(
  org: OrgHandle,
  id: string,
  done: (status: string) => boolean,
  timeoutMs: number
): Promise<string> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const status = String(org.data.find('WalkMe_Sync_Run__c', id)?.Status__c);
    if (done(status)) return status;
    if (performance.now() > deadline)
      throw new Error(`Run record ${id} still ${status} after ${timeoutMs / 1000} s.`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** The nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function runNowLatency(presses = 20): Promise<RunNowLatency> {
  if (!Number.isInteger(presses) || presses < 1)
    throw new Error(`Run Now presses: ${presses} is not a whole number of at least 1.`);
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-run-now-'));
  // A config of its own (not the caller's environment): PGlite in a fresh folder, free ports. The engine's
  // port is fixed before it starts because the OAuth callback URL names it.
  const base = loadConfig({ ENGINE_DATA_DIR: dataDir, PORT: String(await freePort()), LOG_LEVEL: 'warn' });
  const system = await startDemoSystem(base, { production: 0, sandbox: 0, insights: 0 }, () => undefined);
  try {
    const org = system.orgs.orgs.sandbox;
    const admin = new Connection({
      oauth2: { loginUrl: org.loginUrl, clientId: org.clientId, clientSecret: org.clientSecret },
      version: API_VERSION
    });
    await admin.login(org.username, org.password);
    const integrationId = system.integration.id!;
    const latencies: number[] = [];
    for (let press = 1; press <= presses; press += 1) {
      const { id } = (await admin.sobject('WalkMe_Sync_Run__c').create({
        Integration__c: integrationId,
        Status__c: 'Queued',
        Trigger__c: 'Manual',
        Dry_Run__c: false
      })) as { id: string };
      const published = performance.now();
      await admin
        .sobject('WalkMe_Run_Request__e')
        .create({ Integration_Id__c: integrationId, Run_Id__c: id, Dry_Run__c: false });
      await recordStatus(org, id, (status) => status !== 'Queued', 30_000);
      latencies.push(performance.now() - published);
      const ended = await recordStatus(org, id, (status) => FINISHED.includes(status), 120_000);
      if (ended === 'Failed')
        throw new Error(
          `Run Now press ${press}: the run failed: ${String(org.data.find('WalkMe_Sync_Run__c', id)?.Error_Summary__c)}`
        );
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const round = (ms: number) => Math.round(ms);
    return {
      p50Ms: round(percentile(sorted, 50)),
      p95Ms: round(percentile(sorted, 95)),
      maxMs: round(sorted.at(-1)!),
      presses
    };
  } finally {
    await system.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const figures = await runNowLatency(process.argv[2] ? Number(process.argv[2]) : undefined);
  process.stdout.write(
    `Run Now, publish to Running over ${figures.presses} presses: p50 ${figures.p50Ms} ms, p95 ${figures.p95Ms} ms, max ${figures.maxMs} ms\n${JSON.stringify(figures)}\n`
  );
}
