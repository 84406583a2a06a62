import { createElement } from '@lwc/engine-dom';
import FieldMappingEditor from 'c/fieldMappingEditor';

const { apexResult } = require('../../__tests__/apexContracts.cjs');

const FIELDS = apexResult('IntegrationController.getObjectFields');
const COLUMNS = apexResult('IntegrationController.getReports')[0].columns;
const COMPATIBILITY = apexResult('IntegrationController.getTypeCompatibility');

const flushPromises = () => Promise.resolve();

/** The editor with a parent that applies every `mappingchange`, as the wizard does. */
function createEditor(mappings, rowProblems = {}, compatibility = COMPATIBILITY) {
  const element = createElement('c-field-mapping-editor', { is: FieldMappingEditor });
  element.columns = COLUMNS;
  element.fields = FIELDS;
  element.keyField = 'Email';
  element.compatibility = compatibility;
  element.mappings = mappings;
  element.rowProblems = rowProblems;
  const changes = [];
  element.addEventListener('mappingchange', (event) => {
    changes.push(event.detail.mappings);
    element.mappings = event.detail.mappings;
  });
  document.body.appendChild(element);
  return { element, changes };
}

const rowsOf = (element) => [...element.shadowRoot.querySelectorAll('li.mapping-row')];
const fieldBox = (row) => row.querySelector('lightning-combobox.field');
const columnBox = (row) => row.querySelector('lightning-combobox.column');
const blankBox = (row) => row.querySelector('lightning-combobox.blank');
const labels = (options) => options.map((option) => option.label);
const values = (options) => options.map((option) => option.value);

function choose(combobox, value) {
  combobox.dispatchEvent(new CustomEvent('change', { detail: { value } }));
}

describe('c-field-mapping-editor', () => {
  afterEach(() => {
    while (document.body.firstChild) {
      document.body.removeChild(document.body.firstChild);
    }
    jest.clearAllMocks();
  });

  it('offers every report column, the key column included', async () => {
    const { element } = createEditor([{ column: '', columnType: '', field: '' }]);
    await flushPromises();

    const [row] = rowsOf(element);
    expect(values(columnBox(row).options)).toEqual([
      'User Id',
      'Email',
      'First Login',
      'Last Login',
      'Logins Last 30 Days',
      'Signed Up',
      'Is Trial'
    ]);
    expect(columnBox(row).options[3].label).toBe('Last Login (datetime)');
    await expect(element).toBeAccessible();
  });

  it('keeps the field disabled until a column is chosen', async () => {
    const { element } = createEditor([{ column: '', columnType: '', field: '' }]);
    await flushPromises();

    const field = fieldBox(rowsOf(element)[0]);
    expect(field.disabled).toBe(true);
    expect(field.placeholder).toBe('Choose a report column first');
  });

  it('offers updateable, compatible fields that are neither the key nor mapped in another row', async () => {
    const { element } = createEditor([
      { column: 'First Login', columnType: 'datetime', field: 'WalkMe_First_Login__c' },
      { column: 'Last Login', columnType: 'datetime', field: '' }
    ]);
    await flushPromises();

    const rows = rowsOf(element);
    // Not Email (the key), not WalkMe_First_Login__c (row 1), not CreatedDate (read-only), no boolean.
    expect(values(fieldBox(rows[1]).options)).toEqual(['Last_Login__c', 'LastName', 'WalkMe_Last_Login__c']);
    expect(fieldBox(rows[1]).options[2].label).toBe('WalkMe Last Login (WalkMe_Last_Login__c, datetime)');
    // A row keeps its own field on offer.
    expect(values(fieldBox(rows[0]).options)).toContain('WalkMe_First_Login__c');
  });

  it('never offers a boolean field for a date column', async () => {
    const { element } = createEditor([{ column: 'Signed Up', columnType: 'date', field: '' }]);
    await flushPromises();

    const offered = fieldBox(rowsOf(element)[0]).options;
    expect(values(offered)).not.toContain('HasOptedOutOfEmail');
    expect(values(offered)).toContain('LastName');
  });

  it('suggests the field whose name matches the chosen column', async () => {
    const { element, changes } = createEditor([{ column: '', columnType: '', field: '' }]);
    await flushPromises();

    choose(columnBox(rowsOf(element)[0]), 'Last Login');
    await flushPromises();

    expect(changes[0]).toEqual([
      { column: 'Last Login', columnType: 'datetime', field: 'WalkMe_Last_Login__c' }
    ]);
    expect(fieldBox(rowsOf(element)[0]).value).toBe('WalkMe_Last_Login__c');
    expect(fieldBox(rowsOf(element)[0]).disabled).toBe(false);
  });

  it('clears a field that the new column type cannot go into', async () => {
    const { element, changes } = createEditor([
      { column: 'Last Login', columnType: 'datetime', field: 'WalkMe_Last_Login__c' }
    ]);
    await flushPromises();

    choose(columnBox(rowsOf(element)[0]), 'Is Trial');
    await flushPromises();

    expect(changes[0]).toEqual([{ column: 'Is Trial', columnType: 'boolean', field: '' }]);
    expect(values(fieldBox(rowsOf(element)[0]).options)).toEqual(['HasOptedOutOfEmail', 'LastName']);
  });

  it('offers only what the compatibility table it is handed allows', async () => {
    const datetimeOnly = [{ columnType: 'datetime', fieldTypes: ['datetime'] }];
    const { element } = createEditor(
      [
        { column: 'Last Login', columnType: 'datetime', field: '' },
        { column: 'Is Trial', columnType: 'boolean', field: '' }
      ],
      {},
      datetimeOnly
    );
    await flushPromises();

    const [datetimeRow, booleanRow] = rowsOf(element);
    expect(values(fieldBox(datetimeRow).options)).toEqual([
      'Last_Login__c',
      'WalkMe_First_Login__c',
      'WalkMe_Last_Login__c'
    ]);
    expect(fieldBox(booleanRow).options).toEqual([]);
    expect(fieldBox(booleanRow).placeholder).toBe('No updateable boolean-compatible field left');
  });

  it('sets the chosen field', async () => {
    const { element, changes } = createEditor([{ column: 'Last Login', columnType: 'datetime', field: '' }]);
    await flushPromises();

    choose(fieldBox(rowsOf(element)[0]), 'Last_Login__c');

    expect(changes[0]).toEqual([{ column: 'Last Login', columnType: 'datetime', field: 'Last_Login__c' }]);
  });

  it('keeps the Salesforce value of a blank cell by default, also for rows saved without the choice', async () => {
    const { element } = createEditor([
      { column: 'First Login', columnType: 'datetime', field: 'WalkMe_First_Login__c' },
      { column: 'Last Login', columnType: 'datetime', field: 'WalkMe_Last_Login__c', blank: 'clear' }
    ]);
    await flushPromises();

    const [first, second] = rowsOf(element).map(blankBox);
    expect(first.label).toBe('When the report cell is blank, row 1');
    expect(labels(first.options)).toEqual(['Keep Salesforce value', 'Clear the field']);
    expect(first.value).toBe('keep');
    expect(second.value).toBe('clear');
    await expect(element).toBeAccessible();
  });

  it('announces Clear the field when the admin chooses it', async () => {
    const { element, changes } = createEditor([
      { column: 'Last Login', columnType: 'datetime', field: 'WalkMe_Last_Login__c' }
    ]);
    await flushPromises();

    choose(blankBox(rowsOf(element)[0]), 'clear');
    await flushPromises();

    expect(changes[0]).toEqual([
      { column: 'Last Login', columnType: 'datetime', field: 'WalkMe_Last_Login__c', blank: 'clear' }
    ]);
    expect(blankBox(rowsOf(element)[0]).value).toBe('clear');
  });

  it('says that clearing a checkbox sets it to false', async () => {
    const { element } = createEditor([
      { column: 'Is Trial', columnType: 'boolean', field: 'HasOptedOutOfEmail', blank: 'clear' }
    ]);
    await flushPromises();

    const blank = blankBox(rowsOf(element)[0]);
    expect(labels(blank.options)).toEqual(['Keep Salesforce value', 'Set to false']);
    expect(blank.value).toBe('clear');
  });

  it('keeps the blank choice when the column changes', async () => {
    const { element, changes } = createEditor([
      { column: 'First Login', columnType: 'datetime', field: 'WalkMe_First_Login__c', blank: 'clear' }
    ]);
    await flushPromises();

    choose(columnBox(rowsOf(element)[0]), 'Last Login');

    expect(changes[0]).toEqual([
      { column: 'Last Login', columnType: 'datetime', field: 'WalkMe_First_Login__c', blank: 'clear' }
    ]);
  });

  it('adds an empty row with Add column and deletes the row whose X is clicked', async () => {
    const { element } = createEditor([
      { column: 'First Login', columnType: 'datetime', field: 'WalkMe_First_Login__c' },
      { column: 'Last Login', columnType: 'datetime', field: 'WalkMe_Last_Login__c' }
    ]);
    await flushPromises();

    const add = element.shadowRoot.querySelector('lightning-button.add-row');
    expect(add.label).toBe('Add column');
    add.click();
    await flushPromises();
    expect(rowsOf(element)).toHaveLength(3);
    expect(element.mappings[2]).toEqual({ column: '', columnType: '', field: '' });

    const firstDelete = rowsOf(element)[0].querySelector('lightning-button-icon.delete');
    expect(firstDelete.alternativeText).toBe('Delete row 1');
    // The stylesheet shows the X on hover and focus within the row; the browser tests check it there.
    expect(firstDelete.parentElement.classList).toContain('delete-cell');
    firstDelete.click();
    await flushPromises();

    expect(element.mappings.map((mapping) => mapping.column)).toEqual(['Last Login', '']);
    expect(rowsOf(element)).toHaveLength(2);
  });

  it('explains what to do when there are no rows', async () => {
    const { element } = createEditor([]);
    await flushPromises();

    expect(rowsOf(element)).toHaveLength(0);
    expect(element.shadowRoot.querySelector('.empty').textContent).toContain('Choose Add column');
    await expect(element).toBeAccessible();
  });

  it("shows the server's problem beside the row it names", async () => {
    const { element } = createEditor(
      [
        { column: 'First Login', columnType: 'datetime', field: 'WalkMe_First_Login__c' },
        { column: 'Last Login', columnType: 'datetime', field: 'Last_Login__c' }
      ],
      { 1: 'Last_Login__c is not updateable by the sync engine user.' }
    );
    await flushPromises();

    const rows = rowsOf(element);
    expect(rows[0].querySelector('.problem')).toBeNull();
    expect(rows[1].querySelector('.problem').textContent).toBe(
      'Last_Login__c is not updateable by the sync engine user.'
    );
    await expect(element).toBeAccessible();
  });
});
