/**
 * The pipeline's `TargetOrg` on a jsforce connection: describes once per run, key lookups by URL-sized SOQL
 * (one per call, or five in a composite call) or one Bulk API 2.0 query, writes by sObject Collections (one or
 * five to a call) or Bulk ingest jobs, the object's record count, and the run's log record (opened in one
 * composite call with the describes the run plans from).
 */
import type { Connection } from '@jsforce/jsforce-node';
import type { TargetOrg } from '../sync/target-org.js';
import { readDailyBudget, readRecordCount } from './api-budget.js';
import { countApiCalls } from './api-call-counter.js';
import { DescribeCache } from './describe-cache.js';
import { loadObjectIndex, queryByIds, SoqlMatcher } from './record-matcher.js';
import { writeWithBulkIngest } from './bulk-ingest.js';
import { writeWithCollections } from './record-writers.js';
import { recordRunEnd, recordRunStart } from './run-recorder.js';
import { lastRefreshFailure } from './connection-refresh.js';
import { salesforceFailure } from './salesforce-errors.js';
import { describedObjects } from '../sync/target-plan.js';

/** The org of one run (describes are the run's own: see `DescribeCache`). */
export function salesforceTargetOrg(conn: Connection): TargetOrg {
  const cache = new DescribeCache(conn);
  return {
    countCalls: (work) => countApiCalls(conn, work),
    describe: (objectName) => cache.describe(objectName),
    dailyBudget: () => readDailyBudget(conn),
    recordCount: (objectName) => readRecordCount(conn, objectName),
    keyLookup: (spec, options) => new SoqlMatcher(conn, spec, options.maxUrlBytes, options.perCall),
    objectIndex: (spec, polling) => loadObjectIndex(conn, spec, polling),
    findByIds: (spec, ids, maxUrlBytes) => queryByIds(conn, spec, ids, maxUrlBytes),
    updateWithCollections: (writes, options, onResult) =>
      writeWithCollections(conn, writes, options, onResult),
    updateWithBulkIngest: (objectName, upload, polling) =>
      writeWithBulkIngest(conn, objectName, upload, polling),
    openRunRecord: async (start) => {
      const { runId, described } = await recordRunStart(conn, start, describedObjects(start.integration));
      for (const [objectName, info] of described) cache.prime(objectName, info);
      return runId;
    },
    closeRunRecord: (runId, result, options) => recordRunEnd(conn, runId, result, options),
    failure: (error) => salesforceFailure(error, lastRefreshFailure(conn))
  };
}
