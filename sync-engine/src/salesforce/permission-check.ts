/**
 * Can the connecting user do the engine's job? Read from describe's object and field flags, as the user sees
 * them (a describe reflects the user's profile and permission sets): read and update the target objects and
 * their WalkMe_ fields, read and update the integrations, create and update the run log, catalog and
 * connection records. Answers one sentence per missing right (the connection is refused for those), and
 * warnings for what only some integrations would need: a WalkMe_ field the user cannot edit is refused by
 * the run that maps it, naming it, and does not keep the others from running.
 */
import type { Connection } from '@jsforce/jsforce-node';

interface Need {
  object: string;
  read?: boolean;
  create?: boolean;
  update?: boolean;
  /** Fields (by prefix) that must be updateable, e.g. the package's WalkMe_ fields on Lead. */
  updateableFieldPrefix?: string;
}

export const REQUIRED_ACCESS: Need[] = [
  { object: 'Lead', read: true, update: true, updateableFieldPrefix: 'WalkMe_' },
  { object: 'Contact', read: true, update: true, updateableFieldPrefix: 'WalkMe_' },
  { object: 'WalkMe_Integration__c', read: true, update: true },
  { object: 'WalkMe_Sync_Run__c', read: true, create: true, update: true },
  { object: 'WalkMe_Report__c', read: true, create: true, update: true },
  { object: 'WalkMe_Connection__c', read: true, create: true, update: true }
];

const PACKAGE_HINT =
  'is the WalkMe package installed and the WalkMe engine permission set assigned to this user?';

export interface AccessCheck {
  missing: string[];
  warnings: string[];
}

export async function checkAccess(conn: Connection, needs: Need[] = REQUIRED_ACCESS): Promise<AccessCheck> {
  const global = await conn.describeGlobal();
  const visible = new Map(global.sobjects.map((o) => [o.name, o]));
  const missing: string[] = [];
  const warnings: string[] = [];
  for (const need of needs) {
    const summary = visible.get(need.object);
    if (!summary) {
      missing.push(
        `${need.object}: not visible to this user (${need.object.endsWith('__c') ? PACKAGE_HINT : 'object access is missing'})`
      );
      continue;
    }
    const lacks = [
      need.read && !summary.queryable ? 'read' : '',
      need.create && !summary.createable ? 'create' : '',
      need.update && !summary.updateable ? 'edit' : ''
    ].filter(Boolean);
    if (lacks.length) missing.push(`${need.object}: no ${lacks.join(', ')} access`);
    if (need.updateableFieldPrefix) {
      const describe = await conn.sobject(need.object).describe();
      const readOnly = describe.fields
        .filter((f) => f.custom && f.name.startsWith(need.updateableFieldPrefix!) && !f.updateable)
        .map((f) => f.name);
      if (readOnly.length) {
        warnings.push(
          `${need.object}: fields not editable by this user, so integrations cannot map them: ${readOnly.join(', ')}`
        );
      }
      if (!describe.fields.some((f) => f.name.startsWith(need.updateableFieldPrefix!))) {
        missing.push(
          `${need.object}: the ${need.updateableFieldPrefix} fields are not visible (${PACKAGE_HINT})`
        );
      }
    }
  }
  return { missing, warnings };
}

/** Salesforce's answer when the user's profile lacks "API Enabled" (or the edition has no API). */
export function isApiDisabled(error: unknown): boolean {
  const e = error as { name?: string; errorCode?: string } | null;
  return [e?.errorCode, e?.name].some(
    (code) => code === 'API_DISABLED_FOR_ORG' || code === 'API_CURRENTLY_DISABLED'
  );
}
