/**
 * Step 5 of a run, for one row and the records it decided to write: each record's mapped values
 * compared with the values read from Salesforce, and a write item built for each record that changed (or
 * every record on a full run). `WalkMe_Last_Synced__c`, when mapped, is stamped only on records written.
 */
import type { WriteItem } from '../target-org.js';
import type { ValidRow } from '../row-validation.js';
import type { FieldChange } from '../../domain/run-result.js';
import type { FieldMapping } from '../../domain/integration.js';
import type { Target } from '../match/match-targets.js';
import type { ObjectPlan } from '../target-plan.js';
import { valuesDiffer } from './value-diff.js';

export interface RecordWrite {
  objectName: string;
  item: WriteItem;
}

export interface ChangeRules {
  mappings: FieldMapping[];
  objects: Map<string, ObjectPlan>;
  /** Rewrite records whose values are already equal. */
  full: boolean;
  /** ISO time stamped in `WalkMe_Last_Synced__c`. */
  syncedAt: string;
  /** Each field that differs, before/after (a dry run's sample). */
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
      if (!field) return;
      fields[field.name] = row.values[i];
      if (valuesDiffer(row.values[i], target.record.values[field.name], field)) {
        changed = true;
        rules.onChange?.({
          recordId: target.record.id,
          field: field.name,
          before: target.record.values[field.name] ?? null,
          after: row.values[i]
        });
      }
    });
    if (!changed && !rules.full) continue;
    if (plan.lastSynced) fields[plan.lastSynced.name] = rules.syncedAt;
    writes.push({ objectName: target.objectName, item: { id: target.record.id, fields } });
  }
  return writes;
}
