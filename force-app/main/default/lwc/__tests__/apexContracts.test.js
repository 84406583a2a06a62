const { readdirSync, readFileSync } = require('node:fs');
const path = require('node:path');
const { CONTRACTS, apexResult } = require('./apexContracts.cjs');

const LWC_DIR = path.resolve(__dirname, '..');

// Every `@salesforce/apex/<Class>.<method>` a component (not a test) imports.
function importedApexMethods() {
  const methods = new Set();
  for (const bundle of readdirSync(LWC_DIR, { withFileTypes: true })) {
    if (!bundle.isDirectory() || bundle.name === '__tests__') {
      continue;
    }
    for (const file of readdirSync(path.join(LWC_DIR, bundle.name))) {
      if (file.endsWith('.js')) {
        const source = readFileSync(path.join(LWC_DIR, bundle.name, file), 'utf8');
        for (const match of source.matchAll(/from '@salesforce\/apex\/([\w.]+)'/g)) {
          methods.add(match[1]);
        }
      }
    }
  }
  return [...methods].sort();
}

describe('WalkMeApexContracts.json', () => {
  it('holds a sample for every Apex method the components import, and nothing else', () => {
    const imported = importedApexMethods();
    expect(imported.length).toBeGreaterThan(0);
    expect(Object.keys(CONTRACTS).sort()).toEqual(imported);
  });

  it.each(Object.keys(CONTRACTS))('%s has params and a result (null for a void method)', (method) => {
    expect(Object.keys(CONTRACTS[method]).sort()).toEqual(['params', 'result']);
    expect(CONTRACTS[method].params).toEqual(expect.any(Object));
  });

  it("hands out copies, so one test cannot change another test's sample", () => {
    apexResult('IntegrationController.getRuns')[0].status = 'Changed';
    expect(apexResult('IntegrationController.getRuns')[0].status).not.toBe('Changed');
  });

  it('names the missing entry when a method has no sample', () => {
    expect(() => apexResult('IntegrationController.noSuchMethod')).toThrow(
      /no entry for IntegrationController\.noSuchMethod/
    );
  });
});
