import { createElement } from '@lwc/engine-dom';
import Toast from 'lightning/toast';
import IntegrationWizard from 'c/integrationWizard';
import getConnections from '@salesforce/apex/IntegrationController.getConnections';
import getReports from '@salesforce/apex/IntegrationController.getReports';
import getTargetObjects from '@salesforce/apex/IntegrationController.getTargetObjects';
import getObjectFields from '@salesforce/apex/IntegrationController.getObjectFields';
import getIntegration from '@salesforce/apex/IntegrationController.getIntegration';
import saveIntegration from '@salesforce/apex/IntegrationController.saveIntegration';

jest.mock('lightning/modal', () => require('./stubs/lightningModal.cjs'), { virtual: true });
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
  '@salesforce/apex/IntegrationController.getTargetObjects',
  () => {
    const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
    return { default: createApexTestWireAdapter(jest.fn()) };
  },
  { virtual: true }
);
jest.mock(
  '@salesforce/apex/IntegrationController.getObjectFields',
  () => {
    const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
    return { default: createApexTestWireAdapter(jest.fn()) };
  },
  { virtual: true }
);
jest.mock('@salesforce/apex/IntegrationController.getIntegration', () => ({ default: jest.fn() }), {
  virtual: true
});
jest.mock('@salesforce/apex/IntegrationController.saveIntegration', () => ({ default: jest.fn() }), {
  virtual: true
});

const CONNECTIONS = require('./data/connections.json');
const REPORTS = require('./data/reports.json');
const OBJECTS = require('./data/objects.json');
const LEAD_FIELDS = require('./data/leadFields.json');
const INTEGRATION = require('./data/integration.json');

// Lets imperative Apex promises settle and the component re-render.
// eslint-disable-next-line @lwc/lwc/no-async-operation
const flushPromises = () => new Promise((resolve) => setTimeout(resolve, 0));

async function openWizard({ integrationId, connections = CONNECTIONS, reports = REPORTS } = {}) {
  const element = createElement('c-integration-wizard', { is: IntegrationWizard });
  if (integrationId) {
    element.integrationId = integrationId;
  }
  const closed = jest.fn();
  element.addEventListener('modalclose', (event) => closed(event.detail));
  document.body.appendChild(element);
  getConnections.emit(connections);
  getReports.emit(reports);
  getTargetObjects.emit(OBJECTS);
  await flushPromises();
  return { element, closed };
}

const $ = (element, selector) => element.shadowRoot.querySelector(selector);
const values = (options) => options.map((option) => option.value);

async function choose(element, selector, value) {
  $(element, selector).dispatchEvent(new CustomEvent('change', { detail: { value } }));
  await flushPromises();
}

async function click(element, selector) {
  $(element, selector).click();
  await flushPromises();
}

/** Screen 1 → 2 → 3 with Logins Review (Email) → Lead (Email). */
async function openMappingScreen(element) {
  await choose(element, 'lightning-combobox.walkme-environment', 'Production');
  await click(element, 'lightning-button.continue');
  await choose(element, 'lightning-combobox.report', 'rpt-logins');
  await choose(element, 'lightning-combobox.target-object', 'Lead');
  getObjectFields.emit(LEAD_FIELDS);
  await flushPromises();
  await choose(element, 'lightning-combobox.key-column', 'Email');
  await choose(element, 'lightning-combobox.key-field', 'Email');
  await click(element, 'lightning-button.continue');
}

const sentDefinition = () => JSON.parse(saveIntegration.mock.calls[0][0].definitionJson);
const blankBoxes = (element) => [
  ...$(element, 'c-field-mapping-editor').shadowRoot.querySelectorAll('lightning-combobox.blank')
];

async function type(element, selector, value) {
  $(element, selector).dispatchEvent(new CustomEvent('change', { detail: { value } }));
  await flushPromises();
}

describe('c-integration-wizard', () => {
  let toast;

  beforeEach(() => {
    toast = jest.spyOn(Toast, 'show').mockImplementation(() => {});
  });

  afterEach(() => {
    while (document.body.firstChild) {
      document.body.removeChild(document.body.firstChild);
    }
    jest.clearAllMocks();
    toast.mockRestore();
  });

  describe('screen 1, environment', () => {
    it('offers only connected environments, preselects the only one and shows its details', async () => {
      const { element } = await openWizard();

      expect($(element, 'lightning-progress-indicator').currentStep).toBe('1');
      const connection = $(element, 'lightning-radio-group.connection');
      expect(connection.options).toEqual([{ label: 'Acme Sandbox (Sandbox)', value: 'a03000000000001AAA' }]);
      expect(connection.value).toBe('a03000000000001AAA');
      const details = $(element, 'dl.connection-details').textContent;
      expect(details).toContain('Sandbox');
      expect(details).toContain('integration@acme.com.uat');
      expect(details).toContain('2025-03-05 08:55 UTC');
      expect($(element, 'lightning-button.back')).toBeNull();
      await expect(element).toBeAccessible();
    });

    it("offers the reports' WalkMe environments and continues once one is chosen", async () => {
      const { element } = await openWizard();

      expect(values($(element, 'lightning-combobox.walkme-environment').options)).toEqual([
        'Production',
        'Staging'
      ]);
      expect($(element, 'lightning-button.continue').disabled).toBe(true);

      await choose(element, 'lightning-combobox.walkme-environment', 'Production');
      expect($(element, 'lightning-button.continue').disabled).toBe(false);
    });

    it('preselects nothing when several environments are connected', async () => {
      const both = CONNECTIONS.map((connection) => ({ ...connection, status: 'Connected' }));
      const { element } = await openWizard({ connections: both, reports: [REPORTS[0]] });

      expect($(element, 'lightning-radio-group.connection').options).toHaveLength(2);
      expect($(element, 'lightning-radio-group.connection').value).toBeUndefined();
      expect($(element, 'lightning-combobox.walkme-environment').value).toBe('Production');
      expect($(element, 'lightning-button.continue').disabled).toBe(true);

      await choose(element, 'lightning-radio-group.connection', 'a03000000000002AAA');
      expect($(element, 'dl.connection-details').textContent).toContain('integration@acme.com');
      expect($(element, 'lightning-button.continue').disabled).toBe(false);
    });

    it('explains how to connect when no environment is connected', async () => {
      const { element } = await openWizard({ connections: [CONNECTIONS[1]] });

      expect($(element, 'lightning-radio-group.connection')).toBeNull();
      expect($(element, '.no-connection').textContent).toContain('choose Connect for this org');
      expect($(element, 'lightning-button.continue').disabled).toBe(true);
      await expect(element).toBeAccessible();
    });

    it('explains how to tag a report when none is tagged', async () => {
      const { element } = await openWizard({ reports: [] });

      expect($(element, 'lightning-combobox.walkme-environment')).toBeNull();
      expect($(element, '.no-reports').textContent).toContain('add the tag integrations_salesforce');
      expect($(element, 'lightning-button.continue').disabled).toBe(true);
      await expect(element).toBeAccessible();
    });
  });

  describe('screen 2, report and object', () => {
    it("offers the chosen WalkMe environment's reports and every target object", async () => {
      const { element } = await openWizard();
      await choose(element, 'lightning-combobox.walkme-environment', 'Production');
      await click(element, 'lightning-button.continue');

      expect($(element, 'lightning-progress-indicator').currentStep).toBe('2');
      expect(values($(element, 'lightning-combobox.report').options)).toEqual(['rpt-logins', 'rpt-nps']);
      expect($(element, 'lightning-combobox.target-object').options).toEqual([
        { label: 'Contact (Contact)', value: 'Contact' },
        { label: 'Lead (Lead)', value: 'Lead' },
        { label: 'Subscription (Subscription__c)', value: 'Subscription__c' }
      ]);
      expect($(element, 'lightning-combobox.key-column').disabled).toBe(true);
      expect($(element, 'lightning-combobox.key-field').disabled).toBe(true);
      await expect(element).toBeAccessible();
    });

    it('offers report columns and key-candidate fields, and continues only when all four are chosen', async () => {
      const { element } = await openWizard();
      await choose(element, 'lightning-combobox.walkme-environment', 'Production');
      await click(element, 'lightning-button.continue');
      const continueButton = () => $(element, 'lightning-button.continue');

      await choose(element, 'lightning-combobox.report', 'rpt-logins');
      expect(values($(element, 'lightning-combobox.key-column').options)).toEqual([
        'User Id',
        'Email',
        'First Login',
        'Last Login',
        'Logins Last 30 Days'
      ]);
      expect($(element, '.report-summary').textContent).toBe(
        '5 columns, 1200 rows, refreshed 2025-03-05 06:00 UTC'
      );
      expect(continueButton().disabled).toBe(true);

      await choose(element, 'lightning-combobox.target-object', 'Lead');
      expect(getObjectFields.getLastConfig()).toEqual({ objectApiName: 'Lead' });
      getObjectFields.emit(LEAD_FIELDS);
      await flushPromises();
      expect(values($(element, 'lightning-combobox.key-field').options)).toEqual(['Id', 'Email']);
      expect(continueButton().disabled).toBe(true);

      await choose(element, 'lightning-combobox.key-column', 'Email');
      expect(continueButton().disabled).toBe(true);
      await choose(element, 'lightning-combobox.key-field', 'Email');
      expect(continueButton().disabled).toBe(false);
    });

    it('goes Back to screen 1 with the choices kept, and the visited step header returns to screen 2', async () => {
      const { element } = await openWizard();
      await choose(element, 'lightning-combobox.walkme-environment', 'Production');
      await click(element, 'lightning-button.continue');
      await choose(element, 'lightning-combobox.report', 'rpt-nps');

      await click(element, 'lightning-button.back');
      expect($(element, 'lightning-progress-indicator').currentStep).toBe('1');
      expect($(element, 'lightning-combobox.walkme-environment').value).toBe('Production');

      const steps = element.shadowRoot.querySelectorAll('lightning-progress-step');
      steps[2].click();
      await flushPromises();
      expect($(element, 'lightning-progress-indicator').currentStep).toBe('1');

      steps[1].click();
      await flushPromises();
      expect($(element, 'lightning-progress-indicator').currentStep).toBe('2');
      expect($(element, 'lightning-combobox.report').value).toBe('rpt-nps');
    });
  });

  describe('screen 3, field mapping', () => {
    it('suggests mappings by name and a name, and gives the editor every column and the fields', async () => {
      const { element } = await openWizard();
      await openMappingScreen(element);

      expect($(element, 'lightning-progress-indicator').currentStep).toBe('3');
      const editor = $(element, 'c-field-mapping-editor');
      expect(editor.columns.map((column) => column.name)).toContain('Email');
      expect(editor.keyField).toBe('Email');
      expect(editor.fields).toEqual(LEAD_FIELDS);
      expect(editor.mappings).toEqual([
        { column: 'First Login', columnType: 'datetime', field: 'WalkMe_First_Login__c' },
        { column: 'Last Login', columnType: 'datetime', field: 'WalkMe_Last_Login__c' },
        { column: 'Logins Last 30 Days', columnType: 'number', field: 'WalkMe_Logins_Last_30_Days__c' }
      ]);
      expect($(element, 'lightning-input.name').value).toBe('Logins Review → Lead by Email');
      expect($(element, '.mapping-summary').textContent).toBe('Logins Review (Email) → Lead (Email)');
      expect($(element, 'lightning-combobox.converted-lead')).not.toBeNull();
      expect($(element, 'lightning-button.continue')).toBeNull();
      expect($(element, 'lightning-button.save').disabled).toBe(false);
      await expect(element).toBeAccessible();
    });

    it('enables Save only once a row is complete', async () => {
      const { element } = await openWizard();
      await openMappingScreen(element);
      const editor = $(element, 'c-field-mapping-editor');

      editor.dispatchEvent(
        new CustomEvent('mappingchange', {
          detail: { mappings: [{ column: 'Email', columnType: 'email', field: '' }] }
        })
      );
      await flushPromises();
      expect($(element, 'lightning-button.save').disabled).toBe(true);

      editor.dispatchEvent(
        new CustomEvent('mappingchange', {
          detail: { mappings: [{ column: 'User Id', columnType: 'string', field: 'LastName' }] }
        })
      );
      await flushPromises();
      expect($(element, 'lightning-button.save').disabled).toBe(false);
    });

    it('sends the definition with the complete rows and the schedule, then closes with a success toast', async () => {
      saveIntegration.mockResolvedValue({ success: true, integrationId: 'a01000000000009AAA', problems: [] });
      const { element, closed } = await openWizard();
      await openMappingScreen(element);
      const editor = $(element, 'c-field-mapping-editor');
      editor.dispatchEvent(
        new CustomEvent('mappingchange', {
          detail: { mappings: [...editor.mappings, { column: 'User Id', columnType: 'string', field: '' }] }
        })
      );
      await choose(element, 'lightning-combobox.schedule-type', 'Every N Hours');
      $(element, 'lightning-input.schedule-interval').dispatchEvent(
        new CustomEvent('change', { detail: { value: '4' } })
      );
      await choose(element, 'lightning-combobox.ambiguity-policy', 'most-recent');
      await choose(element, 'lightning-combobox.converted-lead', 'follow-to-contact');
      expect(blankBoxes(element).map((box) => box.value)).toEqual(['keep', 'keep', 'keep', 'keep']);
      blankBoxes(element)[1].dispatchEvent(new CustomEvent('change', { detail: { value: 'clear' } }));
      await type(element, 'lightning-input.max-cleared-percent', '10');
      await type(element, 'lightning-input.min-report-rows-percent', '');
      $(element, 'lightning-input.allow-large-changes-once').dispatchEvent(
        new CustomEvent('change', { detail: { checked: true } })
      );

      await click(element, 'lightning-button.save');

      expect(saveIntegration).toHaveBeenCalledTimes(1);
      expect(sentDefinition()).toEqual({
        id: null,
        name: 'Logins Review → Lead by Email',
        connectionId: 'a03000000000001AAA',
        reportId: 'rpt-logins',
        reportName: 'Logins Review',
        walkMeEnvironment: 'Production',
        targetObject: 'Lead',
        reportKeyColumn: 'Email',
        objectKeyField: 'Email',
        mappings: [
          { column: 'First Login', columnType: 'datetime', field: 'WalkMe_First_Login__c', blank: 'keep' },
          { column: 'Last Login', columnType: 'datetime', field: 'WalkMe_Last_Login__c', blank: 'clear' },
          {
            column: 'Logins Last 30 Days',
            columnType: 'number',
            field: 'WalkMe_Logins_Last_30_Days__c',
            blank: 'keep'
          }
        ],
        scheduleType: 'Every N Hours',
        scheduleHourUtc: null,
        scheduleIntervalHours: 4,
        active: true,
        ambiguityPolicy: 'most-recent',
        convertedLeadHandling: 'follow-to-contact',
        allowLargeChangesOnce: true,
        maxClearedPercent: 10,
        minReportRowsPercent: null
      });
      expect(toast).toHaveBeenCalledWith(
        {
          label: 'Integration created',
          message: 'Logins Review → Lead by Email: Every 4 hours.',
          variant: 'success'
        },
        expect.anything()
      );
      expect(closed).toHaveBeenCalledWith({ integrationId: 'a01000000000009AAA' });
    });

    it("shows the server's problems at the fields they name and stays open", async () => {
      saveIntegration.mockResolvedValue({
        success: false,
        problems: [
          { field: 'name', message: 'Use a name of at most 80 characters.' },
          { field: 'mappings[1].field', message: 'Last Login cannot be updated. Choose another field.' }
        ]
      });
      const { element, closed } = await openWizard();
      await openMappingScreen(element);
      const editor = $(element, 'c-field-mapping-editor');
      // Row 2 on screen is incomplete and not sent: the server's mappings[1] is the third row on screen.
      editor.dispatchEvent(
        new CustomEvent('mappingchange', {
          detail: {
            mappings: [
              editor.mappings[0],
              { column: 'User Id', columnType: 'string', field: '' },
              ...editor.mappings.slice(1)
            ]
          }
        })
      );
      await flushPromises();

      await click(element, 'lightning-button.save');

      expect(closed).not.toHaveBeenCalled();
      expect(toast).not.toHaveBeenCalled();
      expect($(element, 'lightning-progress-indicator').currentStep).toBe('3');
      const problems = [...element.shadowRoot.querySelectorAll('.problem')].map(
        (problem) => problem.textContent
      );
      expect(problems).toEqual(['Use a name of at most 80 characters.']);
      expect($(element, 'c-field-mapping-editor').rowProblems).toEqual({
        2: 'Last Login cannot be updated. Choose another field.'
      });
      expect($(element, '.problems').textContent).toContain('Fix these and save again');
      await expect(element).toBeAccessible();
    });

    it('starts the mass-change guard at its defaults and shows its problems under its inputs', async () => {
      saveIntegration.mockResolvedValue({
        success: false,
        problems: [
          {
            field: 'minReportRowsPercent',
            message:
              "Smallest report: enter 0 to 100 (% of the last successful run's rows), or leave it blank for 50 %."
          }
        ]
      });
      const { element } = await openWizard();
      await openMappingScreen(element);

      const maxCleared = $(element, 'lightning-input.max-cleared-percent');
      expect(maxCleared.label).toBe('Largest share a run may clear (%)');
      expect(maxCleared.value).toBeNull();
      expect(maxCleared.placeholder).toBe('20');
      expect($(element, 'lightning-input.min-report-rows-percent').placeholder).toBe('50');
      expect($(element, 'lightning-input.allow-large-changes-once').checked).toBe(false);
      await type(element, 'lightning-input.min-report-rows-percent', '150');

      await click(element, 'lightning-button.save');

      expect(sentDefinition()).toMatchObject({
        allowLargeChangesOnce: false,
        maxClearedPercent: null,
        minReportRowsPercent: 150
      });
      expect($(element, 'lightning-progress-indicator').currentStep).toBe('3');
      expect($(element, 'lightning-input.min-report-rows-percent').parentElement.textContent).toContain(
        'Smallest report: enter 0 to 100'
      );
      await expect(element).toBeAccessible();
    });

    it('opens the screen of a problem about the report and object', async () => {
      saveIntegration.mockResolvedValue({
        success: false,
        problems: [{ field: 'objectKeyField', message: 'Email is not filterable on Lead any more.' }]
      });
      const { element } = await openWizard();
      await openMappingScreen(element);

      await click(element, 'lightning-button.save');

      expect($(element, 'lightning-progress-indicator').currentStep).toBe('2');
      expect($(element, '.report-step .problem').textContent).toBe(
        'Email is not filterable on Lead any more.'
      );
    });

    it('says what went wrong in a toast when saving fails', async () => {
      saveIntegration.mockRejectedValue({
        body: { message: 'Could not save: ask your admin for edit access.' }
      });
      const { element, closed } = await openWizard();
      await openMappingScreen(element);

      await click(element, 'lightning-button.save');

      expect(toast).toHaveBeenCalledWith(
        {
          label: 'The integration was not saved',
          message: 'Could not save: ask your admin for edit access.',
          variant: 'error'
        },
        expect.anything()
      );
      expect(closed).not.toHaveBeenCalled();
      expect($(element, 'lightning-button.save').disabled).toBe(false);
    });

    it('offers the daily hour and no converted-Lead choice for a Contact target', async () => {
      saveIntegration.mockResolvedValue({ success: true, integrationId: 'a01000000000009AAA', problems: [] });
      const { element } = await openWizard();
      await choose(element, 'lightning-combobox.walkme-environment', 'Production');
      await click(element, 'lightning-button.continue');
      await choose(element, 'lightning-combobox.report', 'rpt-logins');
      await choose(element, 'lightning-combobox.target-object', 'Contact');
      getObjectFields.emit(LEAD_FIELDS);
      await flushPromises();
      await choose(element, 'lightning-combobox.key-column', 'Email');
      await choose(element, 'lightning-combobox.key-field', 'Email');
      await click(element, 'lightning-button.continue');

      expect($(element, 'lightning-combobox.converted-lead')).toBeNull();
      expect($(element, 'lightning-combobox.schedule-hour').value).toBe('9');
      expect($(element, 'lightning-combobox.schedule-hour').options[9].label).toBe('09:00 UTC');
      await choose(element, 'lightning-combobox.schedule-hour', '17');
      await click(element, 'lightning-button.save');

      expect(sentDefinition()).toMatchObject({
        targetObject: 'Contact',
        scheduleType: 'Daily',
        scheduleHourUtc: 17,
        scheduleIntervalHours: null,
        convertedLeadHandling: null
      });
    });
  });

  describe('edit', () => {
    it('loads the integration and opens on the mapping screen', async () => {
      getIntegration.mockResolvedValue(INTEGRATION);
      const { element } = await openWizard({ integrationId: INTEGRATION.id });
      getObjectFields.emit(LEAD_FIELDS);
      await flushPromises();

      expect(getIntegration).toHaveBeenCalledWith({ integrationId: INTEGRATION.id });
      expect($(element, 'lightning-modal-header').label).toBe('Edit integration');
      expect($(element, 'lightning-progress-indicator').currentStep).toBe('3');
      expect($(element, 'c-field-mapping-editor').mappings).toEqual(INTEGRATION.mappings);
      expect($(element, 'lightning-input.name').value).toBe(INTEGRATION.name);
      expect($(element, 'lightning-input.schedule-interval').value).toBe(6);
      expect($(element, 'lightning-combobox.ambiguity-policy').value).toBe('skip');
      expect($(element, 'lightning-combobox.converted-lead').value).toBe('follow-to-contact');
      // The first mapping was saved with clear; the second has no choice, so it keeps.
      expect(blankBoxes(element).map((box) => box.value)).toEqual(['clear', 'keep']);
      expect($(element, 'lightning-input.allow-large-changes-once').checked).toBe(true);
      expect($(element, 'lightning-input.max-cleared-percent').value).toBe(10);
      expect($(element, 'lightning-input.min-report-rows-percent').value).toBeNull();
      await expect(element).toBeAccessible();
    });

    it('goes back to the earlier screens with the saved choices and saves with the id', async () => {
      getIntegration.mockResolvedValue(INTEGRATION);
      saveIntegration.mockResolvedValue({ success: true, integrationId: INTEGRATION.id, problems: [] });
      const { element, closed } = await openWizard({ integrationId: INTEGRATION.id });
      getObjectFields.emit(LEAD_FIELDS);
      await flushPromises();

      element.shadowRoot.querySelectorAll('lightning-progress-step')[1].click();
      await flushPromises();
      expect($(element, 'lightning-combobox.report').value).toBe('rpt-logins');
      expect($(element, 'lightning-combobox.key-field').value).toBe('Email');
      await click(element, 'lightning-button.continue');
      await click(element, 'lightning-button.save');

      expect(sentDefinition()).toMatchObject({
        id: INTEGRATION.id,
        mappings: [
          { ...INTEGRATION.mappings[0], blank: 'clear' },
          { ...INTEGRATION.mappings[1], blank: 'keep' }
        ],
        scheduleType: 'Every N Hours',
        scheduleIntervalHours: 6,
        allowLargeChangesOnce: true,
        maxClearedPercent: 10,
        minReportRowsPercent: null
      });
      expect(toast.mock.calls[0][0].label).toBe('Integration saved');
      expect(closed).toHaveBeenCalledWith({ integrationId: INTEGRATION.id });
    });

    it('keeps the saved report name when the report has left the catalog', async () => {
      getIntegration.mockResolvedValue({
        ...INTEGRATION,
        reportId: 'rpt-retired',
        reportName: 'Retired Logins'
      });
      saveIntegration.mockResolvedValue({
        success: false,
        problems: [{ field: 'reportId', message: 'Gone.' }]
      });
      const { element } = await openWizard({ integrationId: INTEGRATION.id });
      getObjectFields.emit(LEAD_FIELDS);
      await flushPromises();

      expect($(element, '.mapping-summary').textContent).toBe('Retired Logins (Email) → Lead (Email)');
      await click(element, 'lightning-button.save');

      expect(sentDefinition()).toMatchObject({ reportId: 'rpt-retired', reportName: 'Retired Logins' });
      expect($(element, 'lightning-progress-indicator').currentStep).toBe('2');
      expect($(element, '.report-step .problem').textContent).toBe('Gone.');
    });

    it('says so when the integration cannot be loaded', async () => {
      getIntegration.mockRejectedValue({ body: { message: 'Integration not found.' } });
      const { element } = await openWizard({ integrationId: INTEGRATION.id });

      expect($(element, '.load-error').textContent).toContain('Integration not found.');
      expect($(element, '.environment-step')).toBeNull();
      expect($(element, 'lightning-button.continue')).toBeNull();
    });
  });

  it('closes without saving on Cancel', async () => {
    const { element, closed } = await openWizard();

    await click(element, 'lightning-button.cancel');

    expect(closed).toHaveBeenCalledTimes(1);
    expect(saveIntegration).not.toHaveBeenCalled();
  });
});
