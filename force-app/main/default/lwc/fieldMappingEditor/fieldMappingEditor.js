import { LightningElement, api } from 'lwc';
import { blankChoice, blankOptions, offeredFields, suggestField } from 'c/mappingRules';

/**
 * The rows "report column → Salesforce field, when blank" of the wizard's third screen. The wizard owns the
 * mappings; every edit is announced with a `mappingchange` event carrying the new array.
 */
export default class FieldMappingEditor extends LightningElement {
  /** Every column of the report, the key column included: [{ name, type }]. */
  @api columns = [];
  /** The target object's fields (FieldInfo). */
  @api fields = [];
  @api keyField;
  /** Which column types fit which field types: getTypeCompatibility's [{ columnType, fieldTypes }]. */
  @api compatibility = [];
  /** [{ column, columnType, field, blank }]; no blank means keep. */
  @api mappings = [];
  /** Server problems for rows, by the index of the row: { 2: 'message' }. */
  @api rowProblems = {};

  get columnOptions() {
    return (this.columns || []).map((column) => ({
      label: `${column.name} (${column.type})`,
      value: column.name
    }));
  }

  get rows() {
    return (this.mappings || []).map((mapping, index) => {
      const takenFields = this.mappings
        .filter((other, otherIndex) => otherIndex !== index && other.field)
        .map((other) => other.field);
      const fieldOptions = mapping.column
        ? offeredFields(this.fields, {
            columnType: mapping.columnType,
            keyField: this.keyField,
            takenFields,
            compatibility: this.compatibility
          }).map((field) => ({
            label: `${field.label} (${field.apiName}, ${field.type})`,
            value: field.apiName
          }))
        : [];
      const number = index + 1;
      const fieldType = (this.fields || []).find((field) => field.apiName === mapping.field)?.type;
      return {
        key: `row-${number}`,
        index,
        column: mapping.column,
        field: mapping.field,
        fieldOptions,
        isFieldDisabled: !mapping.column,
        fieldPlaceholder: this.fieldPlaceholder(mapping, fieldOptions),
        blank: blankChoice(mapping),
        blankOptions: blankOptions(fieldType),
        columnLabel: `Report column, row ${number}`,
        fieldLabel: `Salesforce field, row ${number}`,
        blankLabel: `When the report cell is blank, row ${number}`,
        deleteLabel: `Delete row ${number}`,
        problem: this.rowProblems?.[index]
      };
    });
  }

  get hasRows() {
    return Boolean(this.mappings?.length);
  }

  fieldPlaceholder(mapping, fieldOptions) {
    if (!mapping.column) {
      return 'Choose a report column first';
    }
    return fieldOptions.length
      ? 'Choose a field'
      : `No updateable ${mapping.columnType}-compatible field left`;
  }

  handleColumnChange(event) {
    const index = Number(event.target.dataset.index);
    const column = this.columns.find((candidate) => candidate.name === event.detail.value);
    const current = this.mappings[index];
    const takenFields = this.mappings
      .filter((other, otherIndex) => otherIndex !== index && other.field)
      .map((other) => other.field);
    const stillOffered = offeredFields(this.fields, {
      columnType: column.type,
      keyField: this.keyField,
      takenFields,
      compatibility: this.compatibility
    });
    const keepField = stillOffered.some((field) => field.apiName === current.field);
    const suggested = suggestField(column, this.fields, {
      keyField: this.keyField,
      takenFields,
      compatibility: this.compatibility
    });
    this.update(index, {
      ...current,
      column: column.name,
      columnType: column.type,
      field: keepField ? current.field : suggested?.apiName || ''
    });
  }

  handleFieldChange(event) {
    const index = Number(event.target.dataset.index);
    this.update(index, { ...this.mappings[index], field: event.detail.value });
  }

  handleBlankChange(event) {
    const index = Number(event.target.dataset.index);
    this.update(index, { ...this.mappings[index], blank: event.detail.value });
  }

  handleAddRow() {
    this.announce([...this.mappings, { column: '', columnType: '', field: '' }]);
  }

  handleDeleteRow(event) {
    const index = Number(event.target.dataset.index);
    this.announce(this.mappings.filter((mapping, otherIndex) => otherIndex !== index));
  }

  update(index, mapping) {
    this.announce(this.mappings.map((other, otherIndex) => (otherIndex === index ? mapping : other)));
  }

  announce(mappings) {
    this.dispatchEvent(new CustomEvent('mappingchange', { detail: { mappings } }));
  }
}
