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
import type {
  FieldChange,
  IntegrationDefinition,
  RowCounts,
  RowOutcome,
  RowOutcomeKind,
  RunResult
} from './integration.js';
import { LAST_SYNCED_FIELD } from './integration.js';
import { ReportKeyRegistry } from './key-normaliser.js';
import type { JsonFieldValue } from './value-coercion.js';
import { missingColumns } from './report-header.js';
import { validateRow, type RowRules } from './row-validation.js';
import { applyAmbiguityPolicy } from './ambiguity-policy.js';
import { valuesDiffer } from './value-diff.js';
import { countApiCalls } from '../salesforce/api-call-counter.js';
import { BudgetExceededError, forecastCalls, readDailyBudget } from '../salesforce/api-budget.js';
import { describeCache as sharedDescribeCache, type DescribeCache } from '../salesforce/describe-cache.js';
import { findField, type FieldInfo, type ObjectInfo } from '../salesforce/field-describe.js';
import {
  loadObjectIndex,
  queryByIds,
  SoqlMatcher,
  type CandidateIndex,
  type CandidateRecord,
  type MatchSpec
} from '../salesforce/record-matcher.js';
import {
  writeWithBulkIngest,
  writeWithCollections,
  type WriteItem,
  type WriteResult
} from '../salesforce/record-writers.js';
import { describeSalesforceFailure } from '../salesforce/salesforce-errors.js';
import { recordRunEnd, recordRunStart } from '../salesforce/run-recorder.js';
import { HEADER_HEADROOM_BYTES, MAX_REQUEST_HEAD_BYTES, soqlLiteral } from '../salesforce/soql-in-chunker.js';

export interface RunProgress {
  phase: 'checking' | 'matching' | 'writing' | 'recording' | 'done';
  rowsRead: number;
  /** Rows whose key reached at least one record. */
  matched: number;
  /** Records written so far. */
  written: number;
}

export interface RunOptions {
  /** Everything up to the write; counts say what would happen, `changesSample` shows before/after values. */
  dryRun?: boolean;
  /** Rewrite matched records even when their values are already equal. */
  full?: boolean;
  trigger?: 'Scheduled' | 'Manual';
  /** A `WalkMe_Sync_Run__c` created Queued by Run Now: it is moved to Running, then to its final status. */
  runId?: string;
  /** Write the run record and the integration's last-run fields (default true). */
  record?: boolean;
  /** Rows above which matching uses one Bulk API 2.0 query job; changed records above which one ingest job. */
  thresholds?: { bulkQueryAbove: number; bulkIngestAbove: number };
  /** sObject Collections calls in flight (default 4). */
  concurrency?: number;
  /** Serial retries of `UNABLE_TO_LOCK_ROW` records (default 3) after a first backoff (default 1 s, doubling). */
  lockRetries?: number;
  lockBackoffMs?: number;
  bulkPolling?: { pollInterval: number; pollTimeout: number };
  /** Longest query URL (default 16,384 − 2,048 bytes of headroom for the request line and headers). */
  maxUrlBytes?: number;
  /** Rejected rows kept in the result (default 10,000). */
  rejectedCap?: number;
  /** Field changes kept as a dry run's sample (default 50). */
  changesSampleSize?: number;
  describeCache?: DescribeCache;
  onProgress?: (progress: RunProgress) => void;
  onOutcome?: (outcome: RowOutcome) => void;
}

export interface RunInput {
  connection: Connection;
  integration: IntegrationDefinition;
  source: ReportSource;
  options?: RunOptions;
}

const DEFAULT_THRESHOLDS = { bulkQueryAbove: 200_000, bulkIngestAbove: 10_000 };
const BULK_INDEX_BATCH = 2_000;

/** A run that cannot go on; its message is what the admin reads. */
export class RunFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunFailure';
  }
}

/** A report row that passed validation and waits for its match. */
interface PendingRow {
  row: number;
  key: string;
  rawKey: string;
  values: JsonFieldValue[];
}

/** A row whose records are being written. */
interface RowInWrite {
  row: number;
  key: string;
  recordIds: string[];
  pending: number;
  failure?: { statusCode: string; message: string; id: string };
}

interface ObjectPlan {
  info: ObjectInfo;
  /** The mapped fields on this object, aligned with the integration's mappings (undefined: absent). */
  fields: Array<FieldInfo | undefined>;
  lastSynced?: FieldInfo;
}

type Target = { objectName: string; record: CandidateRecord };

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
  private readonly counts: RowCounts = {
    read: 0,
    updated: 0,
    unchanged: 0,
    unmatched: 0,
    ambiguous: 0,
    invalid: 0,
    failed: 0
  };
  private readonly rejected: RowOutcome[] = [];
  private rejectedOmitted = 0;
  private readonly changesSample: FieldChange[] = [];
  private readonly log: string[] = [];
  private matched = 0;
  private written = 0;
  private readonly keys = new ReportKeyRegistry();
  private readonly writeItems = new Map<string, WriteItem[]>();
  private writeCount = 0;
  private readonly rowsInWrite = new Map<number, RowInWrite>();
  private readonly rowOfRecord = new Map<string, number>();
  /** Contacts reached by following converted Leads: two Leads must not write one Contact twice. */
  private readonly followedContacts = new Map<string, number>();
  private plans = new Map<string, ObjectPlan>();
  private keyField!: FieldInfo;
  private strategy: RunResult['strategy'] = { match: 'soql', write: 'none' };

  constructor(private readonly input: RunInput) {
    this.conn = input.connection;
    this.integration = input.integration;
    this.options = input.options ?? {};
  }

  private note(line: string): void {
    this.log.push(`${new Date().toISOString()} ${line}`);
  }

  private progress(phase: RunProgress['phase']): void {
    this.options.onProgress?.({
      phase,
      rowsRead: this.counts.read,
      matched: this.matched,
      written: this.written
    });
  }

  private emit(row: number, key: string, outcome: RowOutcomeKind, extra: Partial<RowOutcome> = {}): void {
    const result: RowOutcome = { row, key, outcome, recordIds: extra.recordIds ?? [], ...extra };
    this.counts[outcome] += 1;
    this.options.onOutcome?.(result);
    if (outcome === 'updated' || outcome === 'unchanged') return;
    if (this.rejected.length < (this.options.rejectedCap ?? 10_000)) this.rejected.push(result);
    else this.rejectedOmitted += 1;
  }

  private get thresholds() {
    return { ...DEFAULT_THRESHOLDS, ...this.options.thresholds };
  }

  private get isLead(): boolean {
    return this.integration.targetObject.toLowerCase() === 'lead';
  }

  private get followsContacts(): boolean {
    return this.isLead && this.integration.convertedLeadHandling === 'follow-to-contact';
  }

  private get dataMappings() {
    return this.integration.mappings.filter((mapping) => mapping.field !== LAST_SYNCED_FIELD);
  }

  async execute(): Promise<RunResult> {
    const counter = countApiCalls(this.conn);
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
      this.note(`Run of "${this.integration.name}"${this.options.dryRun ? ' (dry run)' : ''} started.`);
      await this.process();
    } catch (failure) {
      error =
        failure instanceof RunFailure || failure instanceof BudgetExceededError
          ? failure.message
          : describeSalesforceFailure(failure);
      this.note(`Failed: ${error}`);
    }
    const result = this.result(error);
    if (record && runId) {
      this.progress('recording');
      try {
        await recordRunEnd(this.conn, runId, result, {
          integrationId: this.integration.id,
          callsSoFar: () => counter.count
        });
        result.runId = runId;
      } catch (failure) {
        result.log.push(`The run record could not be written: ${describeSalesforceFailure(failure)}`);
      }
    }
    counter.stop();
    result.apiCalls = counter.count;
    this.progress('done');
    return result;
  }

  private result(error: string | undefined): RunResult {
    const endedAt = new Date();
    if (!error) {
      const total =
        this.counts.updated +
        this.counts.unchanged +
        this.counts.unmatched +
        this.counts.ambiguous +
        this.counts.invalid +
        this.counts.failed;
      if (total !== this.counts.read) {
        // A bug, not a data problem: fail loudly rather than report figures that do not add up.
        error = `Internal error: ${total} outcomes for ${this.counts.read} rows read.`;
      }
    }
    const status = error
      ? 'Failed'
      : this.counts.failed + this.counts.invalid > 0
        ? 'Completed with errors'
        : 'Completed';
    this.note(
      `${status}: ${this.counts.read} read, ${this.counts.updated} ${this.options.dryRun ? 'would be updated' : 'updated'}, ` +
        `${this.counts.unchanged} unchanged, ${this.counts.unmatched} unmatched, ${this.counts.ambiguous} ambiguous, ` +
        `${this.counts.invalid} invalid, ${this.counts.failed} failed.`
    );
    return {
      integrationName: this.integration.name,
      reportName: this.integration.reportName,
      targetObject: this.integration.targetObject,
      status,
      dryRun: this.options.dryRun ?? false,
      startedAt: this.startedAt,
      endedAt,
      counts: { ...this.counts },
      apiCalls: 0,
      strategy: this.strategy,
      // Invalid rows are settled as read, the others after their batch is matched or written.
      rejected: this.rejected.sort((a, b) => a.row - b.row),
      rejectedOmitted: this.rejectedOmitted,
      changesSample: this.changesSample,
      ...(error ? { error } : {}),
      log: this.log
    };
  }

  private async process(): Promise<void> {
    this.progress('checking');
    const { source } = this.input;
    const report = await this.readReport(() => source.getReport(this.integration.reportId));
    const rows = report.rowCount ?? (await this.countRows());
    const inListBudget = (this.options.maxUrlBytes ?? MAX_REQUEST_HEAD_BYTES - HEADER_HEADROOM_BYTES) - 400;
    this.strategy.match = rows > this.thresholds.bulkQueryAbove ? 'bulk-query' : 'soql';
    const needed = forecastCalls({
      rows,
      inListBudget,
      matchStrategy: this.strategy.match,
      writeStrategy: this.options.dryRun
        ? 'none'
        : rows > this.thresholds.bulkIngestAbove
          ? 'bulk-ingest'
          : 'collections',
      extraDescribes: this.followsContacts ? 1 : 0
    });
    const budget = await readDailyBudget(this.conn);
    this.note(
      `Report "${report.name}": ${rows} rows; forecast at most ${needed} API calls, ${budget.remaining} left today.`
    );
    if (needed > budget.remaining) throw new BudgetExceededError(needed, budget.remaining);

    await this.planObjects();
    const stream = await this.readReport(() => source.readRows(this.integration.reportId));
    this.checkHeader(stream);
    this.progress('matching');
    await this.matchRows(stream);
    await this.write();
  }

  private async readReport<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      throw new RunFailure(
        `The report "${this.integration.reportName}" could not be read: ${(error as Error).message}`
      );
    }
  }

  /** A first pass when the source cannot tell the row count (a CSV export): rows only, nothing kept. */
  private async countRows(): Promise<number> {
    const stream = await this.readReport(() => this.input.source.readRows(this.integration.reportId));
    let rows = 0;
    try {
      for await (const row of stream) {
        void row;
        rows += 1;
      }
    } catch (error) {
      throw new RunFailure(
        `The report "${this.integration.reportName}" could not be read: ${(error as Error).message}`
      );
    }
    return rows;
  }

  private async describe(objectName: string): Promise<ObjectInfo> {
    const cache = this.options.describeCache ?? sharedDescribeCache;
    try {
      return await cache.describe(this.conn, objectName);
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'NOT_FOUND' || name === 'INVALID_TYPE') {
        throw new RunFailure(
          `The target object ${objectName} no longer exists in this org (or the connected user cannot see it).`
        );
      }
      throw error;
    }
  }

  /** Describe the target (and Contact when following converted Leads); name every field that is unusable. */
  private async planObjects(): Promise<void> {
    const objectName = this.integration.targetObject;
    const info = await this.describe(objectName);
    const problems: string[] = [];
    if (!info.updateable) problems.push(`the object ${objectName} is not updateable`);
    const keyField = findField(info, this.integration.objectKeyField);
    if (!keyField) problems.push(`key field ${objectName}.${this.integration.objectKeyField} does not exist`);
    else this.keyField = keyField;
    const plan = this.planFor(info);
    this.integration.mappings.forEach((mapping, index) => {
      const field = mapping.field === LAST_SYNCED_FIELD ? plan.lastSynced : plan.fields[index];
      if (!field) problems.push(`field ${objectName}.${mapping.field} does not exist`);
      else if (!field.updateable) problems.push(`field ${objectName}.${mapping.field} is not updateable`);
    });
    if (problems.length > 0) {
      (this.options.describeCache ?? sharedDescribeCache).evict(this.conn, objectName);
      throw new RunFailure(`The integration no longer fits the org: ${problems.join('; ')}.`);
    }
    this.plans.set(objectName, plan);
    if (this.followsContacts) this.plans.set('Contact', this.planFor(await this.describe('Contact')));
  }

  private planFor(info: ObjectInfo): ObjectPlan {
    const fields = this.integration.mappings.map((mapping) =>
      mapping.field === LAST_SYNCED_FIELD ? undefined : findField(info, mapping.field)
    );
    const lastSynced = this.integration.mappings.some((mapping) => mapping.field === LAST_SYNCED_FIELD)
      ? findField(info, LAST_SYNCED_FIELD)
      : undefined;
    return { info, fields, lastSynced };
  }

  private checkHeader(stream: ReportRowStream): void {
    const missing = missingColumns(this.integration, stream.header);
    if (missing.length > 0) {
      stream.close();
      throw new RunFailure(
        `The report "${this.integration.reportName}" has no column ${missing.map((column) => `"${column}"`).join(', ')} ` +
          `(its columns: ${stream.header.join(', ')}).`
      );
    }
  }

  private matchSpec(objectName: string, keyField: FieldInfo): MatchSpec {
    const plan = this.plans.get(objectName)!;
    return {
      objectName,
      keyField,
      fieldNames: plan.fields
        .filter((field): field is FieldInfo => field !== undefined)
        .map((field) => field.name),
      withConversion: objectName.toLowerCase() === 'lead',
      withLastModified: this.integration.ambiguityPolicy === 'most-recent'
    };
  }

  /** Validates each row, then matches them batch by batch. */
  private async matchRows(stream: ReportRowStream): Promise<void> {
    const spec = this.matchSpec(this.integration.targetObject, this.keyField);
    const soql =
      this.strategy.match === 'soql' ? new SoqlMatcher(this.conn, spec, this.options.maxUrlBytes) : undefined;
    let index: CandidateIndex | undefined;
    if (!soql) {
      index = await loadObjectIndex(this.conn, spec, this.bulkPolling);
      this.note(`Bulk API 2.0 query: ${index.size} distinct keys in ${spec.objectName}.`);
    }
    let batch: PendingRow[] = [];
    const rules: RowRules = {
      keyColumn: this.integration.reportKeyColumn,
      keyField: this.keyField,
      mappings: this.integration.mappings,
      fields: this.plans.get(this.integration.targetObject)!.fields,
      keys: this.keys
    };
    try {
      for await (const reportRow of stream) {
        this.counts.read += 1;
        const valid = validateRow(reportRow, rules);
        if (!valid.ok) {
          this.emit(reportRow.row, valid.rawKey, 'invalid', { reason: valid.reason });
          continue;
        }
        const { key, rawKey, values } = valid;
        const pending: PendingRow = { row: reportRow.row, key, rawKey, values };
        if (soql) {
          const full = soql.add(rawKey);
          if (full) {
            await this.matchBatch(batch, await soql.run(full));
            batch = [];
          }
          batch.push(pending);
        } else {
          batch.push(pending);
          if (batch.length >= BULK_INDEX_BATCH) {
            await this.matchBatch(batch, index!);
            batch = [];
          }
        }
      }
    } catch (error) {
      if ((error as Error).name?.startsWith('Report')) {
        throw new RunFailure(
          `The report "${this.integration.reportName}" could not be read: ${(error as Error).message}`
        );
      }
      throw error;
    }
    const last = soql?.flush();
    if (batch.length > 0) await this.matchBatch(batch, soql ? await soql.run(last!) : index!);
  }

  private get bulkPolling() {
    return this.options.bulkPolling ?? { pollInterval: 1_000, pollTimeout: 600_000 };
  }

  /** Contacts that converted Leads of this batch became (follow-to-contact). */
  private async contactsOf(
    batch: PendingRow[],
    index: CandidateIndex
  ): Promise<Map<string, CandidateRecord>> {
    if (!this.followsContacts) return new Map();
    const ids = new Set<string>();
    for (const row of batch) {
      for (const candidate of index.get(row.key) ?? []) {
        if (candidate.isConverted && candidate.convertedContactId) ids.add(candidate.convertedContactId);
      }
    }
    if (ids.size === 0) return new Map();
    const contactInfo = this.plans.get('Contact')!.info;
    const spec = { ...this.matchSpec('Contact', findField(contactInfo, 'Id')!), withConversion: false };
    return queryByIds(this.conn, spec, [...ids], this.options.maxUrlBytes);
  }

  private async matchBatch(batch: PendingRow[], index: CandidateIndex): Promise<void> {
    const contacts = await this.contactsOf(batch, index);
    const objectName = this.integration.targetObject;
    for (const row of batch) {
      const candidates = index.get(row.key) ?? [];
      const targets: Target[] = [];
      const notes: string[] = [];
      for (const candidate of candidates) {
        if (!candidate.isConverted) {
          targets.push({ objectName, record: candidate });
          continue;
        }
        if (!this.followsContacts) {
          notes.push(`Lead ${candidate.id} is converted (skipped: converted Leads cannot be updated)`);
          continue;
        }
        const contact = candidate.convertedContactId ? contacts.get(candidate.convertedContactId) : undefined;
        const missing = this.dataMappings
          .filter((mapping) => !findField(this.plans.get('Contact')!.info, mapping.field))
          .map((mapping) => mapping.field);
        if (!contact)
          notes.push(
            `Lead ${candidate.id} was converted to Contact ${candidate.convertedContactId ?? '(none)'}, which cannot be read`
          );
        else if (missing.length > 0)
          notes.push(
            `Lead ${candidate.id} was converted to Contact ${contact.id}, which has no field ${missing.join(', ')}`
          );
        else {
          const earlier = this.followedContacts.get(contact.id);
          if (earlier !== undefined && earlier !== row.row) {
            notes.push(
              `Lead ${candidate.id} was converted to Contact ${contact.id}, already updated from row ${earlier}`
            );
          } else {
            this.followedContacts.set(contact.id, row.row);
            targets.push({ objectName: 'Contact', record: contact });
          }
        }
      }
      if (targets.length === 0) {
        const reason =
          notes.length > 0
            ? notes.join('; ')
            : `no ${objectName} with ${this.keyField.name} = ${soqlLiteral(row.rawKey)}`;
        this.emit(row.row, row.rawKey, 'unmatched', { reason });
        continue;
      }
      this.matched += 1;
      this.applyPolicy(row, targets);
    }
    this.progress('matching');
  }

  private applyPolicy(row: PendingRow, targets: Target[]): void {
    const decision = applyAmbiguityPolicy(this.integration.ambiguityPolicy, targets);
    if ('skip' in decision) {
      const recordIds = targets.map((target) => target.record.id);
      this.emit(row.row, row.rawKey, 'ambiguous', { recordIds, reason: decision.skip });
      return;
    }
    this.diffAndQueue(row, decision.write);
  }

  private diffAndQueue(row: PendingRow, targets: Target[]): void {
    const mappings = this.integration.mappings;
    const queued: WriteItem[] = [];
    const queuedObjects: string[] = [];
    for (const target of targets) {
      const plan = this.plans.get(target.objectName)!;
      const fields: WriteItem['fields'] = {};
      let changed = false;
      mappings.forEach((_mapping, i) => {
        const field = plan.fields[i];
        if (!field) return;
        fields[field.name] = row.values[i];
        if (valuesDiffer(row.values[i], target.record.values[field.name], field)) {
          changed = true;
          if (this.options.dryRun && this.changesSample.length < (this.options.changesSampleSize ?? 50)) {
            this.changesSample.push({
              recordId: target.record.id,
              field: field.name,
              before: target.record.values[field.name] ?? null,
              after: row.values[i]
            });
          }
        }
      });
      if (!changed && !this.options.full) continue;
      if (plan.lastSynced) fields[plan.lastSynced.name] = this.startedAt.toISOString();
      queued.push({ id: target.record.id, fields });
      queuedObjects.push(target.objectName);
    }
    const recordIds = targets.map((target) => target.record.id);
    if (queued.length === 0) {
      this.emit(row.row, row.rawKey, 'unchanged', { recordIds });
      return;
    }
    if (this.options.dryRun) {
      this.emit(row.row, row.rawKey, 'updated', { recordIds });
      return;
    }
    this.rowsInWrite.set(row.row, { row: row.row, key: row.rawKey, recordIds, pending: queued.length });
    queued.forEach((item, i) => {
      this.rowOfRecord.set(item.id, row.row);
      const list = this.writeItems.get(queuedObjects[i]);
      if (list) list.push(item);
      else this.writeItems.set(queuedObjects[i], [item]);
      this.writeCount += 1;
    });
  }

  private settle = (result: WriteResult): void => {
    const rowNumber = this.rowOfRecord.get(result.id);
    if (rowNumber === undefined) return;
    this.rowOfRecord.delete(result.id);
    const state = this.rowsInWrite.get(rowNumber)!;
    state.pending -= 1;
    if (result.ok) this.written += 1;
    else if (!state.failure)
      state.failure = { statusCode: result.statusCode, message: result.message, id: result.id };
    if (state.pending > 0) return;
    this.rowsInWrite.delete(rowNumber);
    if (state.failure) {
      this.emit(state.row, state.key, 'failed', {
        recordIds: state.recordIds,
        statusCode: state.failure.statusCode,
        reason: `${state.failure.id}: ${state.failure.statusCode}: ${state.failure.message}`
      });
    } else this.emit(state.row, state.key, 'updated', { recordIds: state.recordIds });
  };

  private async write(): Promise<void> {
    if (this.options.dryRun || this.writeCount === 0) {
      this.note(this.options.dryRun ? 'Dry run: nothing written.' : 'Nothing changed: nothing written.');
      return;
    }
    this.progress('writing');
    const bulk = this.writeCount > this.thresholds.bulkIngestAbove;
    this.strategy.write = bulk ? 'bulk-ingest' : 'collections';
    for (const [objectName, items] of this.writeItems) {
      this.note(
        `Writing ${items.length} ${objectName} records with ${bulk ? 'one Bulk API 2.0 job' : 'sObject Collections'}.`
      );
      const onResult = (result: WriteResult) => {
        this.settle(result);
        if (this.written % 1_000 === 0) this.progress('writing');
      };
      if (bulk) {
        await writeWithBulkIngest(this.conn, objectName, items, this.bulkPolling, onResult);
      } else {
        await writeWithCollections(
          this.conn,
          objectName,
          items,
          {
            concurrency: this.options.concurrency ?? 4,
            lockRetries: this.options.lockRetries ?? 3,
            lockBackoffMs: this.options.lockBackoffMs ?? 1_000
          },
          onResult
        );
      }
    }
    this.writeItems.clear();
    this.progress('writing');
  }
}
