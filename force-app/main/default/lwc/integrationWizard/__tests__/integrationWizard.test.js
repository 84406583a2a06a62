import { createElement } from '@lwc/engine-dom';
import Toast from 'lightning/toast';
import IntegrationWizard from 'c/integrationWizard';
import getConnections from '@salesforce/apex/IntegrationController.getConnections';
import getReports from '@salesforce/apex/IntegrationController.getReports';
import getTargetObjects from '@salesforce/apex/IntegrationController.getTargetObjects';
import getObjectFields from '@salesforce/apex/IntegrationController.getObjectFields';
import getIntegration from '@salesforce/apex/IntegrationController.getIntegration';
import saveIntegration from '@salesforce/apex/IntegrationController.saveIntegration';
import getTypeCompatibility from '@salesforce/apex/IntegrationController.getTypeCompatibility';

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
jest.mock(
  '@salesforce/apex/IntegrationController.getTypeCompatibility',
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

const { apexResult } = require('../../__tests__/apexContracts.cjs');

const CONNECTIONS = apexResult('IntegrationController.getConnections');
const REPORTS = apexResult('IntegrationController.getReports');
const OBJECTS = apexResult('IntegrationController.getTargetObjects');
const LEAD_FIELDS = apexResult('IntegrationController.getObjectFields');
const INTEGRATION = apexResult('IntegrationController.getIntegration');
const COMPATIBILITY = apexResult('IntegrationController.getTypeCompatibility');
const [CONNECTED, NEEDS_RECONNECTION] = CONNECTIONS;
// saveIntegration's sample is a refused save; a successful one has the same keys.
const NOT_SAVED = apexResult('IntegrationController.saveIntegration');
const SAVED = { ...NOT_SAVED, success: true, integrationId: 'a01000000000009AAA', problems: [] };

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
  getTypeCompatibility.emit(COMPATIBILITY);
  await flushPromises();
  return { element, closed };
}

const $ = (element, selector) => element.shadowRoot.querySelector(selector);
const values = (options) => options.map((option) => option.value);
const stepButtons = (element) => [...element.shadowRoot.querySelectorAll('nav.steps button.step')];
const stepButton = (element, name) => stepButtons(element).find((button) => button.textContent === name);
/** The name of the step header marked aria-current="step". */
const currentStep = (element) => $(element, 'nav.steps button[aria-current="step"]').textContent;

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

      expect(currentStep(element)).toBe('Environment');
      const connection = $(element, 'lightning-radio-group.connection');
      expect(connection.options).toEqual([{ label: `${CONNECTED.name} (Sandbox)`, value: CONNECTED.id }]);
      expect(connection.value).toBe(CONNECTED.id);
      const details = $(element, 'section.account-details');
      expect(details.getAttribute('aria-label')).toBe('Account details');
      expect($(element, '.org-name').textContent).toBe('Acme Inc.');
      expect($(element, '.org-id').textContent).toBe('00D000000000001EAA');
      expect($(element, '.user').textContent).toBe('integration@acme.com.uat');
      expect($(element, '.instance-url').textContent).toBe('https://acme--uat.sandbox.my.salesforce.com');
      expect($(element, '.environment').textContent).toBe('Sandbox');
      expect(details.textContent).toContain('2025-03-05 08:55 UTC');
      expect($(element, 'lightning-button.back')).toBeNull();
      await expect(element).toBeAccessible();
    });

    it('labels the step headers, marks the current one and opens a later one only when this one is done', async () => {
      const { element } = await openWizard();

      expect(stepButtons(element).map((button) => button.textContent)).toEqual([
        'Environment',
        'Report & object',
        'Mapping'
      ]);
      expect($(element, 'nav.steps').getAttribute('aria-label')).toBe('Wizard steps');
      expect(stepButton(element, 'Environment').getAttribute('aria-current')).toBe('step');
      expect(stepButton(element, 'Report & object').hasAttribute('aria-current')).toBe(false);
      expect(stepButton(element, 'Report & object').disabled).toBe(true);
      expect(stepButton(element, 'Mapping').disabled).toBe(true);

      await choose(element, 'lightning-combobox.walkme-environment', 'Production');
      expect(stepButton(element, 'Report & object').disabled).toBe(false);
      expect(stepButton(element, 'Mapping').disabled).toBe(true);

      stepButton(element, 'Report & object').click();
      await flushPromises();
      expect(currentStep(element)).toBe('Report & object');
      expect(stepButton(element, 'Environment').parentElement.className).toContain('slds-is-complete');
      expect(stepButton(element, 'Environment').disabled).toBe(false);
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
      const both = [CONNECTED, { ...NEEDS_RECONNECTION, status: 'Connected', environment: 'Production' }];
      const { element } = await openWizard({ connections: both, reports: [REPORTS[0]] });

      expect($(element, 'lightning-radio-group.connection').options).toHaveLength(2);
      expect($(element, 'lightning-radio-group.connection').value).toBeUndefined();
      expect($(element, 'section.account-details')).toBeNull();
      expect($(element, 'lightning-combobox.walkme-environment').value).toBe('Production');
      expect($(element, 'lightning-button.continue').disabled).toBe(true);

      await choose(element, 'lightning-radio-group.connection', NEEDS_RECONNECTION.id);
      expect($(element, '.environment').textContent).toBe('Production');
      expect($(element, 'lightning-button.continue').disabled).toBe(false);
    });

    it('explains how to connect when no environment is connected', async () => {
      const { element } = await openWizard({ connections: [NEEDS_RECONNECTION] });

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

      expect(currentStep(element)).toBe('Report & object');
      expect(values($(element, 'lightning-combobox.report').options)).toEqual(['rpt-logins', 'rpt-nps']);
      expect($(element, 'lightning-combobox.target-object').options).toEqual([
        { label: 'Account (Account)', value: 'Account' },
        { label: 'Contact (Contact)', value: 'Contact' },
        { label: 'Lead (Lead)', value: 'Lead' },
        { label: 'Subscription (Subscription__c)', value: 'Subscription__c' }
      ]);
      expect($(element, '.object-search-summary').textContent.trim()).toBe('4 objects');
      expect($(element, 'lightning-combobox.key-column').disabled).toBe(true);
      expect($(element, 'lightning-combobox.key-field').disabled).toBe(true);
      await expect(element).toBeAccessible();
    });

    it('narrows the objects to those the search matches, keeping the chosen one', async () => {
      const { element } = await openWizard();
      await choose(element, 'lightning-combobox.walkme-environment', 'Production');
      await click(element, 'lightning-button.continue');
      expect($(element, 'lightning-input.object-search').type).toBe('search');
      expect($(element, 'lightning-input.object-search').label).toBe('Search objects');

      await type(element, 'lightning-input.object-search', 'subSCR');
      expect(values($(element, 'lightning-combobox.target-object').options)).toEqual(['Subscription__c']);
      expect($(element, '.object-search-summary').textContent.trim()).toBe('1 of 4 objects match');

      await choose(element, 'lightning-combobox.target-object', 'Subscription__c');
      await type(element, 'lightning-input.object-search', 'con');
      expect(values($(element, 'lightning-combobox.target-object').options)).toEqual([
        'Subscription__c',
        'Contact'
      ]);
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
        'Logins Last 30 Days',
        'Signed Up',
        'Is Trial'
      ]);
      expect($(element, '.report-summary').textContent).toBe(
        '7 columns, 1200 rows, refreshed 2025-03-05 06:00 UTC'
      );
      expect(continueButton().disabled).toBe(true);

      await choose(element, 'lightning-combobox.target-object', 'Lead');
      expect(getObjectFields.getLastConfig()).toEqual({ objectApiName: 'Lead' });
      getObjectFields.emit(LEAD_FIELDS);
      await flushPromises();
      expect(values($(element, 'lightning-combobox.key-field').options)).toEqual(['Email', 'Id']);
      expect(continueButton().disabled).toBe(true);

      await choose(element, 'lightning-combobox.key-column', 'Email');
      expect(continueButton().disabled).toBe(true);
      await choose(element, 'lightning-combobox.key-field', 'Email');
      expect(continueButton().disabled).toBe(false);
    });

    it('offers only identifier fields whose type fits the key column, by the compatibility table', async () => {
      const { element } = await openWizard();
      await choose(element, 'lightning-combobox.walkme-environment', 'Production');
      await click(element, 'lightning-button.continue');
      await choose(element, 'lightning-combobox.report', 'rpt-logins');
      await choose(element, 'lightning-combobox.target-object', 'Lead');
      getObjectFields.emit(LEAD_FIELDS);
      await flushPromises();
      const keyFieldValues = () => values($(element, 'lightning-combobox.key-field').options);

      await choose(element, 'lightning-combobox.key-column', 'Email');
      expect(keyFieldValues()).toEqual(['Email']);
      await choose(element, 'lightning-combobox.key-column', 'User Id');
      expect(keyFieldValues()).toEqual(['Email', 'Id']);
      await choose(element, 'lightning-combobox.key-field', 'Id');
      expect($(element, 'lightning-button.continue').disabled).toBe(false);

      // A datetime column fits no identifier field of Lead: the chosen one goes, and the wizard says why.
      await choose(element, 'lightning-combobox.key-column', 'First Login');
      expect(keyFieldValues()).toEqual([]);
      expect($(element, 'lightning-combobox.key-field').value).toBeUndefined();
      expect($(element, '.no-key-field').textContent).toBe(
        'No identifier field of Lead fits a datetime column. Choose another report column.'
      );
      expect($(element, 'lightning-button.continue').disabled).toBe(true);
    });

    it('follows the table it is handed: a table without email → email offers no key field for Email', async () => {
      const { element } = await openWizard();
      getTypeCompatibility.emit(
        COMPATIBILITY.map((entry) => ({
          ...entry,
          fieldTypes: entry.columnType === 'email' ? ['string', 'textarea'] : entry.fieldTypes
        }))
      );
      await choose(element, 'lightning-combobox.walkme-environment', 'Production');
      await click(element, 'lightning-button.continue');
      await choose(element, 'lightning-combobox.report', 'rpt-logins');
      await choose(element, 'lightning-combobox.target-object', 'Lead');
      getObjectFields.emit(LEAD_FIELDS);
      await flushPromises();

      await choose(element, 'lightning-combobox.key-column', 'Email');
      expect(values($(element, 'lightning-combobox.key-field').options)).toEqual([]);
    });

    it('goes Back to screen 1 with the choices kept, and the step header returns to screen 2', async () => {
      const { element } = await openWizard();
      await choose(element, 'lightning-combobox.walkme-environment', 'Production');
      await click(element, 'lightning-button.continue');
      await choose(element, 'lightning-combobox.report', 'rpt-nps');

      await click(element, 'lightning-button.back');
      expect(currentStep(element)).toBe('Environment');
      expect($(element, 'lightning-combobox.walkme-environment').value).toBe('Production');

      // Screen 2 is incomplete: its header opens, the Mapping header does not.
      expect(stepButton(element, 'Mapping').disabled).toBe(true);
      stepButton(element, 'Mapping').click();
      await flushPromises();
      expect(currentStep(element)).toBe('Environment');

      stepButton(element, 'Report & object').click();
      await flushPromises();
      expect(currentStep(element)).toBe('Report & object');
      expect($(element, 'lightning-combobox.report').value).toBe('rpt-nps');
      stepButton(element, 'Environment').click();
      await flushPromises();
      expect(currentStep(element)).toBe('Environment');
    });
  });

  describe('screen 3, field mapping', () => {
    it('suggests mappings by name and a name, and gives the editor every column and the fields', async () => {
      const { element } = await openWizard();
      await openMappingScreen(element);

      expect(currentStep(element)).toBe('Mapping');
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
      saveIntegration.mockResolvedValue(SAVED);
      const { element, closed } = await openWizard();
      await openMappingScreen(element);
      const editor = $(element, 'c-field-mapping-editor');
      editor.dispatchEvent(
        new CustomEvent('mappingchange', {
          detail: { mappings: [...editor.mappings, { column: 'User Id', columnType: 'string', field: '' }] }
        })
      );
      await choose(element, 'lightning-radio-group.schedule-preset', 'every-n-hours');
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
        ...NOT_SAVED,
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
      expect(currentStep(element)).toBe('Mapping');
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
        ...NOT_SAVED,
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
      expect(currentStep(element)).toBe('Mapping');
      expect($(element, 'lightning-input.min-report-rows-percent').parentElement.textContent).toContain(
        'Smallest report: enter 0 to 100'
      );
      await expect(element).toBeAccessible();
    });

    it('opens the screen of a problem about the report and object', async () => {
      saveIntegration.mockResolvedValue({
        ...NOT_SAVED,
        problems: [{ field: 'objectKeyField', message: 'Email is not filterable on Lead any more.' }]
      });
      const { element } = await openWizard();
      await openMappingScreen(element);

      await click(element, 'lightning-button.save');

      expect(currentStep(element)).toBe('Report & object');
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

    it('offers 09:00 UTC by default with the Gainsight preset beside it, and another hour on request', async () => {
      saveIntegration.mockResolvedValue(SAVED);
      const { element } = await openWizard();
      await openMappingScreen(element);
      const preset = $(element, 'lightning-radio-group.schedule-preset');

      expect(preset.label).toBe('Schedule');
      expect(preset.value).toBe('daily-default');
      expect(preset.options.map((option) => option.label)).toEqual([
        'Daily at 09:00 UTC (default)',
        'Daily at 08:00 UTC — Gainsight reads the fields after the 08:00 sync',
        'Daily at another hour',
        'Every N hours',
        'Manual only'
      ]);
      expect($(element, 'lightning-combobox.schedule-hour')).toBeNull();

      await choose(element, 'lightning-radio-group.schedule-preset', 'daily-gainsight');
      await click(element, 'lightning-button.save');
      expect(sentDefinition()).toMatchObject({ scheduleType: 'Daily', scheduleHourUtc: 8 });
      expect(toast.mock.calls[0][0].message).toBe('Logins Review → Lead by Email: Daily at 08:00 UTC.');
    });

    it('saves Manual only without an hour or an interval', async () => {
      saveIntegration.mockResolvedValue(SAVED);
      const { element } = await openWizard();
      await openMappingScreen(element);

      await choose(element, 'lightning-radio-group.schedule-preset', 'manual');
      await click(element, 'lightning-button.save');

      expect(sentDefinition()).toMatchObject({
        scheduleType: 'Manual',
        scheduleHourUtc: null,
        scheduleIntervalHours: null
      });
    });

    it('offers the daily hour and no converted-Lead choice for a Contact target', async () => {
      saveIntegration.mockResolvedValue(SAVED);
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
      await choose(element, 'lightning-radio-group.schedule-preset', 'daily-other');
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
      // Apex gives a mapping saved before the blank choice existed a null blank.
      const [first, second] = INTEGRATION.mappings;
      getIntegration.mockResolvedValue({ ...INTEGRATION, mappings: [first, { ...second, blank: null }] });
      const { element } = await openWizard({ integrationId: INTEGRATION.id });
      getObjectFields.emit(LEAD_FIELDS);
      await flushPromises();

      expect(getIntegration).toHaveBeenCalledWith({ integrationId: INTEGRATION.id });
      expect($(element, 'lightning-modal-header').label).toBe('Edit integration');
      expect(currentStep(element)).toBe('Mapping');
      expect($(element, 'c-field-mapping-editor').mappings).toEqual([first, { ...second, blank: null }]);
      expect($(element, 'c-field-mapping-editor').compatibility).toEqual(COMPATIBILITY);
      expect($(element, 'lightning-radio-group.schedule-preset').value).toBe('every-n-hours');
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
      saveIntegration.mockResolvedValue({ ...SAVED, integrationId: INTEGRATION.id });
      const { element, closed } = await openWizard({ integrationId: INTEGRATION.id });
      getObjectFields.emit(LEAD_FIELDS);
      await flushPromises();

      stepButton(element, 'Report & object').click();
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
        ...NOT_SAVED,
        problems: [{ field: 'reportId', message: 'Gone.' }]
      });
      const { element } = await openWizard({ integrationId: INTEGRATION.id });
      getObjectFields.emit(LEAD_FIELDS);
      await flushPromises();

      expect($(element, '.mapping-summary').textContent).toBe('Retired Logins (Email) → Lead (Email)');
      await click(element, 'lightning-button.save');

      expect(sentDefinition()).toMatchObject({ reportId: 'rpt-retired', reportName: 'Retired Logins' });
      expect(currentStep(element)).toBe('Report & object');
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
