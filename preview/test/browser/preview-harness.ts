// page.evaluate callbacks run in the page: they are typed against the DOM.
/// <reference lib="dom" />
/**
 * What each browser test file starts for itself: the demo's system (emulators and engine on free ports, a
 * temporary data folder, so a running `npm start` is never touched), the preview server on a free port, and
 * Debian's Chromium through playwright-core, with axe-core for accessibility checks in the real DOM.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { AxeResults } from 'axe-core';
import { loadConfig } from '../../../sync-engine/src/config.js';
import { startDemoSystem, type DemoSystem } from '../../../sync-engine/demo/demo-system.js';
import { startPreviewServer, type PreviewServer } from '../../preview-server.js';
import { freePort } from '../../../sync-engine/test/store/databases.js';

export const CHROMIUM = '/usr/bin/chromium';
const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
/**
 * Every run photographs each screen; `npm run screenshots` (SCREENSHOTS_DIR=docs/screenshots) refreshes README's
 * copies, and any other run keeps its pictures in the gitignored .data folder, so `npm test` leaves the tree clean.
 */
const SCREENSHOTS_DIR = process.env.SCREENSHOTS_DIR
  ? resolve(process.env.SCREENSHOTS_DIR)
  : fileURLToPath(new URL('../../../.data/screenshots/', import.meta.url));
const VIEWPORT = { width: 1280, height: 800 };

export interface PreviewHarness {
  demo: DemoSystem;
  preview: PreviewServer;
  browser: Browser;
  /** A fresh page on the preview, its uncaught errors collected in pageErrors. */
  openPage(): Promise<Page>;
  pageErrors: string[];
  stop(): Promise<void>;
}

export async function startPreviewHarness(): Promise<PreviewHarness> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser tests drive Debian's Chromium at ${CHROMIUM}, which is not installed: apt-get install -y chromium (.ci/run does).`
    );
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'walkme-preview-'));
  // The engine's own address is its OAuth callback's, so it gets a known free port rather than 0.
  const enginePort = await freePort();
  const base = {
    ...loadConfig({}),
    port: enginePort,
    publicUrl: `http://localhost:${enginePort}`,
    dataDir,
    logLevel: 'warn'
  };
  const demo = await startDemoSystem(base, { production: 0, sandbox: 0, insights: 0 }, () => {});
  let preview: PreviewServer | undefined;
  let browser: Browser | undefined;
  const pageErrors: string[] = [];
  const stop = async () => {
    await browser?.close();
    await preview?.stop();
    await demo.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    preview = await startPreviewServer({ org: demo.orgs.orgs.sandbox, port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    demo,
    preview,
    browser,
    pageErrors,
    async openPage() {
      const page = await browser!.newPage({ viewport: VIEWPORT });
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(preview!.url);
      return page;
    },
    stop
  };
}

/**
 * axe-core's serious and critical violations on the page as it is now, as "rule: target" lines. `excluded`
 * rules are left out, each with the reason at the call.
 */
export async function seriousViolations(page: Page, excluded: string[] = []): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_SCRIPT });
  const results = await page.evaluate(
    (rules) =>
      (
        window as unknown as { axe: { run(context: unknown, options: unknown): Promise<AxeResults> } }
      ).axe.run(document, { rules: Object.fromEntries(rules.map((rule) => [rule, { enabled: false }])) }),
    excluded
  );
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) => violation.nodes.map((node) => `${violation.id}: ${node.target.join(' ')}`));
}

/** Saves what the page shows as <SCREENSHOTS_DIR>/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS_DIR, `${name}.png`) });
}

/** The computed opacity of the first element matching selector inside locator's element. */
export async function opacityOf(page: Page, selector: string): Promise<number> {
  return Number(
    await page
      .locator(selector)
      .first()
      .evaluate((element) => getComputedStyle(element).opacity)
  );
}
