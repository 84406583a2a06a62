/**
 * The layout docs/architecture.md describes, checked: sync-engine/src/ is the product and imports none of the
 * emulators, the demo, the bench or the tests (an ESLint rule enforces it in `npm run lint`), and no folder of
 * src/ imports one that imports it back.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SRC = join(ROOT, 'sync-engine/src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : []
  );
}

/** `src/<folder>` of a file, or the file's own name for files at the top of src/. */
function folderOf(file: string): string {
  return relative(SRC, file).split('/')[0].replace(/\.ts$/, '');
}

/** Folder → the folders its files import, from every relative import in src/. */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(SRC)) {
    const from = folderOf(file);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
      const target = resolve(dirname(file), specifier);
      assert.ok(
        !relative(SRC, target).startsWith('..'),
        `${relative(ROOT, file)} imports ${specifier}, outside sync-engine/src/`
      );
      const to = folderOf(target.replace(/\.js$/, '.ts'));
      if (to !== from) edges.add(to);
    }
  }
  return graph;
}

/** Every pair of folders that import each other, directly or through others. */
function cycles(graph: Map<string, Set<string>>): string[] {
  const reaches = (from: string, to: string, seen = new Set<string>()): boolean => {
    for (const next of graph.get(from) ?? []) {
      if (next === to) return true;
      if (!seen.has(next)) {
        seen.add(next);
        if (reaches(next, to, seen)) return true;
      }
    }
    return false;
  };
  const found: string[] = [];
  for (const [from, edges] of graph) {
    for (const to of edges) if (reaches(to, from)) found.push(`${from} → ${to} → … → ${from}`);
  }
  return found;
}

describe('sync-engine layout', () => {
  test('no folder of src/ imports one that imports it back', () => {
    const graph = folderGraph();
    assert.ok(graph.has('sync') && graph.has('salesforce') && graph.has('domain'), 'the folders were read');
    assert.deepEqual(cycles(graph), []);
    assert.deepEqual([...(graph.get('domain') ?? [])], [], 'domain/ imports no other folder');
    assert.ok(
      !graph.get('sync')!.has('salesforce'),
      'the pipeline reaches the org through sync/target-org.ts'
    );
  });

  test('the cycle check finds a cycle when there is one', () => {
    const graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])]
    ]);
    assert.equal(cycles(graph).length, 3);
  });

  test('npm run lint refuses an import of the emulators or the demo from src/', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const lint = async (code: string) =>
      (await eslint.lintText(code, { filePath: join(SRC, 'cli/probe.ts') }))[0].messages.map(
        (message) => message.ruleId
      );
    assert.deepEqual(
      await lint(
        "import { startOrgEmulator } from '../../emulators/org/start.js';\nexport const s = startOrgEmulator;\n"
      ),
      ['no-restricted-imports']
    );
    assert.deepEqual(
      await lint(
        "import { SAMPLE_INTEGRATION } from '../../demo/sample-integration.js';\nexport const s = SAMPLE_INTEGRATION;\n"
      ),
      ['no-restricted-imports']
    );
    assert.deepEqual(
      await lint("import { matchKey } from '../domain/keys.js';\nexport const m = matchKey;\n"),
      []
    );
  });
});
