/**
 * One run of an integration: a report's rows into fields of existing Salesforce records
 * (DESIGN.md "A run"). The entry point is `runSync`; the engine service, the CLI and the benchmark call it.
 *
 * The report is streamed: rows are validated, coerced and matched in batches the size of one URL-limited
 * SOQL query (or against one Bulk API 2.0 index of the object), and only the rows waiting for a write keep
 * state. Every row ends in exactly one outcome, delivered through `onOutcome`; the result keeps counts and
 * the rejected rows (capped).
 */
import type { Connection } from '@jsforce/jsforce-node';
import type { ReportRowStream, ReportSource } from '../sources/report-source.js';
import type { IntegrationDefinition, RunResult } from './integration.js';
import { countApiCalls } from '../salesforce/api-call-counter.js';
import { BudgetExceededError } from '../salesforce/api-budget.js';
import { describeCache as sharedDescribeCache } from '../salesforce/describe-cache.js';
import { describeSalesforceFailure } from '../salesforce/salesforce-errors.js';
import { recordRunEnd, recordRunStart } from '../salesforce/run-recorder.js';
import { applyAmbiguityPolicy } from './ambiguity-policy.js';
import { checkBudget } from './budget-check.js';
import { candidateBatches, type PendingRow } from './candidate-batches.js';
import { ChangesSample } from './changes-sample.js';
import { ReportKeyRegistry } from './key-normaliser.js';
import { TargetResolver, type Target } from './match-targets.js';
import { OutcomeTally } from './outcome-tally.js';
import { recordWrites } from './record-changes.js';
import { countReportRows, openReportRows, readReport } from './report-reading.js';
import { RunFailure } from './run-failure.js';
import { RunLog } from './run-log.js';
import { bulkPollingOf, thresholdsOf, type RunOptions, type RunProgress } from './run-options.js';
import { followsContacts, matchSpecFor, planTargets, type TargetPlan } from './target-plan.js';
import { WriteQueue } from './write-queue.js';

export type { RunOptions, RunProgress } from './run-options.js';

export interface RunInput {
  connection: Connection;
  integration: IntegrationDefinition;
  source: ReportSource;
  options?: RunOptions;
}

/**
 * Runs `integration` once against the org behind `connection`, reading rows from `source`.
 * Never throws for a run that fails: the result says `Failed` with the reason in `error`.
 */
export async function runSync(input: RunInput): Promise<RunResult> {
  const run = new SyncRun(input);
  return run.execute();
}

class SyncRun {
  private readonly conn: Connection;
  private readonly integration: IntegrationDefinition;
  private readonly options: RunOptions;
  private readonly startedAt = new Date();
  private readonly log = new RunLog();
  private readonly tally: OutcomeTally;
  private readonly sample: ChangesSample;
  private readonly writes: WriteQueue;
  private matched = 0;
  private strategy: RunResult['strategy'] = { match: 'soql', write: 'none' };

  constructor(private readonly input: RunInput) {
    this.conn = input.connection;
    this.integration = input.integration;
    this.options = input.options ?? {};
    this.tally = new OutcomeTally(this.options.rejectedCap ?? 10_000, this.options.onOutcome);
    this.sample = new ChangesSample(this.options.changesSampleSize ?? 50);
    this.writes = new WriteQueue(this.tally);
  }

  private progress(phase: RunProgress['phase']): void {
    this.options.onProgress?.({
      phase,
      rowsRead: this.tally.counts.read,
      matched: this.matched,
      written: this.writes.written
    });
  }

  execute(): Promise<RunResult> {
    return countApiCalls(this.conn, (calls) => this.executeCounted(calls));
  }

  private async executeCounted(calls: () => number): Promise<RunResult> {
    const record = this.options.record ?? true;
    let runId = this.options.runId;
    let error: string | undefined;
    try {
      if (record) {
        runId = await recordRunStart(this.conn, {
          runId,
          integration: this.integration,
          trigger: this.options.trigger ?? 'Manual',
          dryRun: this.options.dryRun ?? false,
          startedAt: this.startedAt
        });
      }
      this.log.note(`Run of "${this.integration.name}"${this.options.dryRun ? ' (dry run)' : ''} started.`);
      await this.process();
    } catch (failure) {
      error =
        failure instanceof RunFailure || failure instanceof BudgetExceededError
          ? failure.message
          : describeSalesforceFailure(failure);
      this.log.note(`Failed: ${error}`);
    }
    const result = this.result(error);
    if (record && runId) {
      this.progress('recording');
      try {
        await recordRunEnd(this.conn, runId, result, {
          integrationId: this.integration.id,
          callsSoFar: calls
        });
        result.runId = runId;
      } catch (failure) {
        result.log.push(`The run record could not be written: ${describeSalesforceFailure(failure)}`);
      }
    }
    result.apiCalls = calls();
    this.progress('done');
    return result;
  }

  private result(failure: string | undefined): RunResult {
    const endedAt = new Date();
    const error = failure ?? this.tally.invariantError();
    const status = this.tally.status(error);
    const dryRun = this.options.dryRun ?? false;
    this.log.summary(status, this.tally.counts, dryRun);
    return {
      integrationName: this.integration.name,
      reportName: this.integration.reportName,
      targetObject: this.integration.targetObject,
      status,
      dryRun,
      startedAt: this.startedAt,
      endedAt,
      counts: { ...this.tally.counts },
      apiCalls: 0,
      strategy: this.strategy,
      ...this.tally.rejectedRows(),
      changesSample: this.sample.changes,
      ...(error ? { error } : {}),
      log: this.log.lines
    };
  }

  /** The steps of DESIGN.md "A run", in order. */
  private async process(): Promise<void> {
    const { source } = this.input;
    const { reportName } = this.integration;
    const thresholds = thresholdsOf(this.options);
    this.progress('checking');
    const report = await readReport(reportName, () => source.getReport(this.integration.reportId));
    const rows = report.rowCount ?? (await countReportRows(source, this.integration));
    this.strategy.match = rows > thresholds.bulkQueryAbove ? 'bulk-query' : 'soql';
    await checkBudget(
      this.conn,
      {
        reportName: report.name,
        rows,
        matchStrategy: this.strategy.match,
        dryRun: this.options.dryRun ?? false,
        bulkIngestAbove: thresholds.bulkIngestAbove,
        maxUrlBytes: this.options.maxUrlBytes,
        followsContacts: followsContacts(this.integration)
      },
      this.log
    );
    const plan = await planTargets(
      this.conn,
      this.options.describeCache ?? sharedDescribeCache,
      this.integration
    );
    const stream = await openReportRows(source, this.integration);

    this.progress('matching');
    await this.matchRows(stream, plan);
    await this.write();
  }

  /** Validates and matches the rows batch by batch; each row is settled or queued for the write. */
  private async matchRows(stream: ReportRowStream, plan: TargetPlan): Promise<void> {
    const objectName = this.integration.targetObject;
    const targetPlan = plan.objects.get(objectName)!;
    const batches = candidateBatches(stream, {
      conn: this.conn,
      spec: matchSpecFor(this.integration, targetPlan, objectName, plan.keyField),
      strategy: this.strategy.match,
      rules: {
        keyColumn: this.integration.reportKeyColumn,
        keyField: plan.keyField,
        mappings: this.integration.mappings,
        fields: targetPlan.fields,
        keys: new ReportKeyRegistry()
      },
      reportName: this.integration.reportName,
      maxUrlBytes: this.options.maxUrlBytes,
      bulkPolling: bulkPollingOf(this.options),
      tally: this.tally,
      log: this.log
    });
    const resolver = new TargetResolver(this.conn, this.integration, plan, this.options.maxUrlBytes);
    for await (const batch of batches) {
      for (const match of await resolver.resolve(batch)) {
        if ('unmatched' in match) {
          this.tally.emit(match.row.row, match.row.rawKey, 'unmatched', { reason: match.unmatched });
          continue;
        }
        this.matched += 1;
        this.settleOrQueue(match.row, match.targets, plan);
      }
      this.progress('matching');
    }
  }

  /** The ambiguity policy, then the diff: the row is settled now, or waits for its records' write. */
  private settleOrQueue(row: PendingRow, targets: Target[], plan: TargetPlan): void {
    const decision = applyAmbiguityPolicy(this.integration.ambiguityPolicy, targets);
    if ('skip' in decision) {
      const recordIds = targets.map((target) => target.record.id);
      this.tally.emit(row.row, row.rawKey, 'ambiguous', { recordIds, reason: decision.skip });
      return;
    }
    const writes = recordWrites(row, decision.write, {
      mappings: this.integration.mappings,
      objects: plan.objects,
      full: this.options.full ?? false,
      syncedAt: this.startedAt.toISOString(),
      onChange: this.options.dryRun ? this.sample.add : undefined
    });
    const recordIds = decision.write.map((target) => target.record.id);
    if (writes.length === 0) this.tally.emit(row.row, row.rawKey, 'unchanged', { recordIds });
    else if (this.options.dryRun) this.tally.emit(row.row, row.rawKey, 'updated', { recordIds });
    else this.writes.add(row.row, row.rawKey, recordIds, writes);
  }

  private async write(): Promise<void> {
    if (this.options.dryRun || this.writes.size === 0) {
      this.log.note(this.options.dryRun ? 'Dry run: nothing written.' : 'Nothing changed: nothing written.');
      return;
    }
    this.progress('writing');
    const bulk = this.writes.size > thresholdsOf(this.options).bulkIngestAbove;
    this.strategy.write = bulk ? 'bulk-ingest' : 'collections';
    const settings = {
      bulk,
      bulkPolling: bulkPollingOf(this.options),
      collections: {
        concurrency: this.options.concurrency ?? 4,
        lockRetries: this.options.lockRetries ?? 3,
        lockBackoffMs: this.options.lockBackoffMs ?? 1_000
      }
    };
    await this.writes.writeAll(this.conn, settings, this.log, () => {
      if (this.writes.written % 1_000 === 0) this.progress('writing');
    });
    this.progress('writing');
  }
}
