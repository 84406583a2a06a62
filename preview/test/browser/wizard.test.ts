// page.evaluate callbacks run in the page: they are typed against the DOM.
/// <reference lib="dom" />
/**
 * The integration wizard in Chromium, on the real base components and SLDS against the emulated Sandbox:
 * the three screens, Continue and Back, the mapping rows (Add column, the X on hover, Save only with a
 * complete row), Edit opening on the mapping screen, a keyboard-only pass, and axe-core on every screen.
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
import { waitFor } from '../../../sync-engine/test/wait-for.js';

let harness: PreviewHarness;
let page: Page;

before(async () => {
  harness = await startPreviewHarness();
  page = await harness.openPage();
  await gridRow('Logins Review → Lead by Email').waitFor();
});

after(async () => {
  await harness?.stop();
});

const CREATED = 'NPS → Contact by Email';
const gridRow = (name: string) => page.locator('c-integration-datatable tr', { hasText: name });
const step = (label: string) => page.getByRole('button', { name: label, exact: true });

async function choose(label: string | RegExp, option: string | RegExp) {
  await page.getByRole('combobox', { name: label }).click();
  await page.getByRole('option', { name: option }).click();
}

async function mappingRows() {
  return page.locator('c-field-mapping-editor li.mapping-row').count();
}

test('the grid shows the emulated org’s integrations and the engine connection, with no serious accessibility violation', async () => {
  assert.match(
    await page.locator('c-integration-list').innerText(),
    /Connected[\s\S]*Logins Review → Lead by Email/
  );
  await screenshot(page, 'grid');
  assert.deepEqual(await seriousViolations(page), []);
});

test('a new integration is created through the three screens, with Continue and Back', async () => {
  await page.getByRole('button', { name: 'New Integration' }).click();
  // Screen 1: the only connected environment and the only WalkMe environment are chosen for the admin.
  await page.locator('section.environment-step').waitFor();
  assert.match(await page.locator('section.account-details').innerText(), /Org name[\s\S]*Sandbox/);
  await page.getByRole('combobox', { name: /WalkMe environment/ }).waitFor();
  assert.equal(await step('Environment').getAttribute('aria-current'), 'step');
  await screenshot(page, 'wizard-1-environment');
  assert.deepEqual(await seriousViolations(page), []);
  await page.getByRole('button', { name: 'Continue' }).click();

  // Screen 2: report, a searched object, the key pair.
  await page.locator('section.report-step').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Continue' }).isDisabled(), true);
  await choose('Insights report', 'NPS');
  await page.getByRole('searchbox', { name: 'Search objects' }).fill('cont');
  await choose('Salesforce object to update', 'Contact (Contact)');
  await choose('Report identifier column', /^Email \(email\)/);
  await choose('Salesforce identifier field', /^Email \(Email, email\)/);
  await screenshot(page, 'wizard-2-report');
  assert.deepEqual(await seriousViolations(page), []);

  // Back keeps what was chosen; Continue returns to it.
  await page.getByRole('button', { name: 'Back' }).click();
  await page.locator('section.environment-step').waitFor();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.locator('section.report-step').waitFor();
  assert.match(await page.getByRole('combobox', { name: 'Insights report' }).innerText(), /NPS/);
  await page.getByRole('button', { name: 'Continue' }).click();

  // Screen 3: the suggested mappings.
  await page.locator('section.mapping-step').waitFor();
  assert.ok((await mappingRows()) >= 1, 'a suggested mapping row');
  // Every step header keeps its name in view, the completed ones too (SLDS would turn their titles away).
  await page.mouse.move(0, 0);
  for (const label of ['Environment', 'Report & object', 'Mapping']) {
    const title = step(label).locator('.slds-path__title');
    assert.equal(await title.evaluate((element) => getComputedStyle(element).transform), 'none', label);
  }
  await screenshot(page, 'wizard-3-mapping');
  assert.deepEqual(await seriousViolations(page), []);
  assert.equal(await page.getByRole('button', { name: 'Save' }).isEnabled(), true);
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Integration created').waitFor();
  await gridRow(CREATED).waitFor();
});

async function rowMenu(name: string, action: string) {
  await gridRow(name).getByRole('button', { name: 'Show actions' }).click();
  await page.getByRole('menuitem', { name: action }).click();
}

/** Moves the mouse off the wizard's rows, so nothing is hovered. */
async function hoverNothing() {
  await page.mouse.move(0, 0);
}

async function deleteRow(index: number) {
  const row = page.locator('c-field-mapping-editor li.mapping-row').nth(index);
  await row.hover();
  await row.getByRole('button', { name: /^Delete row/ }).click();
}

test('Edit opens on the mapping screen, where Add column adds a row whose X shows on hover and deletes it', async () => {
  await rowMenu(CREATED, 'Edit');
  await page.locator('section.mapping-step').waitFor();
  assert.equal(await step('Mapping').getAttribute('aria-current'), 'step');
  const rows = await mappingRows();
  assert.ok(rows >= 1, 'the saved mappings');

  await page.getByRole('button', { name: 'Add column' }).click();
  assert.equal(await mappingRows(), rows + 1);
  const added = `c-field-mapping-editor li.mapping-row:nth-child(${rows + 1}) .delete-cell`;
  await hoverNothing();
  assert.equal(await opacityOf(page, added), 0, 'the X is hidden while the row is not hovered');
  await page.locator('c-field-mapping-editor li.mapping-row').nth(rows).hover();
  assert.equal(await opacityOf(page, added), 1, 'hovering the row shows its X');
  await deleteRow(rows);
  assert.equal(await mappingRows(), rows);
});

test('Save is enabled only once a mapping row is complete', async () => {
  // Still in the wizard of the previous test: empty the mapping, then build one row.
  while ((await mappingRows()) > 0) await deleteRow(0);
  await page.locator('c-field-mapping-editor p.empty').waitFor();
  const save = page.getByRole('button', { name: 'Save' });
  assert.equal(await save.isDisabled(), true, 'no row');
  await page.getByRole('button', { name: 'Add column' }).click();
  assert.equal(await save.isDisabled(), true, 'a row without column and field');
  await choose('Report column, row 1', /^NPS Score/);
  // The field with the column's name is suggested, which completes the row.
  assert.match(
    await page.getByRole('combobox', { name: 'Salesforce field, row 1' }).innerText(),
    /NPS Score/
  );
  assert.equal(await save.isEnabled(), true, 'a complete row');
  await save.click();
  await page.getByText('Integration saved').waitFor();
});

/**
 * What names the focused element (found through the synthetic shadow roots): its aria-label, its labels, the
 * elements its aria-labelledby names, its title and its text, joined by " | ".
 */
async function focusedNames(): Promise<string> {
  return page.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    if (!active) return '';
    const root = active.getRootNode() as Document | ShadowRoot;
    const labelledBy = (active.getAttribute('aria-labelledby') ?? '')
      .split(/\s+/)
      .map((id) => (id ? root.getElementById?.(id)?.textContent : undefined));
    return [
      active.getAttribute('aria-label'),
      ...Array.from((active as HTMLInputElement).labels ?? [], (label) => label.textContent),
      ...labelledBy,
      active.getAttribute('title'),
      active.textContent
    ]
      .map((name) => name?.replace(/^\*/, '').trim())
      .filter(Boolean)
      .join(' | ');
  });
}

/**
 * Presses Tab (Shift+Tab backwards) until one of the focused element's names matches. A target can become
 * focusable a moment later (a step header enables once the choice before it has been taken in, after an Apex
 * answer), so the presses go on, a pause after each round of 60, for up to 10 seconds.
 */
async function tabTo(name: RegExp, { backwards = false } = {}) {
  const deadline = Date.now() + 10_000;
  for (let presses = 1; Date.now() < deadline; presses++) {
    if ((await focusedNames()).split(' | ').some((candidate) => name.test(candidate))) return;
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    if (presses % 60 === 0) await page.waitForTimeout(200);
  }
  assert.fail(`Tab never reached ${name} (last focused: ${await focusedNames()})`);
}

/**
 * Chooses a combobox's first option with the keyboard alone: Enter opens it, Enter takes the highlighted
 * option. Its options come from an Apex answer, so the walk waits until it offers some (a list opened empty
 * takes nothing), and the base combobox highlights the first option in the next animation frame, so the
 * second Enter waits for the highlight (aria-activedescendant): pressed before, it only reopens the list.
 */
async function chooseFirstByKeyboard(className: string, label: RegExp) {
  const combobox = page.locator(`lightning-combobox.${className}`);
  await waitFor(
    `${label} to offer options`,
    () =>
      combobox.evaluate(
        (element: HTMLElement & { options?: unknown[] }) => (element.options ?? []).length > 0
      ),
    10_000
  );
  await tabTo(label);
  await page.keyboard.press('Enter');
  await waitFor(
    `${label} to highlight an option`,
    () => combobox.getByRole('combobox').getAttribute('aria-activedescendant'),
    10_000
  );
  await page.keyboard.press('Enter');
  await waitFor(
    `${label} to hold a choice`,
    () => combobox.evaluate((element: HTMLElement & { value?: string }) => element.value),
    10_000
  );
}

test('the wizard can be driven with the keyboard alone: step headers, Continue, Back and Save', async () => {
  // The toasts of the saves before take focus while they show: close them first.
  for (const toast of await page.locator('lightning-toast').all()) {
    await toast.getByRole('button', { name: /close/i }).click();
  }
  await page.locator('lightning-toast').first().waitFor({ state: 'detached' });
  await tabTo(/^New Integration$/);
  await page.keyboard.press('Enter');
  await page.locator('section.environment-step').waitFor();
  await page.getByRole('combobox', { name: /WalkMe environment/ }).waitFor();
  await tabTo(/^Continue$/);
  await page.keyboard.press('Space');
  await page.locator('section.report-step').waitFor();

  // A combobox opens with Enter, its first option highlighted; Enter chooses it.
  await chooseFirstByKeyboard('report', /^Insights report$/);
  await tabTo(/^Search objects$/);
  await page.keyboard.type('lead');
  await page.locator('p.object-search-summary', { hasText: /of \d+ objects match/ }).waitFor();
  await chooseFirstByKeyboard('target-object', /^Salesforce object to update$/);
  await chooseFirstByKeyboard('key-column', /^Report identifier column$/);
  await chooseFirstByKeyboard('key-field', /^Salesforce identifier field$/);

  // The Mapping step header opens screen 3, Back returns, the Environment header goes to screen 1.
  await tabTo(/^Mapping$/, { backwards: true });
  await page.keyboard.press('Enter');
  await page.locator('section.mapping-step').waitFor();
  await tabTo(/^Back$/);
  await page.keyboard.press('Enter');
  await page.locator('section.report-step').waitFor();
  await tabTo(/^Environment$/, { backwards: true });
  await page.keyboard.press('Space');
  await page.locator('section.environment-step').waitFor();
  await tabTo(/^Continue$/);
  await page.keyboard.press('Enter');
  await page.locator('section.report-step').waitFor();
  await tabTo(/^Continue$/);
  await page.keyboard.press('Enter');
  await page.locator('section.mapping-step').waitFor();
  await tabTo(/^Save$/);
  await page.keyboard.press('Enter');
  await page.getByText('Integration created').waitFor();
  assert.deepEqual(harness.pageErrors, []);
});
