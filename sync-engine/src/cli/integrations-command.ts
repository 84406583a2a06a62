/** `integrations export --org sandbox > file.json` and `integrations import --org production file.json`. */
import { readFile } from 'node:fs/promises';
import { loadConfig } from '../config.js';
import { startEngine } from '../engine/start-engine.js';
import { createLogger } from '../logging/logger.js';
import type { CliCommand } from './cli-command.js';
import { parseArgs } from './cli-command.js';
import { exportIntegrations, importIntegrations, type IntegrationExport } from './integration-promotion.js';

/**
 * Reads a file written by `export`. `npm run engine -- integrations export > file.json` puts npm's own
 * banner (`> package@version engine` / `> tsx …`) before the JSON, so that banner is skipped.
 */
async function readExportFile(file: string): Promise<IntegrationExport> {
  const text = (await readFile(file, 'utf8')).replace(/^(\s*> [^\n]*\n)+/, '');
  let parsed: IntegrationExport;
  try {
    parsed = JSON.parse(text) as IntegrationExport;
  } catch (error) {
    throw new Error(`${file} is not an integrations export (invalid JSON: ${(error as Error).message}).`);
  }
  if (!Array.isArray(parsed?.integrations)) {
    throw new Error(`${file} is not an integrations export: it has no "integrations" list.`);
  }
  return parsed;
}

export const integrationsCommand: CliCommand = {
  name: 'integrations',
  usage: 'integrations export --org <org> | import --org <org> <file.json>',
  summary: 'copy integration definitions between connected orgs (Sandbox → Production)',
  async run(args) {
    const { positionals, values } = parseArgs(args, { values: ['org'] });
    const [action, file] = positionals;
    const org = values.get('org');
    if (!org || (action !== 'export' && action !== 'import') || (action === 'import' && !file)) {
      process.stderr.write(`Usage: npm run engine -- ${integrationsCommand.usage}\n`);
      return 2;
    }
    const engine = await startEngine(loadConfig(), { role: 'none', logger: createLogger({ level: 'warn' }) });
    try {
      const account = await engine.ctx.store.accounts.find(org);
      if (!account) {
        process.stderr.write(`No connected account matches "${org}".\n`);
        return 1;
      }
      if (action === 'export') {
        const integrations = await engine.ctx.orgs.use(account.orgId, (conn) => exportIntegrations(conn));
        const out: IntegrationExport = {
          exportedFrom: { orgId: account.orgId, orgName: account.orgName, environment: account.environment },
          exportedAt: new Date().toISOString(),
          integrations
        };
        process.stdout.write(JSON.stringify(out, null, 2) + '\n');
        process.stderr.write(`Exported ${integrations.length} integrations from ${account.orgName}.\n`);
        return 0;
      }
      const parsed = await readExportFile(file!);
      const report = await engine.ctx.orgs.use(account.orgId, (conn, current) =>
        importIntegrations(conn, parsed.integrations, current.connectionRecordId)
      );
      const lines = [
        `Imported into ${account.orgName} (${account.environment}): ${report.created.length} created, ${report.updated.length} updated, ${report.skipped.length} not imported.`,
        ...report.skipped.map((s) => `  not imported: ${s.name}: ${s.reason}`),
        ...report.droppedMappings.map((d) => `  mapping dropped: ${d.name}: ${d.field}: ${d.reason}`)
      ];
      process.stdout.write(lines.join('\n') + '\n');
      return report.skipped.length || report.droppedMappings.length ? 3 : 0;
    } finally {
      await engine.stop();
    }
  }
};
