import { api } from 'lwc';
import LightningModal from 'lightning/modal';
import getRuns from '@salesforce/apex/IntegrationController.getRuns';
import { reduceErrors } from 'c/ldsUtils';
import { formatRuntime, formatUtc, runRecordUrl, runtimeSeconds, statusBadgeClass } from 'c/mappingRules';

/**
 * The runs of one integration, newest first (as getRuns returns them), and the full log of the one picked,
 * with a link to its run record. The runtime shown is end minus start, as the original product's log.
 */
export default class RunLogModal extends LightningModal {
  @api integrationId;
  @api integrationName;

  runs;
  error;
  selectedRun;

  connectedCallback() {
    this.loadRuns();
  }

  async loadRuns() {
    try {
      const runs = await getRuns({ integrationId: this.integrationId });
      this.runs = runs.map((run) => ({
        ...run,
        startLabel: formatUtc(run.startTime),
        runtimeLabel: formatRuntime(runtimeSeconds(run.startTime, run.endTime)),
        badgeClass: statusBadgeClass(run.status),
        showLogLabel: `Show log of ${run.name}`
      }));
      this.error = undefined;
    } catch (error) {
      this.runs = undefined;
      this.error = reduceErrors(error);
    }
  }

  get heading() {
    return this.integrationName ? `Run log: ${this.integrationName}` : 'Run log';
  }

  get isLoading() {
    return !this.runs && !this.error;
  }

  get hasRuns() {
    return Boolean(this.runs?.length) && !this.selectedRun;
  }

  get hasNoRuns() {
    return this.runs?.length === 0;
  }

  get selectedRunUrl() {
    return this.selectedRun && runRecordUrl(this.selectedRun.id);
  }

  get selectedRunLinkLabel() {
    return this.selectedRun && `Open run record ${this.selectedRun.name}`;
  }

  handleShowLog(event) {
    this.selectedRun = this.runs.find((run) => run.id === event.target.dataset.id);
  }

  handleBackToRuns() {
    this.selectedRun = undefined;
  }

  handleClose() {
    this.close();
  }
}
