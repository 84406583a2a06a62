/** Step 2 of a run: the report's header must hold the key column and every mapped column. */
import type { IntegrationDefinition } from '../domain/integration.js';
import { LAST_SYNCED_FIELD } from '../domain/integration.js';

/** The columns the integration needs that `header` lacks, in the integration's order. */
export function missingColumns(integration: IntegrationDefinition, header: readonly string[]): string[] {
  const present = new Set(header);
  return [
    integration.reportKeyColumn,
    ...integration.mappings.filter((mapping) => mapping.field !== LAST_SYNCED_FIELD).map((m) => m.column)
  ].filter((column) => !present.has(column));
}
