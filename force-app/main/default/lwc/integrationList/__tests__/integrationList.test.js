import { createElement } from '@lwc/engine-dom';
import { refreshApex } from '@salesforce/apex';
import LightningConfirm from 'lightning/confirm';
import IntegrationList from 'c/integrationList';
import IntegrationWizard from 'c/integrationWizard';
import RunLogModal from 'c/runLogModal';
import getConnections from '@salesforce/apex/IntegrationController.getConnections';
import getReports from '@salesforce/apex/IntegrationController.getReports';
import getIntegrations from '@salesforce/apex/IntegrationController.getIntegrations';
import runNow from '@salesforce/apex/IntegrationController.runNow';
import deleteIntegration from '@salesforce/apex/IntegrationController.deleteIntegration';

jest.mock('@salesforce/apex', () => ({ refreshApex: jest.fn(() => Promise.resolve()) }), { virtual: true });
jest.mock('lightning/confirm', () => ({ __esModule: true, default: { open: jest.fn() } }));
jest.mock('c/integrationWizard', () => ({ __esModule: true, default: { open: jest.fn() } }));
jest.mock('c/runLogModal', () => ({ __esModule: true, default: { open: jest.fn() } }));
jest.mock(
  '@salesforce/apex/IntegrationController.getConnections',
  () => {
    const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
    return { default: createApexTestWireAdapter(jest.fn()) };
  },
  { virtual: true }
);
jest.mock(
  '@salesforce/apex/IntegrationController.getReports',
  () => {
    const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
    return { default: createApexTestWireAdapter(jest.fn()) };
  },
  { virtual: true }
);
jest.mock(
  '@salesforce/apex/IntegrationController.getIntegrations',
  () => {
    const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
    return { default: createApexTestWireAdapter(jest.fn()) };
  },
  { virtual: true }
);
jest.mock('@salesforce/apex/IntegrationController.runNow', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/IntegrationController.deleteIntegration', () => ({ default: jest.fn() }), {
  virtual: true
});

const { apexResult } = require('../../__tests__/apexContracts.cjs');

const CONNECTIONS = apexResult('IntegrationController.getConnections');
const REPORTS = apexResult('IntegrationController.getReports');
const INTEGRATIONS = apexResult('IntegrationController.getIntegrations');
const CONNECTED = CONNECTIONS[0];

// Lets imperative Apex promises settle and the component re-render.
// eslint-disable-next-line @lwc/lwc/no-async-operation
const flushPromises = () => new Promise((resolve) => setTimeout(resolve, 0));

async function mountList({ connections = [CONNECTED], reports = REPORTS, integrations = INTEGRATIONS } = {}) {
  const element = createElement('c-integration-list', { is: IntegrationList });
  const toasts = [];
  element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
  document.body.appendChild(element);
  getConnections.emit(connections);
  getReports.emit(reports);
  getIntegrations.emit(integrations);
  // Microtasks only, so the fake-timer test can mount too.
  await Promise.resolve();
  return { element, toasts };
}

const $ = (element, selector) => element.shadowRoot.querySelector(selector);
const table = (element) => $(element, 'c-integration-datatable');

function rowAction(element, name, integration) {
  table(element).dispatchEvent(
    new CustomEvent('rowaction', { detail: { action: { name }, row: integration } })
  );
}

describe('c-integration-list', () => {
  afterEach(() => {
    while (document.body.firstChild) {
      document.body.removeChild(document.body.firstChild);
    }
    jest.clearAllMocks();
    jest.useRealTimers();
  });

  describe('connection state', () => {
    it('shows the connected environment, user and last heartbeat', async () => {
      const { element } = await mountList();
      await flushPromises();

      const state = $(element, '.connection-state');
      expect(state.querySelector('lightning-badge').label).toBe('Connected');
      expect(state.querySelector('lightning-badge').classList).toContain('slds-theme_success');
      expect(state.textContent).toContain(
        'WalkMe Sync Engine (walkme-sync.acme.com) · Sandbox · integration@acme.com.uat'
      );
      expect(state.textContent).toContain('2025-03-05 08:55 UTC');
      expect(state.querySelector('.advice')).toBeNull();
      await expect(element).toBeAccessible();
    });

    it('says what to do when the connection is stale or needs reconnecting', async () => {
      const stale = { ...CONNECTED, isStale: true };
      const { element } = await mountList({ connections: [stale, CONNECTIONS[1]] });
      await flushPromises();

      const advice = [...element.shadowRoot.querySelectorAll('.advice')].map((node) => node.textContent);
      expect(advice).toEqual([
        'No heartbeat for more than 2 hours: the engine may be stopped. Check that it runs at https://walkme-sync.acme.com.',
        'The engine lost access to this org. Open the engine console at https://walkme-sync-old.acme.com and choose Reconnect.'
      ]);
    });

    it('explains how to connect the engine when there is no connection yet', async () => {
      const { element } = await mountList({ connections: [], integrations: [] });
      await flushPromises();

      expect($(element, '.no-connection').textContent).toContain('choose Connect for this org');
      expect($(element, '.connection-state')).toBeNull();
      await expect(element).toBeAccessible();
    });
  });

  describe('the grid', () => {
    it('lists name, report, object, environment, schedule and the last run with its badge', async () => {
      const { element } = await mountList();
      await flushPromises();

      const { data, columns } = table(element);
      expect(columns.map((column) => column.label)).toEqual([
        'Name',
        'Report',
        'Object',
        'Environment',
        'Schedule',
        'Last run',
        'Last run (UTC)',
        undefined
      ]);
      expect(columns[5].type).toBe('statusBadge');
      expect(
        data.map((row) => [row.name, row.scheduleText, row.lastRunLabel, row.lastRunBadgeClass])
      ).toEqual([
        ['Logins Review → Lead by Email', 'Daily at 09:00 UTC', 'Completed', 'slds-theme_success'],
        [
          'NPS per End User → Contact by Email',
          'Daily at 08:00 UTC (inactive)',
          'Failed',
          'slds-theme_error'
        ],
        ['Onboarding Completion → Contact by Email', 'Manual only', 'Never run', '']
      ]);
      expect(data[0].lastRunTimeLabel).toBe('2025-03-05 09:00 UTC');
      expect(data[0].environmentLabel).toBe('Sandbox');
      await expect(element).toBeAccessible();
    });

    it('offers Run Now, Edit, Log and Delete, with Run Now disabled while a run is queued or running', async () => {
      const { element } = await mountList();
      const rowActions = table(element).columns[7].typeAttributes.rowActions;
      const actionsOf = (row) => {
        let actions;
        rowActions(row, (result) => {
          actions = result;
        });
        return actions;
      };

      expect(
        actionsOf({ lastRunStatus: 'Completed' }).map((action) => [action.label, action.disabled])
      ).toEqual([
        ['Run Now', false],
        ['Edit', undefined],
        ['Log', undefined],
        ['Delete', undefined]
      ]);
      expect(actionsOf({ lastRunStatus: 'Running' })[0].disabled).toBe(true);
      expect(actionsOf({ lastRunStatus: 'Queued' })[0].disabled).toBe(true);
    });

    it('reloads the connections, the report catalog and the integrations on Refresh', async () => {
      const { element } = await mountList();
      const refresh = $(element, 'lightning-button-icon.refresh');
      expect(refresh.alternativeText).toBe('Refresh');

      refresh.click();
      await flushPromises();

      const refreshed = refreshApex.mock.calls.map(([wired]) => wired.data);
      expect(refreshed).toHaveLength(3);
      expect(refreshed).toEqual(expect.arrayContaining([[CONNECTED], REPORTS, INTEGRATIONS]));
    });

    it('explains the next step when there are no integrations', async () => {
      const { element } = await mountList({ integrations: [] });
      await flushPromises();

      expect(table(element)).toBeNull();
      expect($(element, '.no-integrations').textContent).toContain('Choose New Integration');
      await expect(element).toBeAccessible();
    });

    it('explains how to tag a report when none is tagged', async () => {
      const { element } = await mountList({ reports: [], integrations: [] });
      await flushPromises();

      expect($(element, '.no-integrations').textContent).toContain('add the tag integrations_salesforce');
    });

    it('says why the integrations could not be loaded', async () => {
      const element = createElement('c-integration-list', { is: IntegrationList });
      document.body.appendChild(element);
      getConnections.emit([CONNECTED]);
      getIntegrations.error({ message: 'You need the WalkMe_Integration_Admin permission set.' });
      await flushPromises();

      expect($(element, '[role="alert"]').textContent).toBe(
        'Could not load the integrations: You need the WalkMe_Integration_Admin permission set.'
      );
    });
  });

  describe('Run Now', () => {
    it('queues a run, confirms with a toast and shows the row as Queued', async () => {
      runNow.mockResolvedValue(apexResult('IntegrationController.runNow'));
      const { element, toasts } = await mountList();
      await flushPromises();

      rowAction(element, 'run_now', INTEGRATIONS[0]);
      await flushPromises();

      expect(runNow).toHaveBeenCalledWith({ integrationId: 'a01000000000001AAA', dryRun: false });
      expect(toasts).toEqual([
        {
          title: 'Run queued',
          message: 'Logins Review → Lead by Email starts within seconds. Its row shows the progress.',
          variant: 'success'
        }
      ]);
      const row = table(element).data[0];
      expect(row.lastRunLabel).toBe('Queued');
      expect(row.lastRunBadgeClass).toBe('');
    });

    it('says in the toast when earlier stale runs no longer blocked it', async () => {
      const notice =
        'R-000012 (Running) showed no sign of the sync engine for 15 minutes, so it no longer blocks Run Now; the engine closes it with its result when it can.';
      runNow.mockResolvedValue({ ...apexResult('IntegrationController.runNow'), notice });
      const { element, toasts } = await mountList();
      await flushPromises();

      rowAction(element, 'run_now', INTEGRATIONS[0]);
      await flushPromises();

      expect(toasts).toEqual([
        {
          title: 'Run queued',
          message: `Logins Review → Lead by Email starts within seconds. Its row shows the progress. ${notice}`,
          variant: 'warning'
        }
      ]);
    });

    it('says why when the run is refused', async () => {
      runNow.mockRejectedValue({
        body: { message: 'A run of this integration is already queued. Wait for it to end.' }
      });
      const { element, toasts } = await mountList();
      await flushPromises();

      rowAction(element, 'run_now', INTEGRATIONS[0]);
      await flushPromises();

      expect(toasts).toEqual([
        {
          title: 'Logins Review → Lead by Email was not run',
          message: 'A run of this integration is already queued. Wait for it to end.',
          variant: 'error'
        }
      ]);
      expect(table(element).data[0].lastRunLabel).toBe('Completed');
    });

    it('refreshes while a run is queued or running, and stops when it has ended', async () => {
      jest.useFakeTimers();
      const running = [{ ...INTEGRATIONS[0], lastRunStatus: 'Running' }, INTEGRATIONS[1]];
      const { element } = await mountList({ integrations: running });
      expect(table(element)).not.toBeNull();

      jest.advanceTimersByTime(5000);
      expect(refreshApex).toHaveBeenCalledTimes(1);

      getIntegrations.emit(INTEGRATIONS);
      await Promise.resolve();
      jest.advanceTimersByTime(20000);
      expect(refreshApex).toHaveBeenCalledTimes(1);
    });
  });

  describe('wizard, log and delete', () => {
    it('opens the wizard at the first step for New Integration and refreshes once it saved', async () => {
      IntegrationWizard.open.mockResolvedValue({ integrationId: 'a01000000000009AAA' });
      const { element } = await mountList();

      $(element, 'lightning-button.new-integration').click();
      await flushPromises();

      expect(IntegrationWizard.open).toHaveBeenCalledWith({
        size: 'large',
        description: 'Create a WalkMe integration'
      });
      expect(refreshApex).toHaveBeenCalledTimes(1);
    });

    it('opens the wizard on the integration for Edit, and does not refresh when it was cancelled', async () => {
      IntegrationWizard.open.mockResolvedValue(undefined);
      const { element } = await mountList();

      rowAction(element, 'edit', INTEGRATIONS[1]);
      await flushPromises();

      expect(IntegrationWizard.open).toHaveBeenCalledWith({
        size: 'large',
        description: 'Edit NPS per End User → Contact by Email',
        integrationId: 'a01000000000002AAA'
      });
      expect(refreshApex).not.toHaveBeenCalled();
    });

    it("opens the integration's run log for Log", async () => {
      const { element } = await mountList();

      rowAction(element, 'log', INTEGRATIONS[0]);

      expect(RunLogModal.open).toHaveBeenCalledWith({
        size: 'large',
        description: 'Runs of Logins Review → Lead by Email',
        integrationId: 'a01000000000001AAA',
        integrationName: 'Logins Review → Lead by Email'
      });
    });

    it('deletes after confirmation, with a toast and a refresh', async () => {
      LightningConfirm.open.mockResolvedValue(true);
      deleteIntegration.mockResolvedValue();
      const { element, toasts } = await mountList();

      rowAction(element, 'delete', INTEGRATIONS[1]);
      await flushPromises();

      expect(LightningConfirm.open.mock.calls[0][0].message).toBe(
        'Delete "NPS per End User → Contact by Email"? Its schedule stops. Its runs stay in the run history and reports.'
      );
      expect(deleteIntegration).toHaveBeenCalledWith({ integrationId: 'a01000000000002AAA' });
      expect(toasts[0]).toEqual({
        title: 'Integration deleted',
        message: 'NPS per End User → Contact by Email was deleted.',
        variant: 'success'
      });
      expect(refreshApex).toHaveBeenCalledTimes(1);
    });

    it('keeps the integration when the confirmation is cancelled', async () => {
      LightningConfirm.open.mockResolvedValue(false);
      const { element } = await mountList();

      rowAction(element, 'delete', INTEGRATIONS[1]);
      await flushPromises();

      expect(deleteIntegration).not.toHaveBeenCalled();
    });

    it('says why a delete failed', async () => {
      LightningConfirm.open.mockResolvedValue(true);
      deleteIntegration.mockRejectedValue({ body: { message: 'Delete failed: the integration is locked.' } });
      const { element, toasts } = await mountList();

      rowAction(element, 'delete', INTEGRATIONS[1]);
      await flushPromises();

      expect(toasts[0]).toEqual({
        title: 'NPS per End User → Contact by Email was not deleted',
        message: 'Delete failed: the integration is locked.',
        variant: 'error'
      });
    });
  });
});
