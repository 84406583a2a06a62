/**
 * What the CLI runs against until the engine service holds real connections: an in-process org emulator
 * and Insights emulator, a jsforce connection logged in with the OAuth password grant (what `conn.login()`
 * does when an `oauth2` option is set), and the Insights API source reading the sample reports.
 */
import { Connection } from '@jsforce/jsforce-node';
import { startOrgEmulator } from '../emulators/org/start.js';
import { startInsightsEmulator } from '../emulators/insights/start.js';
import { InsightsApiSource } from '../src/sources/insights-api-source.js';
import type { ReportSource } from '../src/sources/report-source.js';
import type { IntegrationDefinition } from '../src/domain/integration.js';
import { findIntegration, toIntegrationRecord } from '../src/salesforce/integration-reader.js';
import { SAMPLE_INTEGRATION } from './sample-integration.js';

export type OrgName = 'production' | 'sandbox';

export interface DemoEnvironment {
  connection: Connection;
  source: ReportSource;
  stop(): Promise<void>;
}

export async function startDemoEnvironment(org: OrgName): Promise<DemoEnvironment> {
  const orgEmulator = await startOrgEmulator();
  const insights = await startInsightsEmulator();
  try {
    const target = orgEmulator.orgs[org];
    const connection = new Connection({
      oauth2: { loginUrl: target.loginUrl, clientId: target.clientId, clientSecret: target.clientSecret }
    });
    await connection.login(target.username, target.password);
    const source = new InsightsApiSource({
      clientId: insights.clientId,
      clientSecret: insights.clientSecret,
      baseUrl: insights.url
    });
    return {
      connection,
      source,
      async stop() {
        await insights.stop();
        await orgEmulator.stop();
      }
    };
  } catch (error) {
    await insights.stop();
    await orgEmulator.stop();
    throw error;
  }
}

/**
 * Creates the sample integration in the org when no integration has its name, on the org's engine connection
 * when the engine has recorded one (as the wizard saves it, so the list shows its environment).
 */
export async function ensureSampleIntegration(connection: Connection): Promise<IntegrationDefinition> {
  const existing = await findIntegration(connection, SAMPLE_INTEGRATION.name);
  if (existing) return existing;
  const { records } = await connection.query<{ Id: string }>(
    'SELECT Id FROM WalkMe_Connection__c ORDER BY CreatedDate LIMIT 1'
  );
  const created = (await connection.sobject('WalkMe_Integration__c').create({
    ...toIntegrationRecord(SAMPLE_INTEGRATION),
    ...(records[0] ? { Connection__c: records[0].Id } : {})
  })) as unknown as { id: string; success: boolean };
  if (!created.success) throw new Error('Could not create the sample integration in the org.');
  return { ...SAMPLE_INTEGRATION, id: created.id };
}
