import { createElement } from '@lwc/engine-dom';
import RunLogViewer from 'c/runLogViewer';
import getRunLog from '@salesforce/apex/IntegrationController.getRunLog';

jest.mock('@salesforce/apex/IntegrationController.getRunLog', () => ({ default: jest.fn() }), {
  virtual: true
});

const { CONTRACTS, apexResult } = require('../../__tests__/apexContracts.cjs');

const RUN_ID = CONTRACTS['IntegrationController.getRunLog'].params.runId;
const LOG = apexResult('IntegrationController.getRunLog');

// Lets imperative Apex promises settle and the component re-render.
// eslint-disable-next-line @lwc/lwc/no-async-operation
const flushPromises = () => new Promise((resolve) => setTimeout(resolve, 0));

function createViewer() {
  const element = createElement('c-run-log-viewer', { is: RunLogViewer });
  element.recordId = RUN_ID;
  document.body.appendChild(element);
  return element;
}

describe('c-run-log-viewer', () => {
  afterEach(() => {
    while (document.body.firstChild) {
      document.body.removeChild(document.body.firstChild);
    }
    jest.clearAllMocks();
  });

  it("shows the run's log text", async () => {
    getRunLog.mockResolvedValue(LOG);
    const element = createViewer();
    await flushPromises();

    expect(getRunLog).toHaveBeenCalledWith({ runId: RUN_ID });
    expect(element.shadowRoot.querySelector('pre').textContent).toBe(LOG);
    expect(element.shadowRoot.querySelector('.empty')).toBeNull();
    await expect(element).toBeAccessible();
  });

  it('explains that the log comes later when there is none yet', async () => {
    getRunLog.mockResolvedValue(null);
    const element = createViewer();
    await flushPromises();

    expect(element.shadowRoot.querySelector('pre')).toBeNull();
    expect(element.shadowRoot.querySelector('.empty').textContent).toContain('No log yet');
    await expect(element).toBeAccessible();
  });

  it('loads the log again on Refresh', async () => {
    getRunLog.mockResolvedValueOnce(null).mockResolvedValueOnce(LOG);
    const element = createViewer();
    await flushPromises();

    element.shadowRoot.querySelector('lightning-button-icon').click();
    await flushPromises();

    expect(getRunLog).toHaveBeenCalledTimes(2);
    expect(element.shadowRoot.querySelector('pre').textContent).toBe(LOG);
  });

  it('says what went wrong when the log cannot be read', async () => {
    getRunLog.mockRejectedValue({ body: { message: 'You have no access to this run.' }, status: 500 });
    const element = createViewer();
    await flushPromises();

    const alert = element.shadowRoot.querySelector('[role="alert"]');
    expect(alert.textContent).toBe('Could not load the log: You have no access to this run.');
    expect(element.shadowRoot.querySelector('.empty')).toBeNull();
    await expect(element).toBeAccessible();
  });
});
