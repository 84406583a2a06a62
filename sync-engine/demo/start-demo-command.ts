/**
 * `start` (`npm start`, `npm run demo -- start`): the whole system on embedded defaults (demo-system.ts), then
 * it keeps serving (`--once`: exits after the run).
 */
import { loadConfig } from '../src/config.js';
import type { CliCommand } from '../src/cli/cli-command.js';
import { parseArgs } from '../src/cli/cli-command.js';
import { exitIfLingering, serveUntilSignal } from '../src/cli/serve-until-signal.js';
import { demoPorts, startDemoSystem } from './demo-system.js';
import { previewPort } from './preview-port.js';

export const startDemoCommand: CliCommand = {
  name: 'start',
  usage: 'start [--once] [--port 4010]',
  summary: 'npm start: emulators + engine on PGlite, Sandbox connected, sample integration run once',
  async run(args) {
    const { flags, values } = parseArgs(args, { values: ['port'], flags: ['once'] });
    const ports = demoPorts(values.get('port'));
    const base = loadConfig();
    const lightningPort = previewPort();
    const out = (line = '') => process.stdout.write(line + '\n');
    const { engine, orgs, insights, firstRun, stop } = await startDemoSystem(base, ports, out);
    if (flags.has('once')) {
      await stop();
      const code = firstRun.status === 'Failed' ? 1 : 0;
      exitIfLingering(code);
      return code;
    }
    const { production, sandbox } = orgs.orgs;
    try {
      out(`Console          ${engine.url}/`);
      out(`Health, metrics  ${engine.url}/healthz  ${engine.url}/metrics`);
      out(
        `Insights API     ${insights.url}  (client id ${insights.clientId}, secret ${insights.clientSecret})`
      );
      for (const org of [production, sandbox]) {
        out(`${org.name.padEnd(16)} ${org.loginUrl}  (user ${org.username}, password ${org.password})`);
      }
      const previewCommand =
        ports.production === 4010 ? 'npm run preview' : `npm run preview -- --port ${ports.production}`;
      out(
        `Lightning app    http://localhost:${lightningPort}/  (run \`${previewCommand}\`: it joins this demo)`
      );
      out('Press Ctrl+C to stop.');
      return await serveUntilSignal(stop);
    } catch (error) {
      await stop().catch(() => undefined);
      throw error;
    }
  }
};
