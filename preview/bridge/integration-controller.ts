/**
 * IntegrationController.cls for the preview: each @AuraEnabled method the components import, answered from
 * the emulated org's live records through jsforce, in the shapes the Apex returns (WalkMeApexContracts.json
 * holds samples; the bridge's tests hold every answer to their shape). IntegrationSelector's queries run as
 * the connected admin, so "WITH USER_MODE" has nothing to narrow.
 */
import type { Connection, DescribeSObjectResult } from '@jsforce/jsforce-node';
import { soqlLiteral } from '../../sync-engine/src/domain/soql-literal.js';
import {
  INTEGRATION_TAG,
  toIntegrationFields,
  validateDefinition,
  type CatalogReport,
  type IntegrationDefinition,
  type ReportColumn
} from './integration-validator.js';
import { ApexUserError } from './apex-user-error.js';
import { requestRun, type RunRequest } from './run-request.js';
import {
  isKeyCandidate,
  isTarget,
  typeCompatibility,
  typeName,
  type TypeCompatibility
} from './target-schema.js';

type SObjectRecord = Record<string, unknown>;

const STALE_AFTER_HOURS = 2;
const MAX_RUNS = 50;
const MAX_ROWS = 2000;
const DEFAULT_HOUR_UTC = 9;
const ACTIVE_RUN_STATUSES = ['Queued', 'Running'];

/** Apex serialises a Datetime as ISO 8601 in UTC with milliseconds; REST gives `…+0000`. */
function datetime(value: unknown): string | null {
  return typeof value === 'string' ? new Date(value).toISOString() : null;
}

/** Apex's Decimal.intValue() of a number field. */
function integer(value: unknown): number | null {
  return typeof value === 'number' ? Math.trunc(value) : null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/**
 * IntegrationController.parseColumns and parseMappings: a JSON list stored in a text field; an unreadable value
 * gives an empty list, so the wizard shows a report it cannot map, or an empty mapping screen, instead of failing.
 */
function parseJsonList<T>(json: unknown): T[] {
  try {
    const list = typeof json === 'string' && json.trim() ? JSON.parse(json) : [];
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}

/** IntegrationSelector.withIntegrationTag: the exact tag in the comma-separated list. */
function hasIntegrationTag(record: SObjectRecord): boolean {
  return (text(record.Tags__c) ?? '').split(',').some((tag) => tag.trim().toLowerCase() === INTEGRATION_TAG);
}

/** IntegrationController.scheduleLabel. */
function scheduleLabel(record: SObjectRecord): string {
  if (record.Schedule_Type__c === 'Manual') return 'Manual only';
  if (record.Schedule_Type__c === 'Every N Hours') {
    const hours = integer(record.Schedule_Interval_Hours__c);
    return hours === 1 ? 'Every hour' : `Every ${hours} hours`;
  }
  const hour = integer(record.Schedule_Hour_UTC__c) ?? DEFAULT_HOUR_UTC;
  return `Daily at ${String(hour).padStart(2, '0')}:00 UTC`;
}

function requireId(value: unknown, what: string): string {
  if (typeof value !== 'string' || !/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(value)) {
    throw new ApexUserError(`${what} must be a Salesforce record id (got ${JSON.stringify(value)}).`);
  }
  return value;
}

export class IntegrationControllerBridge {
  #compatibility: TypeCompatibility[] | undefined;

  constructor(private readonly conn: Connection) {}

  async #query(soql: string): Promise<SObjectRecord[]> {
    return (await this.conn.query<SObjectRecord>(soql)).records;
  }

  async #describe(objectApiName: string): Promise<DescribeSObjectResult | undefined> {
    try {
      return await this.conn.describe(objectApiName.trim());
    } catch (error) {
      // describeSObjects throws for an unknown name; REST answers 404 NOT_FOUND.
      if ((error as { errorCode?: string }).errorCode === 'NOT_FOUND') return undefined;
      throw error;
    }
  }

  /** IntegrationSelector.taggedReports / taggedReportById. */
  async #taggedReports(reportId?: string): Promise<SObjectRecord[]> {
    const where = reportId
      ? `Report_Id__c = ${soqlLiteral(reportId)}`
      : `Tags__c LIKE ${soqlLiteral(`%${INTEGRATION_TAG}%`)}`;
    const records = await this.#query(
      `SELECT Id, Name, Report_Id__c, Tags__c, WalkMe_Environment__c, Columns__c, Row_Count__c, Refreshed_At__c FROM WalkMe_Report__c WHERE ${where} ORDER BY Name LIMIT ${MAX_ROWS}`
    );
    return records.filter(hasIntegrationTag);
  }

  async #integration(integrationId: unknown): Promise<SObjectRecord | undefined> {
    const id = requireId(integrationId, 'integrationId');
    const [record] = await this.#query(
      `SELECT Id, Name, Connection__c, Report_Id__c, Report_Name__c, WalkMe_Environment__c, Target_Object__c, Report_Key_Column__c, Object_Key_Field__c, Field_Mappings__c, Schedule_Type__c, Schedule_Hour_UTC__c, Schedule_Interval_Hours__c, Active__c, Ambiguity_Policy__c, Converted_Lead_Handling__c, Allow_Large_Changes_Once__c, Max_Cleared_Percent__c, Min_Report_Rows_Percent__c FROM WalkMe_Integration__c WHERE Id = ${soqlLiteral(id)} LIMIT 1`
    );
    return record;
  }

  #typeCompatibility(): TypeCompatibility[] {
    return (this.#compatibility ??= typeCompatibility());
  }

  /** IntegrationController.getConnections */
  async getConnections() {
    const staleBefore = Date.now() - STALE_AFTER_HOURS * 3600_000;
    const [organization] = await this.#query('SELECT Id, Name FROM Organization LIMIT 1');
    const records = await this.#query(
      `SELECT Id, Name, Environment__c, Connected_User__c, Status__c, Last_Heartbeat__c, Engine_URL__c FROM WalkMe_Connection__c ORDER BY Name LIMIT ${MAX_ROWS}`
    );
    return records.map((record) => {
      const lastHeartbeat = datetime(record.Last_Heartbeat__c);
      return {
        id: record.Id,
        name: record.Name,
        environment: text(record.Environment__c),
        connectedUser: text(record.Connected_User__c),
        status: text(record.Status__c),
        lastHeartbeat,
        engineUrl: text(record.Engine_URL__c),
        isStale: lastHeartbeat === null || Date.parse(lastHeartbeat) < staleBefore,
        orgName: text(organization?.Name),
        orgId: text(organization?.Id),
        instanceUrl: this.conn.instanceUrl
      };
    });
  }

  /** IntegrationController.getReports */
  async getReports() {
    return (await this.#taggedReports()).map((record) => ({
      reportId: record.Report_Id__c,
      name: record.Name,
      walkMeEnvironment: text(record.WalkMe_Environment__c),
      columns: parseJsonList<ReportColumn>(record.Columns__c),
      rowCount: integer(record.Row_Count__c),
      refreshedAt: datetime(record.Refreshed_At__c)
    }));
  }

  /** IntegrationController.getTargetObjects */
  async getTargetObjects() {
    const { sobjects } = await this.conn.describeGlobal();
    return sobjects
      .filter(isTarget)
      .map((object) => ({ apiName: object.name, label: object.label, custom: object.custom }))
      .sort((a, b) => a.label.localeCompare(b.label));
  }

  /** IntegrationController.getObjectFields */
  async getObjectFields({ objectApiName }: { objectApiName?: unknown }) {
    const described =
      typeof objectApiName === 'string' && objectApiName.trim()
        ? await this.#describe(objectApiName)
        : undefined;
    if (!described) {
      throw new ApexUserError(
        `The object ${String(objectApiName)} does not exist or you cannot see it. Choose another object.`
      );
    }
    return described.fields
      .map((field) => ({
        apiName: field.name,
        label: field.label,
        type: typeName(field),
        updateable: field.updateable,
        keyCandidate: isKeyCandidate(field),
        length: field.length,
        picklistValues: (field.picklistValues ?? [])
          .filter((entry) => entry.active)
          .map((entry) => entry.value)
      }))
      .sort((a, b) => a.label.localeCompare(b.label));
  }

  /** IntegrationController.getTypeCompatibility */
  async getTypeCompatibility() {
    return this.#typeCompatibility();
  }

  /**
   * IntegrationController.getIntegrations. A Queued or Running run shows instead of the last finished one.
   * Apex reads each integration's latest run in a child subquery; the bridge asks for the runs separately.
   */
  async getIntegrations() {
    const records = await this.#query(
      `SELECT Id, Name, Report_Name__c, Target_Object__c, WalkMe_Environment__c, Connection__r.Environment__c, Schedule_Type__c, Schedule_Hour_UTC__c, Schedule_Interval_Hours__c, Active__c, Last_Run__c, Last_Run_Status__c, Last_Run_Time__c FROM WalkMe_Integration__c ORDER BY CreatedDate DESC, Id DESC LIMIT ${MAX_ROWS}`
    );
    const latestRun = new Map<string, SObjectRecord>();
    if (records.length) {
      const runs = await this.#query(
        `SELECT Id, Integration__c, Status__c, Start_Time__c, CreatedDate FROM WalkMe_Sync_Run__c WHERE Integration__c IN (${records.map((r) => soqlLiteral(String(r.Id))).join(', ')}) ORDER BY CreatedDate DESC, Name DESC`
      );
      for (const run of runs) {
        const integrationId = String(run.Integration__c);
        if (!latestRun.has(integrationId)) latestRun.set(integrationId, run);
      }
    }
    return records.map((record) => {
      const latest = latestRun.get(String(record.Id));
      const showLatest =
        latest &&
        (ACTIVE_RUN_STATUSES.includes(String(latest.Status__c)) || record.Last_Run_Status__c == null);
      return {
        id: record.Id,
        name: record.Name,
        reportName: text(record.Report_Name__c),
        targetObject: text(record.Target_Object__c),
        walkMeEnvironment: text(record.WalkMe_Environment__c),
        environment: text((record.Connection__r as SObjectRecord | null)?.Environment__c),
        scheduleLabel: scheduleLabel(record),
        active: record.Active__c === true,
        lastRunStatus: showLatest ? text(latest.Status__c) : text(record.Last_Run_Status__c),
        lastRunTime: showLatest
          ? (datetime(latest.Start_Time__c) ?? datetime(latest.CreatedDate))
          : datetime(record.Last_Run_Time__c),
        lastRunId: showLatest ? latest.Id : text(record.Last_Run__c)
      };
    });
  }

  /** IntegrationController.getIntegration */
  async getIntegration({ integrationId }: { integrationId?: unknown }) {
    const record = await this.#integration(integrationId);
    if (!record)
      throw new ApexUserError('This integration no longer exists or you cannot see it. Refresh the list.');
    return {
      id: record.Id,
      name: record.Name,
      connectionId: text(record.Connection__c),
      reportId: text(record.Report_Id__c),
      reportName: text(record.Report_Name__c),
      walkMeEnvironment: text(record.WalkMe_Environment__c),
      targetObject: text(record.Target_Object__c),
      reportKeyColumn: text(record.Report_Key_Column__c),
      objectKeyField: text(record.Object_Key_Field__c),
      mappings: parseJsonList(record.Field_Mappings__c),
      scheduleType: text(record.Schedule_Type__c),
      scheduleHourUtc: integer(record.Schedule_Hour_UTC__c),
      scheduleIntervalHours: integer(record.Schedule_Interval_Hours__c),
      active: record.Active__c === true,
      ambiguityPolicy: text(record.Ambiguity_Policy__c),
      convertedLeadHandling: text(record.Converted_Lead_Handling__c),
      allowLargeChangesOnce: record.Allow_Large_Changes_Once__c === true,
      maxClearedPercent: integer(record.Max_Cleared_Percent__c),
      minReportRowsPercent: integer(record.Min_Report_Rows_Percent__c)
    };
  }

  /** IntegrationController.saveIntegration: validates, then inserts (no id) or updates. */
  async saveIntegration({ definitionJson }: { definitionJson?: unknown }) {
    let definition: IntegrationDefinition;
    try {
      definition = JSON.parse(String(definitionJson));
    } catch {
      throw new ApexUserError('The integration could not be read. Reload the page and save again.');
    }
    if (!definition || typeof definition !== 'object') {
      throw new ApexUserError('The integration could not be read. Reload the page and save again.');
    }
    if (definition.id && !(await this.#integration(definition.id))) {
      throw new ApexUserError(
        'This integration no longer exists or you cannot see it. Refresh the list and start again.'
      );
    }
    const connectionExists =
      typeof definition.connectionId === 'string' &&
      (
        await this.#query(
          `SELECT Id FROM WalkMe_Connection__c WHERE Id = ${soqlLiteral(requireId(definition.connectionId, 'connectionId'))}`
        )
      ).length > 0;
    const [reportRecord] = definition.reportId?.trim()
      ? await this.#taggedReports(definition.reportId.trim())
      : [];
    const report: CatalogReport | undefined = reportRecord && {
      reportId: String(reportRecord.Report_Id__c),
      name: String(reportRecord.Name),
      walkMeEnvironment: text(reportRecord.WalkMe_Environment__c),
      columns: parseJsonList<ReportColumn>(reportRecord.Columns__c)
    };
    const object = definition.targetObject?.trim()
      ? await this.#describe(definition.targetObject)
      : undefined;
    const problems = validateDefinition(definition, {
      connectionExists,
      report,
      object,
      objectIsTarget: Boolean(object && isTarget(object)),
      compatibility: this.#typeCompatibility()
    });
    if (problems.length) return { success: false, integrationId: null, problems };
    const fields = toIntegrationFields(definition, report!, object!);
    const sobject = this.conn.sobject('WalkMe_Integration__c');
    const saved = definition.id
      ? await sobject.update({ Id: definition.id, ...fields })
      : await sobject.create(fields);
    if (!saved.success) {
      throw new ApexUserError(
        `The integration could not be saved: ${saved.errors.map((e) => (typeof e === 'string' ? e : e.message)).join(' ')} Check that you have the WalkMe Integration Admin permission set, then save again.`
      );
    }
    return { success: true, integrationId: saved.id, problems: [] };
  }

  /** IntegrationController.deleteIntegration */
  async deleteIntegration({ integrationId }: { integrationId?: unknown }) {
    if (integrationId == null) throw new ApexUserError('Choose an integration to delete.');
    const result = await this.conn
      .sobject('WalkMe_Integration__c')
      .destroy(requireId(integrationId, 'integrationId'));
    if (!result.success) {
      throw new ApexUserError(
        `The integration could not be deleted: ${result.errors.map((e) => (typeof e === 'string' ? e : e.message)).join(' ')} Refresh the list; if it is still there, ask your admin for delete access.`
      );
    }
    return null;
  }

  /** IntegrationController.runNow → RunRequestService.requestRun */
  async runNow({
    integrationId,
    dryRun
  }: {
    integrationId?: unknown;
    dryRun?: unknown;
  }): Promise<RunRequest> {
    const record = integrationId == null ? undefined : await this.#integration(integrationId);
    if (!record)
      throw new ApexUserError('This integration no longer exists or you cannot see it. Refresh the list.');
    return requestRun(this.conn, record, dryRun === true);
  }

  /** IntegrationController.getRuns */
  async getRuns({ integrationId }: { integrationId?: unknown }) {
    const records = await this.#query(
      `SELECT Id, Name, Report_Name__c, Target_Object__c, Trigger__c, Status__c, Start_Time__c, End_Time__c, Rows_Read__c, Rows_Updated__c, Rows_Unchanged__c, Rows_Unmatched__c, Rows_Ambiguous__c, Rows_Invalid__c, Rows_Failed__c, API_Calls__c, Error_Summary__c FROM WalkMe_Sync_Run__c WHERE Integration__c = ${soqlLiteral(requireId(integrationId, 'integrationId'))} ORDER BY CreatedDate DESC, Name DESC LIMIT ${MAX_RUNS}`
    );
    return records.map((record) => ({
      id: record.Id,
      name: record.Name,
      reportName: text(record.Report_Name__c),
      targetObject: text(record.Target_Object__c),
      triggerType: text(record.Trigger__c),
      status: text(record.Status__c),
      startTime: datetime(record.Start_Time__c),
      endTime: datetime(record.End_Time__c),
      rowsRead: integer(record.Rows_Read__c),
      rowsUpdated: integer(record.Rows_Updated__c),
      rowsUnchanged: integer(record.Rows_Unchanged__c),
      rowsUnmatched: integer(record.Rows_Unmatched__c),
      rowsAmbiguous: integer(record.Rows_Ambiguous__c),
      rowsInvalid: integer(record.Rows_Invalid__c),
      rowsFailed: integer(record.Rows_Failed__c),
      apiCalls: integer(record.API_Calls__c),
      errorSummary: text(record.Error_Summary__c)
    }));
  }

  /** IntegrationController.getRunLog */
  async getRunLog({ runId }: { runId?: unknown }) {
    const [run] = await this.#query(
      `SELECT Id, Log__c FROM WalkMe_Sync_Run__c WHERE Id = ${soqlLiteral(requireId(runId, 'runId'))} LIMIT 1`
    );
    if (!run)
      throw new ApexUserError('This run no longer exists or you cannot see it. Refresh the run list.');
    return text(run.Log__c);
  }
}
