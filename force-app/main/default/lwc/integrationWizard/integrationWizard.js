import { api, wire } from 'lwc';
import LightningModal from 'lightning/modal';
import Toast from 'lightning/toast';
import getConnections from '@salesforce/apex/IntegrationController.getConnections';
import getReports from '@salesforce/apex/IntegrationController.getReports';
import getTargetObjects from '@salesforce/apex/IntegrationController.getTargetObjects';
import getObjectFields from '@salesforce/apex/IntegrationController.getObjectFields';
import getIntegration from '@salesforce/apex/IntegrationController.getIntegration';
import saveIntegration from '@salesforce/apex/IntegrationController.saveIntegration';
import { reduceErrors } from 'c/ldsUtils';
import {
  DEFAULT_SCHEDULE_HOUR_UTC,
  SCHEDULE_DAILY,
  SCHEDULE_EVERY_N_HOURS,
  SCHEDULE_MANUAL,
  blankChoice,
  formatUtc,
  hourLabel,
  isMappingComplete,
  mappingProblemIndex,
  scheduleLabel,
  suggestMappings
} from 'c/mappingRules';

const STEP_ENVIRONMENT = '1';
const STEP_REPORT = '2';
const STEP_MAPPING = '3';

// The screen that holds each definition field, so a server problem opens where it can be fixed.
const STEP_OF_FIELD = {
  connectionId: STEP_ENVIRONMENT,
  walkMeEnvironment: STEP_ENVIRONMENT,
  reportId: STEP_REPORT,
  reportKeyColumn: STEP_REPORT,
  targetObject: STEP_REPORT,
  objectKeyField: STEP_REPORT
};

const SCHEDULE_OPTIONS = [
  { label: 'Daily', value: SCHEDULE_DAILY },
  { label: 'Every N hours', value: SCHEDULE_EVERY_N_HOURS },
  { label: 'Manual only', value: SCHEDULE_MANUAL }
];
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
  furthestStep = STEP_ENVIRONMENT;

  connections;
  connectionsError;
  reports;
  reportsError;
  objects;
  objectsError;
  fields;
  fieldsError;
  loadError;

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

  scheduleOptions = SCHEDULE_OPTIONS;
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
      this.scheduleIntervalHours = definition.scheduleIntervalHours ?? this.scheduleIntervalHours;
      this.active = definition.active !== false;
      this.ambiguityPolicy = definition.ambiguityPolicy || 'update-all';
      this.convertedLeadHandling = definition.convertedLeadHandling || 'skip';
      this.allowLargeChangesOnce = definition.allowLargeChangesOnce === true;
      this.maxClearedPercent = definition.maxClearedPercent ?? null;
      this.minReportRowsPercent = definition.minReportRowsPercent ?? null;
      this.currentStep = STEP_MAPPING;
      this.furthestStep = STEP_MAPPING;
    } catch (error) {
      this.loadError = reduceErrors(error);
    }
  }

  // ---- what each screen offers

  get heading() {
    return this.integrationId ? 'Edit integration' : 'New integration';
  }

  get isLoadingIntegration() {
    return Boolean(this.integrationId) && !this.loadError && this.furthestStep !== STEP_MAPPING;
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

  get objectOptions() {
    return (this.objects || []).map((object) => ({
      label: `${object.label} (${object.apiName})`,
      value: object.apiName
    }));
  }

  get keyFieldOptions() {
    return (this.fields || [])
      .filter((field) => field.keyCandidate)
      .map((field) => ({ label: `${field.label} (${field.apiName})`, value: field.apiName }));
  }

  get isKeyFieldDisabled() {
    return !this.targetObject || !this.fields;
  }

  get isDaily() {
    return this.scheduleType === SCHEDULE_DAILY;
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
    return Boolean(this.reportId && this.targetObject && this.reportKeyColumn && this.objectKeyField);
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

  canOpen(step) {
    return (
      step <= this.furthestStep &&
      (step === STEP_ENVIRONMENT || this.isEnvironmentComplete) &&
      (step !== STEP_MAPPING || this.isReportComplete)
    );
  }

  goTo(step) {
    if (step === STEP_MAPPING && this.mappings.length === 0) {
      const suggested = suggestMappings(this.reportColumns, this.fields, {
        keyColumn: this.reportKeyColumn,
        keyField: this.objectKeyField
      });
      this.mappings = suggested.length ? suggested : [{ column: '', columnType: '', field: '' }];
    }
    if (step === STEP_MAPPING && !this.name) {
      this.name = `${this.reportName} → ${this.targetObject} by ${this.objectKeyField}`;
    }
    this.currentStep = step;
    if (step > this.furthestStep) {
      this.furthestStep = step;
    }
  }

  handleStepClick(event) {
    const step = event.currentTarget.value;
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

  handleScheduleTypeChange(event) {
    this.scheduleType = event.detail.value;
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
