/**
 * Step 5 of a run, for one row and the records it decided to write: each record's mapped values
 * compared with the values read from Salesforce, and a write item built for each record that changed (or
 * every record on a full run). A value left undefined (a blank cell kept) is neither compared nor sent.
 * `WalkMe_Last_Synced__c`, when mapped, is stamped only on records written.
 */
import type { RecordWrite, WriteItem } from '../target-org.js';
import type { ValidRow } from '../row-validation.js';
import type { FieldChange } from '../../domain/run-result.js';
import type { FieldMapping } from '../../domain/integration.js';
import type { Target } from '../match/match-targets.js';
import type { ObjectPlan } from '../target-plan.js';
import { valuesDiffer } from './value-diff.js';

export type { RecordWrite };

export interface ChangeRules {
  mappings: FieldMapping[];
  objects: Map<string, ObjectPlan>;
  /** Rewrite records whose values are already equal. */
  full: boolean;
  /** ISO time stamped in `WalkMe_Last_Synced__c`. */
  syncedAt: string;
  /** Each field that differs, before/after (a dry run's sample, the mass-change guard's count). */
  onChange?: (change: FieldChange) => void;
}

export function recordWrites(row: ValidRow, targets: Target[], rules: ChangeRules): RecordWrite[] {
  const writes: RecordWrite[] = [];
  for (const target of targets) {
    const plan = rules.objects.get(target.objectName)!;
    const fields: WriteItem['fields'] = {};
    let changed = false;
    rules.mappings.forEach((_mapping, i) => {
      const field = plan.fields[i];
      const value = row.values[i];
      if (!field || value === undefined) return;
      fields[field.name] = value;
      if (valuesDiffer(value, target.record.values[field.name], field)) {
        changed = true;
        rules.onChange?.({
          recordId: target.record.id,
          field: field.name,
          before: target.record.values[field.name] ?? null,
          after: value
        });
      }
    });
    if (!changed && !rules.full) continue;
    if (plan.lastSynced) fields[plan.lastSynced.name] = rules.syncedAt;
    writes.push({ objectName: target.objectName, item: { id: target.record.id, fields } });
  }
  return writes;
}
