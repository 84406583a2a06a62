// Proves `npm run check:apex` can fail: a temporary copy of the package is checked clean, then each stage
// is fed a class it must reject.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

const projectDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const meta = `<?xml version="1.0" encoding="UTF-8"?>
<ApexClass xmlns="http://soap.sforce.com/2006/04/metadata"><apiVersion>62.0</apiVersion><status>Active</status></ApexClass>
`;

function copyOfPackage() {
  const dir = mkdtempSync(path.join(tmpdir(), 'check-apex-'));
  cpSync(path.join(projectDir, 'force-app'), path.join(dir, 'force-app'), { recursive: true });
  cpSync(path.join(projectDir, 'sfdx-project.json'), path.join(dir, 'sfdx-project.json'));
  return dir;
}

function addClass(dir, name, body) {
  const classes = path.join(dir, 'force-app/main/default/classes');
  writeFileSync(path.join(classes, `${name}.cls`), body);
  writeFileSync(path.join(classes, `${name}.cls-meta.xml`), meta);
}

function checkApex(dir) {
  const result = spawnSync(
    process.execPath,
    [path.join(projectDir, 'scripts/check-apex.mjs'), '--root', dir],
    {
      encoding: 'utf8'
    }
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('check:apex', () => {
  const copies = [];
  const freshCopy = () => {
    const dir = copyOfPackage();
    copies.push(dir);
    return dir;
  };
  after(() => copies.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  test('passes on the package as it is', () => {
    const { status, output } = checkApex(freshCopy());
    assert.equal(status, 0, output);
    assert.match(output, /check:apex: \d+ Apex file\(s\) passed/);
  });

  test('fails on a syntax error', () => {
    const dir = freshCopy();
    addClass(dir, 'BrokenSyntax', 'public with sharing class BrokenSyntax {\n  public void run( {\n}\n');
    const { status, output } = checkApex(dir);
    assert.equal(status, 1, output);
    assert.match(output, /✗ syntax[^\n]*\n[^\n]*BrokenSyntax\.cls/);
    assert.match(output, /check:apex: \d+ Apex file\(s\) FAILED/);
  });

  // apex-ls reports semantics only for a workspace that parses, hence a copy of its own.
  test('fails on an unknown field and on an injectable query without sharing', () => {
    const dir = freshCopy();
    addClass(
      dir,
      'UnknownField',
      "public with sharing class UnknownField {\n  public static void run() {\n    WalkMe_Sync_Run__c run = new WalkMe_Sync_Run__c();\n    run.Bogus_Field__c = 'x';\n  }\n}\n"
    );
    addClass(
      dir,
      'InjectableQuery',
      "public class InjectableQuery {\n  public static List<Lead> find(String email) {\n    return Database.query('SELECT Id FROM Lead WHERE Email = \\'' + email + '\\' LIMIT 10');\n  }\n}\n"
    );
    const { status, output } = checkApex(dir);
    assert.equal(status, 1, output);
    assert.match(output, /✓ syntax/);
    assert.match(output, /Unknown field 'Bogus_Field__c' on SObject 'Schema\.WalkMe_Sync_Run__c'/);
    assert.match(output, /InjectableQuery\.cls:1:1 ApexSharingViolations/);
    assert.match(output, /InjectableQuery\.cls:3:\d+ ApexSOQLInjection/);
    assert.match(output, /check:apex: \d+ Apex file\(s\) FAILED/);
  });
});
