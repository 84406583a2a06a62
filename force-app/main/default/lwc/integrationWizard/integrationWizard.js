import { api, wire } from 'lwc';
import LightningModal from 'lightning/modal';
import Toast from 'lightning/toast';
import getConnections from '@salesforce/apex/IntegrationController.getConnections';
import getReports from '@salesforce/apex/IntegrationController.getReports';
import getTargetObjects from '@salesforce/apex/IntegrationController.getTargetObjects';
import getObjectFields from '@salesforce/apex/IntegrationController.getObjectFields';
import getIntegration from '@salesforce/apex/IntegrationController.getIntegration';
import saveIntegration from '@salesforce/apex/IntegrationController.saveIntegration';
import getTypeCompatibility from '@salesforce/apex/IntegrationController.getTypeCompatibility';
import { reduceErrors } from 'c/ldsUtils';
import {
  DEFAULT_SCHEDULE_HOUR_UTC,
  PRESET_DAILY_DEFAULT,
  PRESET_DAILY_OTHER,
  SCHEDULE_DAILY,
  SCHEDULE_EVERY_N_HOURS,
  SCHEDULE_PRESET_OPTIONS,
  blankChoice,
  formatUtc,
  hourLabel,
  isCompatible,
  isMappingComplete,
  keyFields,
  mappingProblemIndex,
  matchingObjects,
  presetSchedule,
  scheduleLabel,
  schedulePreset,
  suggestMappings
} from 'c/mappingRules';

const STEP_ENVIRONMENT = '1';
const STEP_REPORT = '2';
const STEP_MAPPING = '3';

// The step headers, named as the original product names its screens.
const STEPS = [
  { value: STEP_ENVIRONMENT, label: 'Environment' },
  { value: STEP_REPORT, label: 'Report & object' },
  { value: STEP_MAPPING, label: 'Mapping' }
];

// The screen that holds each definition field, so a server problem opens where it can be fixed.
const STEP_OF_FIELD = {
  connectionId: STEP_ENVIRONMENT,
  walkMeEnvironment: STEP_ENVIRONMENT,
  reportId: STEP_REPORT,
  reportKeyColumn: STEP_REPORT,
  targetObject: STEP_REPORT,
  objectKeyField: STEP_REPORT
};

const HOUR_OPTIONS = Array.from({ length: 24 }, (unused, hour) => ({
  label: hourLabel(hour),
  value: String(hour)
}));
const AMBIGUITY_OPTIONS = [
  { label: 'Update every matching record', value: 'update-all' },
  { label: 'Skip keys that match several records', value: 'skip' },
  { label: 'Update the most recently modified record', value: 'most-recent' }
];
const CONVERTED_LEAD_OPTIONS = [
  { label: 'Skip converted Leads', value: 'skip' },
  { label: 'Update the Contact the Lead was converted to', value: 'follow-to-contact' }
];

// A cleared number input sends '': no value, so the engine applies its default.
function optionalNumber(value) {
  return value === '' ? null : Number(value);
}

/**
 * The integration wizard: 1 Environment, 2 Report and object, 3 Field mapping. New integrations start on
 * screen 1; an existing one (integrationId) opens on the mapping screen. Closes with { integrationId } once
 * saved, so the list that opened it refreshes.
 */
export default class IntegrationWizard extends LightningModal {
  @api integrationId;

  currentStep = STEP_ENVIRONMENT;
  isIntegrationLoaded = false;

  connections;
  connectionsError;
  reports;
  reportsError;
  objects;
  objectsError;
  fields;
  fieldsError;
  compatibility;
  compatibilityError;
  loadError;
  objectSearch = '';

  name = '';
  connectionId;
  walkMeEnvironment;
  reportId;
  // The report name saved with an integration being edited, in case its report left the catalog.
  savedReportName;
  targetObject;
  reportKeyColumn;
  objectKeyField;
  mappings = [];
  schedulePresetValue = PRESET_DAILY_DEFAULT;
  scheduleType = SCHEDULE_DAILY;
  scheduleHourUtc = DEFAULT_SCHEDULE_HOUR_UTC;
  scheduleIntervalHours = 6;
  active = true;
  ambiguityPolicy = 'update-all';
  convertedLeadHandling = 'skip';
  allowLargeChangesOnce = false;
  maxClearedPercent = null;
  minReportRowsPercent = null;

  problems = [];
  sentRowIndexes = [];
  isSaving = false;

  schedulePresetOptions = SCHEDULE_PRESET_OPTIONS;
  hourOptions = HOUR_OPTIONS;
  ambiguityOptions = AMBIGUITY_OPTIONS;
  convertedLeadOptions = CONVERTED_LEAD_OPTIONS;

  connectedCallback() {
    if (this.integrationId) {
      this.loadIntegration();
    }
  }

  @wire(getConnections)
  wiredConnections({ data, error }) {
    this.connections = data;
    this.connectionsError = error && reduceErrors(error);
    const connected = this.connectedConnections;
    if (!this.connectionId && connected.length === 1) {
      this.connectionId = connected[0].id;
    }
  }

  @wire(getReports)
  wiredReports({ data, error }) {
    this.reports = data;
    this.reportsError = error && reduceErrors(error);
    const environments = this.walkMeEnvironmentOptions;
    if (!this.walkMeEnvironment && environments.length === 1) {
      this.walkMeEnvironment = environments[0].value;
    }
  }

  @wire(getTargetObjects)
  wiredObjects({ data, error }) {
    this.objects = data;
    this.objectsError = error && reduceErrors(error);
  }

  @wire(getObjectFields, { objectApiName: '$targetObject' })
  wiredFields({ data, error }) {
    this.fields = data;
    this.fieldsError = error && reduceErrors(error);
  }

  @wire(getTypeCompatibility)
  wiredCompatibility({ data, error }) {
    this.compatibility = data;
    this.compatibilityError = error && reduceErrors(error);
  }

  async loadIntegration() {
    try {
      const definition = await getIntegration({ integrationId: this.integrationId });
      this.name = definition.name;
      this.connectionId = definition.connectionId;
      this.walkMeEnvironment = definition.walkMeEnvironment;
      this.reportId = definition.reportId;
      this.savedReportName = definition.reportName;
      this.targetObject = definition.targetObject;
      this.reportKeyColumn = definition.reportKeyColumn;
      this.objectKeyField = definition.objectKeyField;
      this.mappings = definition.mappings || [];
      this.scheduleType = definition.scheduleType || SCHEDULE_DAILY;
      this.scheduleHourUtc = definition.scheduleHourUtc ?? DEFAULT_SCHEDULE_HOUR_UTC;
      this.schedulePresetValue = schedulePreset(this);
      this.scheduleIntervalHours = definition.scheduleIntervalHours ?? this.scheduleIntervalHours;
      this.active = definition.active !== false;
      this.ambiguityPolicy = definition.ambiguityPolicy || 'update-all';
      this.convertedLeadHandling = definition.convertedLeadHandling || 'skip';
      this.allowLargeChangesOnce = definition.allowLargeChangesOnce === true;
      this.maxClearedPercent = definition.maxClearedPercent ?? null;
      this.minReportRowsPercent = definition.minReportRowsPercent ?? null;
      this.currentStep = STEP_MAPPING;
      this.isIntegrationLoaded = true;
    } catch (error) {
      this.loadError = reduceErrors(error);
    }
  }

  // ---- what each screen offers

  get heading() {
    return this.integrationId ? 'Edit integration' : 'New integration';
  }

  get isLoadingIntegration() {
    return Boolean(this.integrationId) && !this.loadError && !this.isIntegrationLoaded;
  }

  get isEnvironmentStep() {
    return this.currentStep === STEP_ENVIRONMENT && !this.isLoadingIntegration && !this.loadError;
  }

  get isReportStep() {
    return this.currentStep === STEP_REPORT;
  }

  get isMappingStep() {
    return this.currentStep === STEP_MAPPING;
  }

  get connectedConnections() {
    return (this.connections || []).filter((connection) => connection.status === 'Connected');
  }

  get hasNoConnectedEnvironment() {
    return Boolean(this.connections) && this.connectedConnections.length === 0;
  }

  get connectionOptions() {
    return this.connectedConnections.map((connection) => ({
      label: `${connection.name} (${connection.environment})`,
      value: connection.id
    }));
  }

  get selectedConnection() {
    const connection = this.connectedConnections.find((candidate) => candidate.id === this.connectionId);
    return (
      connection && { ...connection, lastHeartbeatLabel: formatUtc(connection.lastHeartbeat) || 'none yet' }
    );
  }

  get steps() {
    return STEPS.map((step) => {
      const isCurrent = step.value === this.currentStep;
      let state = 'slds-is-incomplete';
      if (isCurrent) {
        state = 'slds-is-current slds-is-active';
      } else if (step.value < this.currentStep) {
        state = 'slds-is-complete';
      }
      return {
        ...step,
        itemClass: `slds-path__item ${state}`,
        ariaCurrent: isCurrent ? 'step' : null,
        disabled: !isCurrent && !this.canOpen(step.value)
      };
    });
  }

  get hasNoTaggedReports() {
    return Boolean(this.reports) && this.reports.length === 0;
  }

  get walkMeEnvironmentOptions() {
    const environments = [...new Set((this.reports || []).map((report) => report.walkMeEnvironment))];
    return environments.sort().map((environment) => ({ label: environment, value: environment }));
  }

  get reportOptions() {
    return (this.reports || [])
      .filter((report) => report.walkMeEnvironment === this.walkMeEnvironment)
      .map((report) => ({ label: report.name, value: report.reportId }));
  }

  get selectedReport() {
    return (this.reports || []).find((report) => report.reportId === this.reportId);
  }

  get reportName() {
    return this.selectedReport?.name || this.savedReportName || this.reportId;
  }

  get selectedReportSummary() {
    const report = this.selectedReport;
    if (!report) {
      return '';
    }
    const refreshed = formatUtc(report.refreshedAt);
    return `${report.columns.length} columns, ${report.rowCount ?? 0} rows${refreshed ? `, refreshed ${refreshed}` : ''}`;
  }

  get reportColumns() {
    return this.selectedReport?.columns || [];
  }

  get keyColumnOptions() {
    return this.reportColumns.map((column) => ({
      label: `${column.name} (${column.type})`,
      value: column.name
    }));
  }

  get isKeyColumnDisabled() {
    return !this.selectedReport;
  }

  /** The objects the search matches; the chosen one stays offered so the picker keeps showing it. */
  get objectOptions() {
    const matches = matchingObjects(this.objects, this.objectSearch);
    const chosen = (this.objects || []).find((object) => object.apiName === this.targetObject);
    const offered = chosen && !matches.includes(chosen) ? [chosen, ...matches] : matches;
    return offered.map((object) => ({
      label: `${object.label} (${object.apiName})`,
      value: object.apiName
    }));
  }

  get objectSearchSummary() {
    const total = this.objects?.length ?? 0;
    const shown = matchingObjects(this.objects, this.objectSearch).length;
    return this.objectSearch ? `${shown} of ${total} objects match` : `${total} objects`;
  }

  get keyColumnType() {
    return this.reportColumns.find((column) => column.name === this.reportKeyColumn)?.type;
  }

  get keyFieldOptions() {
    return keyFields(this.fields, this.keyColumnType, this.compatibility).map((field) => ({
      label: `${field.label} (${field.apiName}, ${field.type})`,
      value: field.apiName
    }));
  }

  get isKeyFieldDisabled() {
    return !this.targetObject || !this.fields || !this.compatibility;
  }

  /** Said when the object has no identifier field the chosen key column can be matched against. */
  get noFittingKeyField() {
    return Boolean(this.fields && this.compatibility && this.keyColumnType) &&
      this.keyFieldOptions.length === 0
      ? `No identifier field of ${this.targetObject} fits a ${this.keyColumnType} column. Choose another report column.`
      : '';
  }

  get isKeyPairCompatible() {
    const keyField = (this.fields || []).find((field) => field.apiName === this.objectKeyField);
    return Boolean(keyField) && isCompatible(this.keyColumnType, keyField.type, this.compatibility);
  }

  get isDaily() {
    return this.scheduleType === SCHEDULE_DAILY;
  }

  get isOtherHour() {
    return this.schedulePresetValue === PRESET_DAILY_OTHER;
  }

  get isEveryNHours() {
    return this.scheduleType === SCHEDULE_EVERY_N_HOURS;
  }

  get scheduleHourValue() {
    return String(this.scheduleHourUtc);
  }

  get isLeadTarget() {
    return this.targetObject === 'Lead';
  }

  get mappingSummary() {
    return `${this.reportName} (${this.reportKeyColumn}) → ${this.targetObject} (${this.objectKeyField})`;
  }

  // ---- navigation

  get isEnvironmentComplete() {
    return Boolean(this.connectionId && this.walkMeEnvironment);
  }

  get isReportComplete() {
    return Boolean(
      this.reportId &&
      this.targetObject &&
      this.reportKeyColumn &&
      this.objectKeyField &&
      this.isKeyPairCompatible
    );
  }

  get hasCompleteMapping() {
    return this.mappings.some(isMappingComplete);
  }

  get showBack() {
    return this.currentStep !== STEP_ENVIRONMENT;
  }

  get showContinue() {
    return this.currentStep !== STEP_MAPPING && !this.isLoadingIntegration && !this.loadError;
  }

  get isContinueDisabled() {
    return this.currentStep === STEP_ENVIRONMENT ? !this.isEnvironmentComplete : !this.isReportComplete;
  }

  get isSaveDisabled() {
    return !this.hasCompleteMapping || this.isSaving;
  }

  /** An earlier step always opens; a later one only when every step before it is complete. */
  canOpen(step) {
    return (
      step <= this.currentStep ||
      (this.isEnvironmentComplete && (step !== STEP_MAPPING || this.isReportComplete))
    );
  }

  goTo(step) {
    if (step === STEP_MAPPING && this.mappings.length === 0) {
      const suggested = suggestMappings(this.reportColumns, this.fields, {
        keyColumn: this.reportKeyColumn,
        keyField: this.objectKeyField,
        compatibility: this.compatibility
      });
      this.mappings = suggested.length ? suggested : [{ column: '', columnType: '', field: '' }];
    }
    if (step === STEP_MAPPING && !this.name) {
      this.name = `${this.reportName} → ${this.targetObject} by ${this.objectKeyField}`;
    }
    this.currentStep = step;
  }

  handleStepClick(event) {
    const step = event.currentTarget.dataset.step;
    if (step !== this.currentStep && this.canOpen(step)) {
      this.goTo(step);
    }
  }

  handleBack() {
    this.currentStep = String(Number(this.currentStep) - 1);
  }

  handleContinue() {
    if (!this.isContinueDisabled) {
      this.goTo(String(Number(this.currentStep) + 1));
    }
  }

  handleCancel() {
    this.close();
  }

  // ---- edits

  handleConnectionChange(event) {
    this.connectionId = event.detail.value;
  }

  handleWalkMeEnvironmentChange(event) {
    this.walkMeEnvironment = event.detail.value;
    if (this.selectedReport && this.selectedReport.walkMeEnvironment !== this.walkMeEnvironment) {
      this.reportId = undefined;
      this.reportKeyColumn = undefined;
      this.mappings = [];
    }
  }

  handleReportChange(event) {
    this.reportId = event.detail.value;
    const columnNames = this.reportColumns.map((column) => column.name);
    if (!columnNames.includes(this.reportKeyColumn)) {
      this.reportKeyColumn = undefined;
    }
    this.mappings = this.mappings.filter((mapping) => columnNames.includes(mapping.column));
  }

  handleObjectSearchChange(event) {
    this.objectSearch = event.detail.value || '';
  }

  handleObjectChange(event) {
    if (event.detail.value !== this.targetObject) {
      this.targetObject = event.detail.value;
      this.fields = undefined;
      this.objectKeyField = undefined;
      this.mappings = [];
    }
  }

  handleKeyColumnChange(event) {
    this.reportKeyColumn = event.detail.value;
    // A key field the new column cannot be matched against is chosen again.
    if (!this.keyFieldOptions.some((option) => option.value === this.objectKeyField)) {
      this.objectKeyField = undefined;
    }
  }

  handleKeyFieldChange(event) {
    this.objectKeyField = event.detail.value;
    // The key field cannot also receive a column: rows that mapped it choose again.
    this.mappings = this.mappings.map((mapping) => ({
      ...mapping,
      field: mapping.field === this.objectKeyField ? '' : mapping.field
    }));
  }

  handleMappingChange(event) {
    this.mappings = event.detail.mappings;
  }

  handleNameChange(event) {
    this.name = event.detail.value;
  }

  handleSchedulePresetChange(event) {
    this.schedulePresetValue = event.detail.value;
    const { scheduleType, scheduleHourUtc } = presetSchedule(this.schedulePresetValue);
    this.scheduleType = scheduleType;
    this.scheduleHourUtc = scheduleHourUtc ?? this.scheduleHourUtc;
  }

  handleHourChange(event) {
    this.scheduleHourUtc = Number(event.detail.value);
  }

  handleIntervalChange(event) {
    this.scheduleIntervalHours = Number(event.detail.value);
  }

  handleActiveChange(event) {
    this.active = event.detail.checked;
  }

  handleAmbiguityChange(event) {
    this.ambiguityPolicy = event.detail.value;
  }

  handleConvertedLeadChange(event) {
    this.convertedLeadHandling = event.detail.value;
  }

  handleAllowLargeChangesChange(event) {
    this.allowLargeChangesOnce = event.detail.checked;
  }

  handleMaxClearedChange(event) {
    this.maxClearedPercent = optionalNumber(event.detail.value);
  }

  handleMinReportRowsChange(event) {
    this.minReportRowsPercent = optionalNumber(event.detail.value);
  }

  // ---- save

  /** Server problems by field name, for the inline messages; mapping rows get theirs through rowProblems. */
  get fieldProblems() {
    return Object.fromEntries(this.problems.map((problem) => [problem.field, problem.message]));
  }

  get rowProblems() {
    return Object.fromEntries(
      this.problems
        .filter((problem) => mappingProblemIndex(problem.field) !== undefined)
        .map((problem) => [this.sentRowIndexes[mappingProblemIndex(problem.field)], problem.message])
    );
  }

  get hasProblems() {
    return this.problems.length > 0;
  }

  buildDefinition() {
    // Only complete rows are sent; sentRowIndexes maps the server's mappings[i] back to the row on screen.
    this.sentRowIndexes = this.mappings
      .map((mapping, index) => (isMappingComplete(mapping) ? index : -1))
      .filter((index) => index >= 0);
    return {
      id: this.integrationId || null,
      name: this.name,
      connectionId: this.connectionId,
      reportId: this.reportId,
      reportName: this.reportName,
      walkMeEnvironment: this.walkMeEnvironment,
      targetObject: this.targetObject,
      reportKeyColumn: this.reportKeyColumn,
      objectKeyField: this.objectKeyField,
      mappings: this.sentRowIndexes.map((index) => {
        const { column, columnType, field } = this.mappings[index];
        return { column, columnType, field, blank: blankChoice(this.mappings[index]) };
      }),
      scheduleType: this.scheduleType,
      scheduleHourUtc: this.isDaily ? this.scheduleHourUtc : null,
      scheduleIntervalHours: this.isEveryNHours ? this.scheduleIntervalHours : null,
      active: this.active,
      ambiguityPolicy: this.ambiguityPolicy,
      convertedLeadHandling: this.isLeadTarget ? this.convertedLeadHandling : null,
      allowLargeChangesOnce: this.allowLargeChangesOnce,
      maxClearedPercent: this.maxClearedPercent,
      minReportRowsPercent: this.minReportRowsPercent
    };
  }

  async handleSave() {
    if (this.isSaveDisabled) {
      return;
    }
    this.isSaving = true;
    this.problems = [];
    try {
      const definition = this.buildDefinition();
      const result = await saveIntegration({ definitionJson: JSON.stringify(definition) });
      if (result.success) {
        Toast.show(
          {
            label: this.integrationId ? 'Integration saved' : 'Integration created',
            message: `${definition.name}: ${scheduleLabel(definition)}.`,
            variant: 'success'
          },
          this
        );
        this.close({ integrationId: result.integrationId });
        return;
      }
      this.problems = result.problems || [];
      const steps = this.problems.map((problem) => STEP_OF_FIELD[problem.field] || STEP_MAPPING).sort();
      if (steps.length) {
        this.currentStep = steps[0];
      }
    } catch (error) {
      Toast.show(
        { label: 'The integration was not saved', message: reduceErrors(error), variant: 'error' },
        this
      );
    } finally {
      this.isSaving = false;
    }
  }
}
