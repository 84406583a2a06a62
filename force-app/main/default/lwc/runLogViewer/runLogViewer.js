import { LightningElement, api } from 'lwc';
import getRunLog from '@salesforce/apex/IntegrationController.getRunLog';
import { reduceErrors } from 'c/ldsUtils';

/**
 * The log text of one WalkMe_Sync_Run__c: on the run's record page (recordId from the page) and inside the
 * run log modal. getRunLog is not cacheable (the engine keeps appending while a run goes), so it is called
 * imperatively and again on Refresh.
 */
export default class RunLogViewer extends LightningElement {
  log;
  error;
  isLoading = false;
  _recordId;

  @api
  get recordId() {
    return this._recordId;
  }
  set recordId(value) {
    this._recordId = value;
    this.loadLog();
  }

  get hasLog() {
    return Boolean(this.log);
  }

  get isEmpty() {
    return !this.isLoading && !this.error && !this.log;
  }

  handleRefresh() {
    this.loadLog();
  }

  async loadLog() {
    if (!this._recordId) {
      return;
    }
    this.isLoading = true;
    this.error = undefined;
    try {
      this.log = await getRunLog({ runId: this._recordId });
    } catch (error) {
      this.log = undefined;
      this.error = reduceErrors(error);
    } finally {
      this.isLoading = false;
    }
  }
}
