/** `start`: the engine service — HTTP server (console, OAuth, health, metrics), scheduler and run worker. */
import { loadConfig } from '../config.js';
import { checkReportSource, startEngine } from '../engine/start-engine.js';
import { parseArgs, type CliCommand } from './cli-command.js';
import { serveUntilSignal } from './serve-until-signal.js';

export const startCommand: CliCommand = {
  name: 'start',
  usage: 'start',
  summary: 'run the engine: server on PORT (3000), scheduler and worker (PGlite, or DATABASE_URL)',
  async run(args) {
    parseArgs(args, {});
    const config = loadConfig();
    await checkReportSource(config);
    const engine = await startEngine(config, { role: 'all' });
    return await serveUntilSignal(() => engine.stop());
  }
};

export const workerCommand: CliCommand = {
  name: 'worker',
  usage: 'worker',
  summary: 'run a worker only (scale-out: several workers share one DATABASE_URL)',
  async run(args) {
    parseArgs(args, {});
    const config = loadConfig();
    if (!config.databaseUrl) {
      process.stderr.write(
        'A worker shares the engine database: set DATABASE_URL (PGlite serves one process).\n'
      );
      return 2;
    }
    await checkReportSource(config);
    const engine = await startEngine(config, { role: 'worker' });
    return await serveUntilSignal(() => engine.stop());
  }
};
