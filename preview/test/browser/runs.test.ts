/**
 * Run Now and the run log in Chromium: Run Now from a row's menu reaches the running engine through the org
 * emulator's platform event and the grid follows the run to its end; Log opens the overlay with each run's
 * report, object, start (UTC), runtime and status; "Show log" shows on hover and opens the full log; the X
 * closes the overlay. axe-core checks both views of the overlay.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import {
  opacityOf,
  screenshot,
  seriousViolations,
  startPreviewHarness,
  type PreviewHarness
} from './preview-harness.js';

const SAMPLE = 'Logins Review → Lead by Email';

let harness: PreviewHarness;
let page: Page;

before(async () => {
  harness = await startPreviewHarness();
  page = await harness.openPage();
  await sampleRow().waitFor();
});

after(async () => {
  await harness?.stop();
});

const sampleRow = () => page.locator('c-integration-datatable tr', { hasText: SAMPLE });

async function rowMenu(action: string) {
  await sampleRow().getByRole('button', { name: 'Show actions' }).click();
  await page.getByRole('menuitem', { name: action }).click();
}

test('Run Now from the row menu: the grid shows the run Queued, then its end', async () => {
  const runsBefore = harness.demo.orgs.orgs.sandbox.data.query('SELECT Id FROM WalkMe_Sync_Run__c').length;
  await rowMenu('Run Now');
  await page.getByText('Run queued').waitFor();
  await sampleRow().locator('lightning-badge', { hasText: 'Queued' }).waitFor();
  // The engine takes the request from its CometD subscription (its sweep for Queued runs comes only every
  // 3 minutes, past this wait); the list polls every 5 s while a run is live.
  // The sample reports hold a few deliberately invalid rows, so the run ends "Completed with errors".
  await sampleRow()
    .locator('lightning-badge', { hasText: /^Completed/ })
    .waitFor({ timeout: 20_000 });
  const runs = harness.demo.orgs.orgs.sandbox.data.query('SELECT Id FROM WalkMe_Sync_Run__c');
  assert.equal(runs.length, runsBefore + 1, 'one more run record');
});

test('Log opens the overlay with report, object, start (UTC), runtime and status of each run', async () => {
  await rowMenu('Log');
  const table = page.getByRole('table', { name: 'Runs, newest first' });
  await table.waitFor();
  assert.deepEqual((await table.locator('thead th').allInnerTexts()).map((text) => text.trim()).slice(0, 6), [
    'Run',
    'Report',
    'Object',
    'Start (UTC)',
    'Runtime',
    'Status'
  ]);
  const cells = (await table.locator('tbody tr.run').first().locator('th, td').allInnerTexts()).map((t) =>
    t.trim()
  );
  assert.equal(cells[1], 'Logins Review');
  assert.equal(cells[2], 'Lead');
  assert.match(cells[3]!, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
  assert.match(cells[4]!, /^[\d.]+ s$/);
  assert.match(cells[5]!, /^Completed/);
  await screenshot(page, 'run-log');
  assert.deepEqual(await seriousViolations(page), []);
});

test('hovering a run shows "Show log", which opens the full log; the X closes the overlay', async () => {
  const firstRun = page.locator('tr.run').first();
  await page.mouse.move(0, 0);
  assert.equal(await opacityOf(page, 'tr.run .show-log'), 0, '"Show log" is hidden until hovered');
  const lastCell = 'tr.run td:last-child';
  assert.equal(await opacityOf(page, lastCell), 1, 'its cell, and the row border along it, stay drawn');
  await firstRun.hover();
  assert.equal(await opacityOf(page, 'tr.run .show-log'), 1, 'hovering the run shows it');
  await firstRun.getByRole('button', { name: 'Show log' }).click();
  const log = page.getByRole('region', { name: 'Run log text' });
  await log.waitFor();
  assert.match(await log.innerText(), /Logins Review/);
  const recordLink = await page.getByRole('link', { name: /^Open run record RUN-/ }).getAttribute('href');
  assert.match(recordLink ?? '', /^\/lightning\/r\/WalkMe_Sync_Run__c\/\w{18}\/view$/);
  await screenshot(page, 'run-log-full');
  assert.deepEqual(await seriousViolations(page), []);

  await page.getByRole('button', { name: 'Cancel and close' }).click();
  await log.waitFor({ state: 'detached' });
  assert.equal(await page.getByRole('table', { name: 'Runs, newest first' }).count(), 0);
  assert.deepEqual(harness.pageErrors, []);
});
