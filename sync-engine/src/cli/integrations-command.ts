/** `integrations export --org sandbox > file.json` and `integrations import --org production file.json`. */
import { readFile } from 'node:fs/promises';
import type { Account } from '../store/accounts.js';
import type { CliCommand } from './cli-command.js';
import { parseArgs, UsageError } from './cli-command.js';
import { withEngineApi } from './engine-api.js';
import type { ImportReport, IntegrationExport } from '../salesforce/integration-promotion.js';

/**
 * Reads a file written by `export`. `npm run engine -- integrations export > file.json` puts npm's own
 * banners (`> package@version preengine` / `> tsc …`, `> package@version engine` / `> node …`) before the
 * JSON, so they are skipped.
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
      throw new UsageError('Say export or import, the org (--org) and, to import, the file.');
    }
    if (action === 'export') {
      const out = await withEngineApi((api) => api.get<IntegrationExport>('/integrations/export', { org }));
      process.stdout.write(JSON.stringify(out, null, 2) + '\n');
      process.stderr.write(
        `Exported ${out.integrations.length} integrations from ${out.exportedFrom.orgName}.\n`
      );
      return 0;
    }
    const parsed = await readExportFile(file!);
    const { account, report } = await withEngineApi((api) =>
      api.post<{ account: Account; report: ImportReport }>('/integrations/import', parsed, { org })
    );
    const lines = [
      `Imported into ${account.orgName} (${account.environment}): ${report.created.length} created, ${report.updated.length} updated, ${report.skipped.length} not imported.`,
      ...report.skipped.map((s) => `  not imported: ${s.name}: ${s.reason}`),
      ...report.droppedMappings.map((d) => `  mapping dropped: ${d.name}: ${d.field}: ${d.reason}`)
    ];
    process.stdout.write(lines.join('\n') + '\n');
    return report.skipped.length || report.droppedMappings.length ? 3 : 0;
  }
};
