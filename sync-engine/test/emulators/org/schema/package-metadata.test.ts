import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildOrgSchema } from '../../../../emulators/org/schema/org-schema.js';

const field = (body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<CustomField xmlns="http://soap.sforce.com/2006/04/metadata">${body}</CustomField>`;

const FIELDS: Record<string, string> = {
  Text__c:
    '<fullName>Text__c</fullName><label>Text</label><type>Text</type><length>40</length><unique>true</unique><externalId>true</externalId>',
  Long__c:
    '<fullName>Long__c</fullName><label>Long</label><type>LongTextArea</type><length>131072</length><visibleLines>3</visibleLines>',
  Mail__c: '<fullName>Mail__c</fullName><label>Mail</label><type>Email</type>',
  Site__c: '<fullName>Site__c</fullName><label>Site</label><type>Url</type>',
  Tel__c: '<fullName>Tel__c</fullName><label>Tel</label><type>Phone</type>',
  Num__c:
    '<fullName>Num__c</fullName><label>Num</label><type>Number</type><precision>12</precision><scale>3</scale><defaultValue>9</defaultValue>',
  Pct__c:
    '<fullName>Pct__c</fullName><label>Pct</label><type>Percent</type><precision>5</precision><scale>2</scale>',
  Amt__c:
    '<fullName>Amt__c</fullName><label>Amt</label><type>Currency</type><precision>18</precision><scale>2</scale>',
  Flag__c:
    '<fullName>Flag__c</fullName><label>Flag</label><type>Checkbox</type><defaultValue>true</defaultValue>',
  Day__c: '<fullName>Day__c</fullName><label>Day</label><type>Date</type>',
  At__c: '<fullName>At__c</fullName><label>At</label><type>DateTime</type>',
  Pick__c: `<fullName>Pick__c</fullName><label>Pick</label><type>Picklist</type><valueSet><restricted>true</restricted><valueSetDefinition>
    <value><fullName>A</fullName><default>true</default><label>A</label></value>
    <value><fullName>B</fullName><default>false</default><label>Bee</label></value></valueSetDefinition></valueSet>`,
  Parent__c:
    '<fullName>Parent__c</fullName><label>Parent</label><type>Lookup</type><referenceTo>Thing__c</referenceTo><relationshipName>Children</relationshipName>'
};

describe('package metadata → schema', () => {
  test('every field type of the package, a custom object, an auto-number object, an event and fields on Lead', () => {
    const dir = mkdtempSync(join(tmpdir(), 'org-schema-'));
    try {
      mkdirSync(join(dir, 'Thing__c', 'fields'), { recursive: true });
      writeFileSync(
        join(dir, 'Thing__c', 'Thing__c.object-meta.xml'),
        '<CustomObject><label>Thing</label><pluralLabel>Things</pluralLabel><nameField><label>Thing Name</label><type>Text</type></nameField></CustomObject>'
      );
      for (const [name, body] of Object.entries(FIELDS))
        writeFileSync(join(dir, 'Thing__c', 'fields', `${name}.field-meta.xml`), field(body));
      mkdirSync(join(dir, 'Run__c'));
      writeFileSync(
        join(dir, 'Run__c', 'Run__c.object-meta.xml'),
        '<CustomObject><label>Run</label><pluralLabel>Runs</pluralLabel><nameField><displayFormat>R-{0000}</displayFormat><label>No</label><type>AutoNumber</type></nameField></CustomObject>'
      );
      mkdirSync(join(dir, 'Go__e', 'fields'), { recursive: true });
      writeFileSync(
        join(dir, 'Go__e', 'Go__e.object-meta.xml'),
        '<CustomObject><eventType>HighVolume</eventType><label>Go</label><pluralLabel>Gos</pluralLabel></CustomObject>'
      );
      writeFileSync(
        join(dir, 'Go__e', 'fields', 'Run_Id__c.field-meta.xml'),
        field('<fullName>Run_Id__c</fullName><label>Run Id</label><type>Text</type><length>18</length>')
      );
      mkdirSync(join(dir, 'Lead', 'fields'), { recursive: true });
      writeFileSync(
        join(dir, 'Lead', 'fields', 'Score__c.field-meta.xml'),
        field(
          '<fullName>Score__c</fullName><label>Score</label><type>Number</type><precision>2</precision><scale>0</scale>'
        )
      );

      const schema = buildOrgSchema(dir);
      const thing = schema.describe('thing__c', '62.0');
      const f = (name: string) => thing.fields.find((x) => x.name === name)!;
      assert.equal(thing.keyPrefix, 'a01');
      assert.deepEqual(
        [
          f('Text__c').type,
          f('Text__c').length,
          f('Text__c').unique,
          f('Text__c').externalId,
          f('Text__c').idLookup
        ],
        ['string', 40, true, true, true]
      );
      assert.deepEqual(
        [f('Long__c').type, f('Long__c').length, f('Long__c').filterable],
        ['textarea', 131072, false]
      );
      assert.deepEqual([f('Mail__c').type, f('Site__c').type, f('Tel__c').type], ['email', 'url', 'phone']);
      assert.deepEqual(
        [f('Num__c').type, f('Num__c').precision, f('Num__c').scale, f('Num__c').defaultValue],
        ['double', 12, 3, 9]
      );
      assert.deepEqual([f('Pct__c').type, f('Amt__c').type], ['percent', 'currency']);
      assert.deepEqual(
        [f('Flag__c').type, f('Flag__c').defaultValue, f('Flag__c').nillable],
        ['boolean', true, false]
      );
      assert.deepEqual(
        [f('Day__c').type, f('At__c').type, f('At__c').soapType],
        ['date', 'datetime', 'xsd:dateTime']
      );
      assert.equal(f('Pick__c').restrictedPicklist, true);
      assert.deepEqual(f('Pick__c').picklistValues, [
        { value: 'A', label: 'A', active: true, defaultValue: true },
        { value: 'B', label: 'Bee', active: true, defaultValue: false }
      ]);
      assert.deepEqual(
        [f('Parent__c').type, f('Parent__c').referenceTo, f('Parent__c').relationshipName],
        ['reference', ['Thing__c'], 'Parent__r']
      );
      assert.equal(f('Name').label, 'Thing Name');
      const run = schema.find('Run__c')!;
      assert.deepEqual(
        [run.fieldIndex.get('name')!.autoNumber, run.fieldIndex.get('name')!.displayFormat, run.keyPrefix],
        [true, 'R-{0000}', 'a00']
      );
      const go = schema.describe('Go__e', '62.0');
      assert.deepEqual([go.queryable, go.createable, go.keyPrefix], [false, true, 'e00']);
      assert.ok(go.fields.some((x) => x.name === 'Run_Id__c'));
      const lead = schema.describe('Lead', '62.0');
      assert.equal(lead.fields.find((x) => x.name === 'Score__c')?.precision, 2);
      assert.equal(
        lead.fields.find((x) => x.name === 'ConvertedContactId')?.relationshipName,
        'ConvertedContact'
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an unsupported field type stops the build and names the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'org-schema-'));
    try {
      mkdirSync(join(dir, 'Lead', 'fields'), { recursive: true });
      writeFileSync(
        join(dir, 'Lead', 'fields', 'Where__c.field-meta.xml'),
        field('<fullName>Where__c</fullName><type>Location</type>')
      );
      assert.throws(
        () => buildOrgSchema(dir),
        /Where__c\.field-meta\.xml: field type Location is not supported/
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
