/**
 * One run of an integration: a report's rows into fields of existing Salesforce records
 * (DESIGN.md "A run"). The entry point is `runSync`; the engine service, the CLI and the benchmark call it.
 *
 * The report is streamed: rows are validated, coerced and matched in batches the size of one URL-limited
 * SOQL query (or against one Bulk API 2.0 index of the object), and only the rows waiting for a write keep
 * state. Every row ends in exactly one outcome, delivered through `onOutcome`; the result keeps counts and
 * the rejected rows (capped).
 */
import { originLine, type ReportRowStream, type ReportSource } from '../sources/report-source.js';
import type { IntegrationDefinition } from '../domain/integration.js';
import type { RunResult } from '../domain/run-result.js';
import { applyAmbiguityPolicy } from './match/ambiguity-policy.js';
import { checkBudget } from './budget-check.js';
import { candidateBatches } from './match/candidate-batches.js';
import { ChangesSample } from './changes-sample.js';
import { MassChangeCheck } from './mass-change-guard.js';
import { ReportKeyRegistry } from './match/report-keys.js';
import { TargetResolver, type Target } from './match/match-targets.js';
import { OutcomeTally } from './outcome-tally.js';
import { recordWrites } from './write/record-changes.js';
import {
  checkReleased,
  openReportRows,
  readReport,
  surveyReport,
  type ReportSurvey
} from './report-reading.js';
import {
  cheapest,
  COMPOSITE_HEAVY_SUBREQUESTS,
  describeChoice,
  FIXED_RUN_CALLS,
  matchForecasts,
  statementsFor,
  TYPICAL_KEY_BYTES,
  worthCountingRecords,
  writeForecasts,
  type Forecast,
  type MatchFacts
} from './run-plan.js';
import { RunFailure } from '../domain/errors.js';
import type { MatchWay, PendingBulkJob } from '../domain/run-result.js';
import { validRows, type ValidRow } from './row-validation.js';
import { RunLog } from './run-log.js';
import { bulkPollingOf, type RunOptions, type RunProgress } from './run-options.js';
import { followsContacts, matchSpecFor, planTargets, type TargetPlan } from './target-plan.js';
import type { TargetOrg } from './target-org.js';
import { WriteQueue } from './write/write-queue.js';

export type { RunOptions, RunProgress } from './run-options.js';

export interface RunInput {
  /** The org written to (salesforce/salesforce-target-org.ts on a jsforce connection). */
  org: TargetOrg;
  integration: IntegrationDefinition;
  source: ReportSource;
  options?: RunOptions;
}

/**
 * Runs `integration` once against `org`, reading rows from `source`.
 * Never throws for a run that fails: the result says `Failed` with the reason in `error`.
 */
export async function runSync(input: RunInput): Promise<RunResult> {
  const run = new SyncRun(input);
  return run.execute();
}

class SyncRun {
  private readonly org: TargetOrg;
  private readonly integration: IntegrationDefinition;
  private readonly options: RunOptions;
  private readonly startedAt = new Date();
  private readonly log = new RunLog();
  private readonly tally: OutcomeTally;
  private readonly sample: ChangesSample;
  private readonly writes: WriteQueue;
  private readonly guard: MassChangeCheck;
  private matched = 0;
  private largeChangesAllowed = false;
  private pendingJobs: PendingBulkJob[] = [];
  private strategy: RunResult['strategy'] = { match: 'soql', write: 'none' };

  constructor(private readonly input: RunInput) {
    this.org = input.org;
    this.integration = input.integration;
    this.options = input.options ?? {};
    this.tally = new OutcomeTally(this.options.rejectedCap ?? 10_000, this.options.onOutcome);
    this.sample = new ChangesSample(this.options.changesSampleSize ?? 50);
    this.writes = new WriteQueue(this.tally);
    this.guard = new MassChangeCheck(this.integration, this.log);
  }

  private progress(phase: RunProgress['phase']): void {
    this.options.onProgress?.({
      phase,
      rowsRead: this.tally.counts.read,
      matched: this.matched,
      written: this.writes.written
    });
  }

  async execute(): Promise<RunResult> {
    try {
      return await this.org.countCalls((calls, byKind) => this.executeCounted(calls, byKind));
    } finally {
      this.writes.discard();
    }
  }

  private async executeCounted(
    calls: () => number,
    byKind: () => Record<string, number>
  ): Promise<RunResult> {
    const record = this.options.record ?? true;
    let runId = this.options.runId;
    let failure: RunFailure | undefined;
    try {
      if (record) {
        runId = await this.org.openRunRecord({
          runId,
          integration: this.integration,
          trigger: this.options.trigger ?? 'Manual',
          dryRun: this.options.dryRun ?? false,
          startedAt: this.startedAt
        });
      }
      this.log.note(`Run of "${this.integration.name}"${this.options.dryRun ? ' (dry run)' : ''} started.`);
      await this.process();
    } catch (error) {
      // Only the stop itself is an interruption: a revocation met at the same moment stays a revocation.
      failure =
        this.options.signal?.aborted && error === this.options.signal.reason
          ? new RunFailure(
              'transient',
              `Interrupted: the engine was stopped after ${this.writes.written} records were written; the next run writes the rest.`
            )
          : error instanceof RunFailure
            ? error
            : this.org.failure(error);
      // Rows read but not settled (queued for a write, or being matched) end failed: the counts add up.
      this.holdPendingJobRows();
      this.failUnsettled(`not attempted: ${failure.message}`, 'NOT_ATTEMPTED');
      this.log.note(`Failed: ${failure.advice}`);
    }
    this.noteCalls(calls(), byKind());
    const result = this.result(failure);
    if (record && runId) {
      this.progress('recording');
      try {
        await this.org.closeRunRecord(runId, result, {
          integrationId: this.integration.id,
          callsSoFar: calls
        });
        result.runId = runId;
      } catch (error) {
        const reason = this.org.failure(error).advice;
        result.log.push(`The run record could not be written: ${reason}`);
        result.runId = runId;
        result.runRecordPending = reason;
      }
    }
    result.apiCalls = calls();
    result.callsByKind = byKind();
    this.progress('done');
    return result;
  }

  /** The calls spent so far by kind, beside the plan's forecast (the run record's closing comes on top). */
  private noteCalls(spent: number, kinds: Record<string, number>): void {
    const byKind = Object.entries(kinds)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ');
    const forecast = this.strategy.forecast;
    const planned = forecast
      ? `; the plan forecast ${forecast.match} to match${forecast.write === undefined ? '' : ` and ${forecast.write} to write`}`
      : '';
    this.log.note(
      `API calls before the run record's closing: ${spent}${byKind ? ` (${byKind})` : ''}${planned}.`
    );
  }

  private result(failure: RunFailure | undefined): RunResult {
    const endedAt = new Date();
    const error = failure?.advice ?? this.tally.invariantError();
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
      ...(error ? { error, failureKind: failure?.kind ?? 'internal' } : {}),
      ...(this.pendingJobs.length ? { pendingBulkJobs: this.pendingJobs } : {}),
      ...(this.largeChangesAllowed ? { largeChangesAllowed: true } : {}),
      log: this.log.lines
    };
  }

  /** The steps of DESIGN.md "A run", in order. */
  private async process(): Promise<void> {
    const { source } = this.input;
    const { reportName } = this.integration;
    this.progress('checking');
    const report = await readReport(reportName, () => source.getReport(this.integration.reportId));
    if (report.origin) this.log.note(originLine(report.origin));
    checkReleased(report);
    // The org's schema is checked before any row is read: a field gone or made read-only fails the run here.
    const plan = await planTargets(this.org, this.integration);
    const survey =
      report.rowCount === undefined
        ? await surveyReport(source, this.integration)
        : { rows: report.rowCount, keyBytes: report.rowCount * TYPICAL_KEY_BYTES };
    this.guard.checkRowCount(report.name, survey.rows);
    const match = await this.planMatch(survey);
    const writeAtMost = this.options.dryRun ? 0 : cheapest(writeForecasts(survey.rows)).calls;
    const describes = followsContacts(this.integration) ? 1 : 0;
    await checkBudget(
      this.org,
      {
        reportName: report.name,
        rows: survey.rows,
        needed: FIXED_RUN_CALLS + describes + match.calls + writeAtMost
      },
      this.log
    );
    const stream = await openReportRows(source, this.integration);

    this.progress('matching');
    await this.matchRows(stream, plan, survey);
    this.guard.checkClears();
    // A run past the guard on "allow large changes once" has used it up, whether or not it needed it.
    this.largeChangesAllowed = this.integration.guard.allowOnce && !this.options.dryRun;
    await this.write();
    this.failLeftovers();
  }

  /**
   * How to match (sync/run-plan.ts): each way's calls from the report's key bytes and, when a Bulk query
   * could be cheaper, the object's record count; the cheapest unless the caller forced one.
   */
  private async planMatch(survey: ReportSurvey): Promise<Forecast<MatchWay>> {
    const statements = statementsFor(survey.keyBytes, this.options.maxUrlBytes);
    const facts: MatchFacts = { statements, keysPerStatement: survey.rows / statements };
    const forced = this.options.plan?.match;
    if (forced === 'bulk-query' || (!forced && worthCountingRecords(facts))) {
      facts.objectRecords = await this.org.recordCount(this.integration.targetObject);
    }
    const options = matchForecasts(facts);
    const chosen = options.find((option) => option.way === forced) ?? cheapest(options);
    this.strategy.match = chosen.way;
    this.strategy.forecast = { match: chosen.calls };
    this.log.note(
      `Plan: match with ${forced ? `${chosen.way} ${chosen.calls} calls (chosen by the caller)` : describeChoice(options)}` +
        `${facts.objectRecords === undefined ? '' : `; ${this.integration.targetObject} holds ${facts.objectRecords} records`}.`
    );
    return chosen;
  }

  /**
   * Validates and matches the rows batch by batch; each row is settled or queued for the write. The report's
   * keys are held in a registry sized once from the survey (its key bytes bound their UTF-8 bytes).
   */
  private async matchRows(stream: ReportRowStream, plan: TargetPlan, survey: ReportSurvey): Promise<void> {
    const objectName = this.integration.targetObject;
    const targetPlan = plan.objects.get(objectName)!;
    const rows = validRows(
      stream,
      {
        keyColumn: this.integration.reportKeyColumn,
        keyField: plan.keyField,
        mappings: this.integration.mappings,
        fields: targetPlan.fields,
        keys: new ReportKeyRegistry({ keys: survey.rows, bytes: survey.keyBytes })
      },
      this.tally
    );
    const batches = candidateBatches(rows, {
      org: this.org,
      spec: matchSpecFor(this.integration, targetPlan, objectName, plan.keyField),
      strategy: this.strategy.match,
      reportName: this.integration.reportName,
      maxUrlBytes: this.options.maxUrlBytes,
      bulkPolling: bulkPollingOf(this.options),
      log: this.log,
      reject: (row, reason) => this.tally.emit(row.row, row.rawKey, 'invalid', { reason })
    });
    const resolver = new TargetResolver(this.org, this.integration, plan, this.options.maxUrlBytes);
    for await (const batch of batches) {
      this.options.signal?.throwIfAborted();
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
  private settleOrQueue(row: ValidRow, targets: Target[], plan: TargetPlan): void {
    const decision = applyAmbiguityPolicy(this.integration.ambiguityPolicy, targets);
    if ('skip' in decision) {
      const recordIds = targets.map((target) => target.record.id);
      this.tally.emit(row.row, row.rawKey, 'ambiguous', { recordIds, reason: decision.skip });
      return;
    }
    this.guard.countRecords(decision.write.length);
    const writes = recordWrites(row, decision.write, {
      mappings: this.integration.mappings,
      objects: plan.objects,
      full: this.options.full ?? false,
      syncedAt: this.startedAt.toISOString(),
      onChange: (change) => {
        this.guard.countChange(change);
        if (this.options.dryRun) this.sample.add(change);
      }
    });
    const recordIds = decision.write.map((target) => target.record.id);
    if (writes.length === 0) this.tally.emit(row.row, row.rawKey, 'unchanged', { recordIds });
    else if (this.options.dryRun) this.tally.emit(row.row, row.rawKey, 'updated', { recordIds });
    else this.writes.add(row.row, row.rawKey, recordIds, writes);
  }

  /**
   * Rows waiting on a Bulk job the run could not see to its end are never reported written before Salesforce
   * says so: they ended `failed`, "outcome not known yet", and the engine settles them when the jobs end.
   */
  private holdPendingJobRows(): void {
    const jobs = this.writes.takePendingJobs();
    for (const job of jobs) {
      this.log.note(
        `Bulk API job ${job.jobId} had not ended when the run did: its ${job.records.length} ${job.objectName} records are settled when it ends.`
      );
    }
    this.pendingJobs.push(...jobs);
  }

  private async write(): Promise<void> {
    if (this.options.dryRun || this.writes.size === 0) {
      this.log.note(this.options.dryRun ? 'Dry run: nothing written.' : 'Nothing changed: nothing written.');
      return;
    }
    this.options.signal?.throwIfAborted();
    this.progress('writing');
    const options = writeForecasts(this.writes.size, this.writes.ingestJobs);
    const forced = this.options.plan?.write;
    const chosen = options.find((option) => option.way === forced) ?? cheapest(options);
    this.strategy.write = chosen.way;
    this.strategy.forecast = { match: this.strategy.forecast?.match ?? 0, write: chosen.calls };
    this.log.note(
      `Plan: write ${this.writes.size} records with ${forced ? `${chosen.way} ${chosen.calls} calls (chosen by the caller)` : describeChoice(options)}.`
    );
    let retries = 0;
    const settings = {
      bulk: chosen.way === 'bulk-ingest',
      bulkPolling: {
        ...bulkPollingOf(this.options),
        ...(this.options.signal ? { signal: this.options.signal } : {})
      },
      collections: {
        perCall: chosen.way === 'collections-composite' ? COMPOSITE_HEAVY_SUBREQUESTS : 1,
        concurrency: this.options.concurrency ?? 4,
        lockRetries: this.options.lockRetries ?? 3,
        lockBackoffMs: this.options.lockBackoffMs ?? 1_000,
        transientRetries: this.options.transientRetries ?? 3,
        retryBackoffMs: this.options.retryBackoffMs ?? 500,
        onRetry: () => (retries += 1),
        ...(this.options.signal ? { signal: this.options.signal } : {})
      }
    };
    try {
      await this.writes.writeAll(this.org, settings, this.log, () => {
        if (this.writes.written % 1_000 === 0) this.progress('writing');
      });
    } finally {
      if (retries > 0) this.log.note(`Retried ${retries} write calls after transient Salesforce failures.`);
    }
    this.holdPendingJobRows();
    this.progress('writing');
  }

  /** Every row without an outcome yet, waiting for its write or in the batch being matched, ends failed. */
  private failUnsettled(reason: string, statusCode: string): void {
    this.writes.failUnsettled(reason, statusCode);
    this.tally.failUnsettled(reason, statusCode);
  }

  /** The last resort before the counts are checked: a row still without an outcome is a defect, shown as one. */
  private failLeftovers(): void {
    const before = this.tally.counts.failed;
    this.failUnsettled('internal error: the run ended without an outcome for this row', 'ENGINE_ERROR');
    const left = this.tally.counts.failed - before;
    if (left > 0)
      this.log.note(
        `Internal error: ${left} rows ended without an outcome and are marked failed; report this run log.`
      );
  }
}
