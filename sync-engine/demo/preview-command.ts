/**
 * `preview` (`npm run preview`): the package's Lightning app in a browser, at http://localhost:3100/
 * (PREVIEW_PORT). It joins a running `npm start` (its Sandbox emulator and engine answer) or starts the demo's
 * system itself (demo-system.ts), then serves the page against the emulated Sandbox (preview/).
 */
import { loadConfig } from '../src/config.js';
import type { CliCommand } from '../src/cli/cli-command.js';
import { parseArgs } from '../src/cli/cli-command.js';
import { serveUntilSignal } from '../src/cli/serve-until-signal.js';
import {
  ADMIN_USERNAMES,
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_PASSWORD
} from '../emulators/org/start.js';
import { startPreviewServer, type PreviewOrg } from '../../preview/preview-server.js';
import { demoPorts, startDemoSystem } from './demo-system.js';
import { previewPort } from './preview-port.js';

/** Whether something answers HTTP at url within a second (any status). */
async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1_000) });
    return true;
  } catch {
    return false;
  }
}

export const previewCommand: CliCommand = {
  name: 'preview',
  usage: 'preview [--port 4010]',
  summary: "npm run preview: the package's Lightning app against the demo's Sandbox (joins npm start)",
  async run(args) {
    const { values } = parseArgs(args, { values: ['port'] });
    const ports = demoPorts(values.get('port'));
    const listenPort = previewPort();
    const base = loadConfig();
    const out = (line = '') => process.stdout.write(line + '\n');
    const sandboxUrl = `http://127.0.0.1:${ports.sandbox}`;
    const engineUrl = `http://127.0.0.1:${base.port}`;
    const [sandboxUp, engineUp] = await Promise.all([
      answers(`${sandboxUrl}/services/data`),
      answers(`${engineUrl}/healthz`)
    ]);
    if (sandboxUp !== engineUp) {
      throw new Error(
        sandboxUp
          ? `The Sandbox emulator answers on ${sandboxUrl} but no engine on ${engineUrl}: start the whole demo with \`npm start\` (or stop what holds port ${ports.sandbox}), then run the preview again.`
          : `An engine answers on ${engineUrl} but no Sandbox emulator on ${sandboxUrl}: stop it, or start the demo with \`npm start\`, then run the preview again.`
      );
    }
    let org: PreviewOrg;
    let stopDemo = async () => {};
    if (sandboxUp) {
      out(`Joining the running demo: Sandbox ${sandboxUrl}, engine ${engineUrl}`);
      org = {
        loginUrl: sandboxUrl,
        clientId: DEFAULT_CLIENT_ID,
        clientSecret: DEFAULT_CLIENT_SECRET,
        username: ADMIN_USERNAMES.sandbox,
        password: DEFAULT_PASSWORD
      };
    } else {
      const demo = await startDemoSystem(base, ports, out);
      org = demo.orgs.orgs.sandbox;
      stopDemo = demo.stop;
    }
    try {
      out('Building the Lightning app (once per change of the components)…');
      const preview = await startPreviewServer({ org, port: listenPort });
      out(`Lightning app    ${preview.url}  (the package's components with the base components and SLDS)`);
      out('Press Ctrl+C to stop.');
      return await serveUntilSignal(async () => {
        await preview.stop();
        await stopDemo();
      });
    } catch (error) {
      await stopDemo().catch(() => undefined);
      throw error;
    }
  }
};
