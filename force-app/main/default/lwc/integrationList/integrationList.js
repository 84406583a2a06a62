import { LightningElement, wire } from 'lwc';
import { refreshApex } from '@salesforce/apex';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import LightningConfirm from 'lightning/confirm';
import getConnections from '@salesforce/apex/IntegrationController.getConnections';
import getReports from '@salesforce/apex/IntegrationController.getReports';
import getIntegrations from '@salesforce/apex/IntegrationController.getIntegrations';
import runNow from '@salesforce/apex/IntegrationController.runNow';
import deleteIntegration from '@salesforce/apex/IntegrationController.deleteIntegration';
import IntegrationWizard from 'c/integrationWizard';
import RunLogModal from 'c/runLogModal';
import { reduceErrors } from 'c/ldsUtils';
import { formatUtc, isRunActive, statusBadgeClass } from 'c/mappingRules';

// Queued and Running runs are refreshed this often until they end.
const POLL_INTERVAL_MS = 5000;

const RUN_NOW = 'run_now';
const EDIT = 'edit';
const LOG = 'log';
const DELETE = 'delete';

const COLUMNS = [
  { label: 'Name', fieldName: 'name', wrapText: true },
  { label: 'Report', fieldName: 'reportName' },
  { label: 'Object', fieldName: 'targetObject' },
  { label: 'Environment', fieldName: 'environmentLabel' },
  { label: 'Schedule', fieldName: 'scheduleText' },
  {
    label: 'Last run',
    fieldName: 'lastRunLabel',
    type: 'statusBadge',
    typeAttributes: { badgeClass: { fieldName: 'lastRunBadgeClass' } }
  },
  { label: 'Last run (UTC)', fieldName: 'lastRunTimeLabel' },
  { type: 'action', typeAttributes: { rowActions: rowActionsFor, menuAlignment: 'auto' } }
];

/** The row menu; Run Now is disabled while a run of the integration is queued or running. */
function rowActionsFor(row, doneCallback) {
  doneCallback([
    { label: 'Run Now', name: RUN_NOW, iconName: 'utility:play', disabled: isRunActive(row.lastRunStatus) },
    { label: 'Edit', name: EDIT, iconName: 'utility:edit' },
    { label: 'Log', name: LOG, iconName: 'utility:list' },
    { label: 'Delete', name: DELETE, iconName: 'utility:delete' }
  ]);
}

/**
 * The integrations of this org with the engine's connection state above them. Run Now, Edit, Log and Delete
 * from each row's menu; New Integration opens the wizard.
 */
export default class IntegrationList extends LightningElement {
  columns = COLUMNS;

  connections;
  connectionsError;
  reports;
  integrations;
  integrationsError;
  wiredIntegrationsResult;
  wiredConnectionsResult;
  wiredReportsResult;

  /** Runs queued from this page that the grid's data does not show yet, by integration id. */
  queuedRuns = {};
  pollTimer;
  isOnPage = false;

  @wire(getConnections)
  wiredConnections(result) {
    this.wiredConnectionsResult = result;
    this.connections = result.data;
    this.connectionsError = result.error && reduceErrors(result.error);
  }

  @wire(getReports)
  wiredReports(result) {
    this.wiredReportsResult = result;
    this.reports = result.data;
  }

  @wire(getIntegrations)
  wiredIntegrations(result) {
    this.wiredIntegrationsResult = result;
    if (result.data) {
      this.integrations = result.data;
      this.integrationsError = undefined;
      this.queuedRuns = {};
    } else if (result.error) {
      this.integrationsError = reduceErrors(result.error);
    }
    this.schedulePoll();
  }

  connectedCallback() {
    this.isOnPage = true;
  }

  disconnectedCallback() {
    this.isOnPage = false;
    clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
  }

  // ---- connection state

  get isLoadingConnections() {
    return !this.connections && !this.connectionsError;
  }

  get hasNoConnection() {
    return Boolean(this.connections) && this.connections.length === 0;
  }

  get connectionCards() {
    return (this.connections || []).map((connection) => ({
      ...connection,
      heartbeatLabel: formatUtc(connection.lastHeartbeat) || 'none yet',
      badgeClass:
        connection.status === 'Connected' && !connection.isStale
          ? 'slds-theme_success'
          : 'slds-theme_warning',
      advice: this.adviceFor(connection)
    }));
  }

  adviceFor(connection) {
    const where = connection.engineUrl ? ` at ${connection.engineUrl}` : '';
    if (connection.status === 'Needs Reconnection') {
      return `The engine lost access to this org. Open the engine console${where} and choose Reconnect.`;
    }
    if (connection.status === 'Disconnected') {
      return `Runs are stopped. Open the engine console${where} and choose Connect to resume them.`;
    }
    if (connection.isStale) {
      return `No heartbeat for more than 2 hours: the engine may be stopped. Check that it runs${where}.`;
    }
    return '';
  }

  // ---- the grid

  get rows() {
    return (this.integrations || []).map((integration) => {
      const lastRunStatus = this.queuedRuns[integration.id] || integration.lastRunStatus;
      return {
        ...integration,
        lastRunStatus,
        environmentLabel: integration.environment || '',
        scheduleText: integration.active
          ? integration.scheduleLabel
          : `${integration.scheduleLabel} (inactive)`,
        lastRunLabel: lastRunStatus || 'Never run',
        lastRunBadgeClass: statusBadgeClass(lastRunStatus),
        lastRunTimeLabel: formatUtc(integration.lastRunTime)
      };
    });
  }

  get hasIntegrations() {
    return Boolean(this.integrations?.length);
  }

  get isLoadingIntegrations() {
    return !this.integrations && !this.integrationsError;
  }

  get hasNoIntegrations() {
    return Boolean(this.integrations) && this.integrations.length === 0;
  }

  get hasNoTaggedReports() {
    return Boolean(this.reports) && this.reports.length === 0;
  }

  get hasActiveRuns() {
    return this.rows.some((row) => isRunActive(row.lastRunStatus));
  }

  schedulePoll() {
    if (this.pollTimer || !this.isOnPage || !this.hasActiveRuns) {
      return;
    }
    // Queued and Running rows change without any event reaching this page: ask the server again shortly.
    // eslint-disable-next-line @lwc/lwc/no-async-operation
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      if (this.hasActiveRuns) {
        this.refresh();
      }
    }, POLL_INTERVAL_MS);
  }

  async refresh() {
    await refreshApex(this.wiredIntegrationsResult);
    this.schedulePoll();
  }

  /** Refresh reloads everything the page shows: the connections, the report catalog and the integrations. */
  handleRefresh() {
    refreshApex(this.wiredConnectionsResult);
    refreshApex(this.wiredReportsResult);
    this.refresh();
  }

  // ---- actions

  async handleNewIntegration() {
    const result = await IntegrationWizard.open({
      size: 'large',
      description: 'Create a WalkMe integration'
    });
    if (result) {
      this.refresh();
    }
  }

  handleRowAction(event) {
    const { action, row } = event.detail;
    switch (action.name) {
      case RUN_NOW:
        this.runNow(row);
        break;
      case EDIT:
        this.edit(row);
        break;
      case LOG:
        RunLogModal.open({
          size: 'large',
          description: `Runs of ${row.name}`,
          integrationId: row.id,
          integrationName: row.name
        });
        break;
      case DELETE:
        this.delete(row);
        break;
      default:
    }
  }

  async runNow(row) {
    try {
      const queued = await runNow({ integrationId: row.id, dryRun: false });
      this.queuedRuns = { ...this.queuedRuns, [row.id]: 'Queued' };
      // Earlier runs the engine stopped working on no longer block Run Now: the toast says which.
      const notice = queued?.notice ? ` ${queued.notice}` : '';
      this.toast(
        'Run queued',
        `${row.name} starts within seconds. Its row shows the progress.${notice}`,
        notice ? 'warning' : 'success'
      );
      this.schedulePoll();
    } catch (error) {
      this.toast(`${row.name} was not run`, reduceErrors(error), 'error');
    }
  }

  async edit(row) {
    const result = await IntegrationWizard.open({
      size: 'large',
      description: `Edit ${row.name}`,
      integrationId: row.id
    });
    if (result) {
      this.refresh();
    }
  }

  async delete(row) {
    const confirmed = await LightningConfirm.open({
      label: 'Delete integration',
      message: `Delete "${row.name}"? Its schedule stops. Its runs stay in the run history and reports.`,
      theme: 'warning'
    });
    if (!confirmed) {
      return;
    }
    try {
      await deleteIntegration({ integrationId: row.id });
      this.toast('Integration deleted', `${row.name} was deleted.`, 'success');
      this.refresh();
    } catch (error) {
      this.toast(`${row.name} was not deleted`, reduceErrors(error), 'error');
    }
  }

  toast(title, message, variant) {
    this.dispatchEvent(new ShowToastEvent({ title, message, variant }));
  }
}
