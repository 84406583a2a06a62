/**
 * The demo's integration, created in the emulated org when absent: the Logins Review report into Leads,
 * matched by email.
 */
import { DEFAULT_MASS_CHANGE_GUARD, type IntegrationDefinition } from '../src/domain/integration.js';
import { SAMPLE_REPORT_IDS } from '../emulators/insights/sample-reports.js';

export const SAMPLE_INTEGRATION: IntegrationDefinition = {
  name: 'Logins Review → Lead by Email',
  reportId: SAMPLE_REPORT_IDS.loginsReview,
  reportName: 'Logins Review',
  walkMeEnvironment: 'Production',
  targetObject: 'Lead',
  reportKeyColumn: 'Email',
  objectKeyField: 'Email',
  mappings: [
    { column: 'First Login', columnType: 'datetime', field: 'WalkMe_First_Login__c', blank: 'keep' },
    { column: 'Last Login', columnType: 'datetime', field: 'WalkMe_Last_Login__c', blank: 'keep' },
    {
      column: 'Logins Last 30 Days',
      columnType: 'number',
      field: 'WalkMe_Logins_Last_30_Days__c',
      blank: 'keep'
    },
    { column: '', columnType: 'datetime', field: 'WalkMe_Last_Synced__c', blank: 'keep' }
  ],
  ambiguityPolicy: 'update-all',
  convertedLeadHandling: 'follow-to-contact',
  schedule: { type: 'Daily', hourUtc: 9, intervalHours: null },
  active: true,
  guard: { ...DEFAULT_MASS_CHANGE_GUARD }
};
