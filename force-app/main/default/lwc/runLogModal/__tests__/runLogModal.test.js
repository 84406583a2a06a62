import { createElement } from '@lwc/engine-dom';
import RunLogModal from 'c/runLogModal';
import getRuns from '@salesforce/apex/IntegrationController.getRuns';
import getRunLog from '@salesforce/apex/IntegrationController.getRunLog';

jest.mock('@salesforce/apex/IntegrationController.getRuns', () => ({ default: jest.fn() }), {
  virtual: true
});
jest.mock('@salesforce/apex/IntegrationController.getRunLog', () => ({ default: jest.fn() }), {
  virtual: true
});
jest.mock('lightning/modal', () => require('../../integrationWizard/__tests__/stubs/lightningModal.cjs'), {
  virtual: true
});

const { apexResult } = require('../../__tests__/apexContracts.cjs');

const RUNS = apexResult('IntegrationController.getRuns');
const INTEGRATION_ID = 'a01000000000001AAA';

// Lets imperative Apex promises settle and the component re-render.
// eslint-disable-next-line @lwc/lwc/no-async-operation
const flushPromises = () => new Promise((resolve) => setTimeout(resolve, 0));

async function openModal() {
  const element = createElement('c-run-log-modal', { is: RunLogModal });
  element.integrationId = INTEGRATION_ID;
  element.integrationName = 'Logins Review → Lead by Email';
  document.body.appendChild(element);
  await flushPromises();
  return element;
}

const cellTexts = (row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent);

describe('c-run-log-modal', () => {
  afterEach(() => {
    while (document.body.firstChild) {
      document.body.removeChild(document.body.firstChild);
    }
    jest.clearAllMocks();
  });

  it("lists the integration's runs newest first with start (UTC), runtime and a status badge", async () => {
    getRuns.mockResolvedValue(RUNS);
    const element = await openModal();

    expect(getRuns).toHaveBeenCalledWith({ integrationId: INTEGRATION_ID });
    expect(element.shadowRoot.querySelector('lightning-modal-header').label).toBe(
      'Run log: Logins Review → Lead by Email'
    );
    const rows = element.shadowRoot.querySelectorAll('tr.run');
    expect(rows).toHaveLength(2);
    expect(cellTexts(rows[0]).slice(0, 5)).toEqual([
      'RUN-000003',
      'Logins Review',
      'Lead',
      '2025-03-05 09:00 UTC',
      '4.2 s'
    ]);
    expect(cellTexts(rows[1]).slice(3, 5)).toEqual(['2025-03-04 09:00 UTC', '3 min 5 s']);
    expect(element.shadowRoot.querySelector('table').getAttribute('aria-label')).toBe('Runs, newest first');
    const badges = element.shadowRoot.querySelectorAll('lightning-badge');
    expect(badges[0].label).toBe('Failed');
    expect(badges[0].classList).toContain('slds-theme_error');
    expect(badges[1].label).toBe('Completed');
    expect(badges[1].classList).toContain('slds-theme_success');
    await expect(element).toBeAccessible();
  });

  it('takes the runtime as end minus start, and shows none while a run has not ended', async () => {
    const [failed] = RUNS;
    getRuns.mockResolvedValue([
      { ...failed, startTime: '2025-03-05T09:00:00.000Z', endTime: '2025-03-05T10:02:00.000Z' },
      { ...failed, id: 'a02000000000005AAA', status: 'Running', endTime: null }
    ]);
    const element = await openModal();

    const rows = element.shadowRoot.querySelectorAll('tr.run');
    expect(cellTexts(rows[0])[4]).toBe('1 h 2 min');
    expect(cellTexts(rows[1])[4]).toBe('');
  });

  it('shows the full log of a run on "Show log", links to its record and goes back to the runs', async () => {
    getRuns.mockResolvedValue(RUNS);
    getRunLog.mockResolvedValue(apexResult('IntegrationController.getRunLog'));
    const element = await openModal();

    const showLog = element.shadowRoot
      .querySelectorAll('tr.run')[1]
      .querySelector('lightning-button.show-log');
    expect(showLog.label).toBe('Show log');
    expect(showLog.title).toBe('Show log of RUN-000002');
    // The stylesheet shows it on hover and focus within the row; the browser tests check it there.
    showLog.click();
    await flushPromises();

    expect(element.shadowRoot.querySelector('h2').textContent).toBe('Log of RUN-000002');
    const link = element.shadowRoot.querySelector('a.run-record');
    expect(link.textContent).toBe('Open run record RUN-000002');
    expect(link.getAttribute('href')).toBe('/lightning/r/WalkMe_Sync_Run__c/a02000000000002AAA/view');
    expect(element.shadowRoot.querySelector('c-run-log-viewer').recordId).toBe('a02000000000002AAA');
    expect(getRunLog).toHaveBeenCalledWith({ runId: 'a02000000000002AAA' });
    expect(element.shadowRoot.querySelector('table')).toBeNull();
    await expect(element).toBeAccessible();

    element.shadowRoot.querySelector('lightning-button.back').click();
    await flushPromises();
    expect(element.shadowRoot.querySelectorAll('tr.run')).toHaveLength(2);
    expect(element.shadowRoot.querySelector('c-run-log-viewer')).toBeNull();
  });

  it('explains what to do when there are no runs yet', async () => {
    getRuns.mockResolvedValue([]);
    const element = await openModal();

    expect(element.shadowRoot.querySelector('table')).toBeNull();
    expect(element.shadowRoot.querySelector('.empty').textContent).toContain('Choose Run Now');
    await expect(element).toBeAccessible();
  });

  it('says why the runs could not be loaded', async () => {
    getRuns.mockRejectedValue({ body: { message: 'Insufficient access to WalkMe_Sync_Run__c.' } });
    const element = await openModal();

    expect(element.shadowRoot.querySelector('[role="alert"]').textContent).toBe(
      'Could not load the runs: Insufficient access to WalkMe_Sync_Run__c.'
    );
  });

  it('closes on Close', async () => {
    getRuns.mockResolvedValue(RUNS);
    const element = await openModal();
    const closed = jest.fn();
    element.addEventListener('modalclose', closed);

    element.shadowRoot.querySelector('lightning-button.close').click();

    expect(closed).toHaveBeenCalledTimes(1);
  });
});
