#!/usr/bin/env node
// Offline Apex checks (no org needed), in three stages that all run and all report:
//   1. syntax: prettier with prettier-plugin-apex (its native parser) must parse every class and trigger;
//   2. semantics: apex-ls CheckForIssues resolves types, fields and methods against force-app's metadata;
//   3. static rules: PMD's Apex security, best-practice, error-prone and performance rules, run through
//      Salesforce Code Analyzer's PMD wrapper from the pinned @salesforce/code-analyzer-pmd-engine.
// Usage: node scripts/check-apex.mjs [--root <sfdx project folder>]   (default: this project)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const projectDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rootArg = process.argv.indexOf('--root');
const root = path.resolve(rootArg > 0 ? process.argv[rootArg + 1] : projectDir);
const javaLib = path.join(projectDir, 'node_modules/@salesforce/code-analyzer-pmd-engine/dist/java-lib');
const classpath = `${javaLib}${path.sep}*`;

function apexFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(cls|trigger)$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => !file.includes(`${path.sep}node_modules${path.sep}`));
}

function run(command, args, options = {}) {
  return spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
}

function syntaxStage(files) {
  const prettier = path.join(projectDir, 'node_modules/.bin/prettier');
  // Run from the project so the plugin resolves; unformatted code is format:check's business, parse errors ours.
  const result = run(
    prettier,
    [
      '--check',
      '--no-color',
      '--ignore-path',
      '',
      '--plugin',
      'prettier-plugin-apex',
      '--parser',
      'apex',
      ...files
    ],
    { cwd: projectDir }
  );
  const errors = `${result.stdout}\n${result.stderr}`
    .split('\n')
    .filter((line) => line.startsWith('[error]') && !/^\[error\]\s+at /.test(line));
  return errors.length === 0 && result.status === 2 ? [`prettier exited with ${result.status}`] : errors;
}

function semanticStage() {
  const result = run('java', [
    '-cp',
    classpath,
    'io.github.apexdevtools.apexls.CheckForIssues',
    '--workspace',
    root,
    '--nocache'
  ]);
  if (result.error) return [`cannot run java (Java 17 is required): ${result.error.message}`];
  if (result.status === 0) return [];
  const lines = `${result.stdout}\n${result.stderr}`.split('\n').filter((line) => line.trim());
  return lines.length ? lines : [`apex-ls exited with ${result.status}`];
}

function pmdStage(files) {
  const work = mkdtempSync(path.join(tmpdir(), 'pmd-apex-'));
  try {
    const input = path.join(work, 'input.json');
    const output = path.join(work, 'results.json');
    writeFileSync(
      input,
      JSON.stringify({
        ruleSetInputFile: path.join(projectDir, 'config/pmd-apex-ruleset.xml'),
        runDataPerLanguage: { apex: { filesToScan: files } }
      })
    );
    const result = run('java', [
      '-cp',
      classpath,
      'com.salesforce.sfca.pmdwrapper.PmdWrapper',
      'run',
      input,
      output
    ]);
    if (result.error) return [`cannot run java (Java 17 is required): ${result.error.message}`];
    if (result.status !== 0) return [`PMD exited with ${result.status}: ${result.stderr || result.stdout}`];
    const { violations, processingErrors } = JSON.parse(readFileSync(output, 'utf8'));
    return [
      ...violations.map(
        (v) =>
          `${path.relative(root, v.codeLocation.file)}:${v.codeLocation.startLine}:${v.codeLocation.startCol} ${v.rule}: ${v.message}`
      ),
      ...processingErrors.map((e) => `${path.relative(root, e.file)}: PMD could not process it: ${e.message}`)
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const files = apexFiles(path.join(root, 'force-app'));
if (files.length === 0) {
  console.error(`check:apex: no Apex classes or triggers under ${path.join(root, 'force-app')}`);
  process.exit(1);
}
const stages = [
  ['syntax (prettier-plugin-apex)', () => syntaxStage(files)],
  ['semantics (apex-ls CheckForIssues)', semanticStage],
  ['static rules (PMD security, best practices, error-prone, performance)', () => pmdStage(files)]
];
let failed = false;
for (const [name, check] of stages) {
  const problems = check();
  console.log(
    `${problems.length ? '✗' : '✓'} ${name}: ${problems.length ? `${problems.length} problem(s)` : 'clean'}`
  );
  // Parser messages list every expected token: the first line of each says what and where.
  for (const problem of problems)
    console.log(`    ${problem.length > 400 ? `${problem.slice(0, 400)}…` : problem}`);
  failed ||= problems.length > 0;
}
console.log(`check:apex: ${files.length} Apex file(s) ${failed ? 'FAILED' : 'passed'}`);
process.exit(failed ? 1 : 0);
