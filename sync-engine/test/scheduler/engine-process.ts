/**
 * An engine process for crash tests: starts on the config in `ENGINE_TEST_CONFIG` (JSON), sweeps the
 * connected orgs for Queued runs, says so on stdout, and runs until it is killed.
 */
import type { EngineConfig } from '../../src/config.js';
import { startEngine } from '../../src/engine/start-engine.js';

const config = JSON.parse(process.env.ENGINE_TEST_CONFIG ?? '{}') as EngineConfig;
const engine = await startEngine({ ...config, logLevel: 'warn' }, { role: 'all', runNow: false });
console.log(`swept ${await engine.scheduler.sweepQueued()}`);
