/**
 * Step 4's end: what to do when one report key reached several records (field-lessons.md, complaint 3).
 * `update-all` writes every one, `skip` writes none and lists them, `most-recent` writes the record
 * modified last.
 */
import type { AmbiguityPolicy } from '../../domain/integration.js';

export type PolicyDecision<T> = { write: T[] } | { skip: string };

export function applyAmbiguityPolicy<T extends { record: { id: string; lastModified?: string } }>(
  policy: AmbiguityPolicy,
  targets: T[]
): PolicyDecision<T> {
  if (targets.length <= 1 || policy === 'update-all') return { write: targets };
  if (policy === 'skip') {
    const ids = targets.map((target) => target.record.id);
    return { skip: `${targets.length} records share this key: ${ids.join(', ')} (policy: skip)` };
  }
  const latest = targets.reduce((best, target) =>
    Date.parse(target.record.lastModified ?? '') > Date.parse(best.record.lastModified ?? '') ? target : best
  );
  return { write: [latest] };
}
