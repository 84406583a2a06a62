/**
 * The engine's `WalkMe_Connection__c` record in a connected org, so the Lightning app can show the
 * connection: engine URL, environment, connected user, status and last heartbeat. One record per engine URL.
 */
import type { Connection } from '@jsforce/jsforce-node';
import { soqlLiteral } from '../domain/soql-literal.js';
import type { Account } from '../store/accounts.js';

export type ConnectionStatus = 'Connected' | 'Needs Reconnection' | 'Disconnected';

interface SaveResult {
  id?: string;
  success: boolean;
  errors?: Array<{ statusCode?: string; message?: string }>;
}

function check(result: SaveResult, what: string): string {
  if (!result.success) {
    const e = result.errors?.[0];
    throw new Error(
      `Could not ${what} WalkMe_Connection__c: ${e?.statusCode ?? ''} ${e?.message ?? ''}`.trim()
    );
  }
  return result.id!;
}

/** Creates or updates the record; answers its id. */
export async function writeConnectionRecord(
  conn: Connection,
  account: Account,
  engineUrl: string,
  status: ConnectionStatus,
  at: Date
): Promise<string> {
  const fields = {
    Name: `WalkMe Sync Engine (${new URL(engineUrl).host})`.slice(0, 80),
    Engine_URL__c: engineUrl,
    Environment__c: account.environment === 'sandbox' ? 'Sandbox' : 'Production',
    Connected_User__c: account.username,
    Status__c: status,
    Last_Heartbeat__c: at.toISOString()
  };
  let id = account.connectionRecordId;
  if (!id) {
    const found = await conn.query<{ Id: string }>(
      `SELECT Id FROM WalkMe_Connection__c WHERE Engine_URL__c = ${soqlLiteral(engineUrl)} LIMIT 1`
    );
    id = found.records[0]?.Id ?? null;
  }
  if (id) {
    try {
      return check(
        (await conn.sobject('WalkMe_Connection__c').update({ Id: id, ...fields })) as SaveResult,
        'update'
      );
    } catch (error) {
      // Deleted in the org since: write a new one.
      if (
        !/ENTITY_IS_DELETED|NOT_FOUND|INVALID_CROSS_REFERENCE_KEY/.test(String((error as Error).name) + error)
      ) {
        throw error;
      }
    }
  }
  return check((await conn.sobject('WalkMe_Connection__c').create(fields)) as SaveResult, 'create');
}
