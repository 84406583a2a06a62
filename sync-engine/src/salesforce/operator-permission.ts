/**
 * May this Salesforce user operate the engine for their org? They must hold Modify All Data (through their
 * profile or a permission set) or the package's `WalkMe_Integration_Admin` permission set. Asked with the
 * user's own token: PermissionSetAssignment covers profiles too, since each profile owns a permission set
 * (`PermissionSet.IsOwnedByProfile`), and since Summer '20 it answers users with View Setup and Configuration
 * ("PermissionSetAssignment", Special Access Rules), which the package's permission set grants and admins with
 * Modify All Data hold [unverified: that Modify All Data always comes with it].
 */
import type { Connection } from '@jsforce/jsforce-node';
import { soqlLiteral } from '../domain/soql-literal.js';

export const OPERATOR_PERMISSION_SET = 'WalkMe_Integration_Admin';

/** Salesforce's answers when the user may not read the setup objects at all. */
const SETUP_HIDDEN = new Set(['INVALID_TYPE', 'INSUFFICIENT_ACCESS']);

/** Why the user may not operate the engine, or undefined when they may. */
export async function operatorRefusal(conn: Connection, userId: string): Promise<string | undefined> {
  try {
    const { records } = await conn.query(
      `SELECT Id FROM PermissionSetAssignment WHERE AssigneeId = ${soqlLiteral(userId)} AND ` +
        `(PermissionSet.PermissionsModifyAllData = true OR PermissionSet.Name = ${soqlLiteral(OPERATOR_PERMISSION_SET)}) LIMIT 1`
    );
    if (records.length > 0) return undefined;
  } catch (error) {
    if (!SETUP_HIDDEN.has((error as { errorCode?: string }).errorCode ?? '')) throw error;
  }
  return (
    `This user holds neither Modify All Data nor the ${OPERATOR_PERMISSION_SET} permission set: ` +
    `an admin of the org assigns ${OPERATOR_PERMISSION_SET} (Setup → Users → Permission Sets) to whoever runs the integration.`
  );
}
