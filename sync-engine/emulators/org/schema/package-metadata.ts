/**
 * Reads the package's object metadata (`force-app/main/default/objects`, source format) into object and
 * field definitions, so that a field added to the package appears in the emulator with no other change.
 * Custom fields on standard objects (e.g. `Lead/fields/*.field-meta.xml`) are returned separately and
 * merged into the standard definitions by the schema.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { field, type FieldDef, type PicklistValue } from './schema-types.js';

export interface PackageObject {
  name: string;
  /** Present only when the folder has an `.object-meta.xml` (custom objects and events). */
  definition?: {
    label: string;
    pluralLabel: string;
    isEvent: boolean;
    nameField?: { label: string; type: 'Text' | 'AutoNumber'; displayFormat?: string };
  };
  fields: FieldDef[];
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === 'value' || name === 'referenceTo'
});

type Xml = Record<string, unknown>;

const str = (node: Xml, key: string): string | undefined => {
  const value = node[key];
  return typeof value === 'string' ? value.replace(/\s+/g, ' ').trim() : undefined;
};
const num = (node: Xml, key: string, fallback: number): number => {
  const value = str(node, key);
  return value === undefined ? fallback : Number(value);
};
const bool = (node: Xml, key: string): boolean => str(node, key) === 'true';

function picklistValues(node: Xml): { values: PicklistValue[]; restricted: boolean } {
  const valueSet = node.valueSet as Xml | undefined;
  const definition = valueSet?.valueSetDefinition as Xml | undefined;
  const values = ((definition?.value as Xml[] | undefined) ?? []).map((v) => ({
    value: str(v, 'fullName') ?? '',
    label: str(v, 'label') ?? str(v, 'fullName') ?? '',
    defaultValue: bool(v, 'default')
  }));
  return { values, restricted: valueSet ? bool(valueSet, 'restricted') : false };
}

/** Metadata `<type>` → describe type and its describe attributes. */
export function parseFieldXml(xml: string, source: string): FieldDef {
  const node = (parser.parse(xml) as Xml).CustomField as Xml | undefined;
  if (!node) throw new Error(`${source}: not a CustomField`);
  const name = str(node, 'fullName');
  const type = str(node, 'type');
  if (!name || !type) throw new Error(`${source}: fullName and type are required`);
  const common = {
    name,
    label: str(node, 'label') ?? name,
    required: bool(node, 'required'),
    unique: bool(node, 'unique'),
    externalId: bool(node, 'externalId'),
    caseSensitive: bool(node, 'caseSensitive'),
    inlineHelpText: str(node, 'inlineHelpText') ?? null,
    custom: true
  };
  const idLookup = common.unique || common.externalId;
  const formula = str(node, 'formula');
  const calculated = formula ? { calculated: true, createable: false, updateable: false } : {};
  const defaultText = str(node, 'defaultValue');
  switch (type) {
    case 'Text':
      return field({ ...common, type: 'string', length: num(node, 'length', 255), idLookup, ...calculated });
    case 'TextArea':
      return field({ ...common, type: 'textarea', length: 255, extraTypeInfo: 'plaintextarea' });
    case 'LongTextArea':
      return field({
        ...common,
        type: 'textarea',
        length: num(node, 'length', 32768),
        extraTypeInfo: 'plaintextarea'
      });
    case 'Html':
      return field({
        ...common,
        type: 'textarea',
        length: num(node, 'length', 32768),
        extraTypeInfo: 'richtextarea'
      });
    case 'Email':
      return field({ ...common, type: 'email', length: 80, idLookup });
    case 'Url':
      return field({ ...common, type: 'url', length: 255 });
    case 'Phone':
      return field({ ...common, type: 'phone', length: 40 });
    case 'Number':
    case 'Percent':
    case 'Currency':
      return field({
        ...common,
        type: type === 'Number' ? 'double' : type === 'Percent' ? 'percent' : 'currency',
        precision: num(node, 'precision', 18),
        scale: num(node, 'scale', 0),
        idLookup: common.externalId,
        defaultValue: defaultText !== undefined && defaultText !== '' ? Number(defaultText) : null,
        ...calculated
      });
    case 'Checkbox':
      return field({ ...common, type: 'boolean', defaultValue: defaultText === 'true', ...calculated });
    case 'Date':
      return field({ ...common, type: 'date', ...calculated });
    case 'DateTime':
      return field({ ...common, type: 'datetime', ...calculated });
    case 'Picklist':
    case 'MultiselectPicklist': {
      const { values, restricted } = picklistValues(node);
      const defaultValue = values.find((v) => v.defaultValue)?.value ?? null;
      return field({
        ...common,
        type: type === 'Picklist' ? 'picklist' : 'multipicklist',
        length: type === 'Picklist' ? 255 : 4099,
        picklistValues: values,
        restrictedPicklist: restricted,
        defaultValue
      });
    }
    case 'Lookup':
    case 'MasterDetail': {
      const referenceTo = (node.referenceTo as string[] | undefined)?.map((r) => r.trim()) ?? [];
      return field({
        ...common,
        type: 'reference',
        length: 18,
        referenceTo,
        // The API name of a custom relationship is the field name with `__r` (Object Reference: "Relationship Names").
        relationshipName: `${name.replace(/__c$/, '')}__r`,
        required: type === 'MasterDetail' || common.required
      });
    }
    case 'AutoNumber':
      return field({
        ...common,
        type: 'string',
        length: 30,
        autoNumber: true,
        createable: false,
        updateable: false,
        nillable: false,
        displayFormat: str(node, 'displayFormat')
      });
    default:
      throw new Error(`${source}: field type ${type} is not supported by the org emulator`);
  }
}

function parseObjectXml(xml: string, source: string): NonNullable<PackageObject['definition']> {
  const node = (parser.parse(xml) as Xml).CustomObject as Xml | undefined;
  if (!node) throw new Error(`${source}: not a CustomObject`);
  const nameField = node.nameField as Xml | undefined;
  const nameType = nameField ? str(nameField, 'type') : undefined;
  return {
    label: str(node, 'label') ?? '',
    pluralLabel: str(node, 'pluralLabel') ?? str(node, 'label') ?? '',
    isEvent: str(node, 'eventType') !== undefined,
    nameField: nameField
      ? {
          label: str(nameField, 'label') ?? 'Name',
          type: nameType === 'AutoNumber' ? 'AutoNumber' : 'Text',
          displayFormat: str(nameField, 'displayFormat')
        }
      : undefined
  };
}

/** Every object folder under `objectsDir`, with its fields; an absent folder yields nothing. */
export function readPackageObjects(objectsDir: string): PackageObject[] {
  if (!existsSync(objectsDir)) return [];
  const objects: PackageObject[] = [];
  for (const name of readdirSync(objectsDir).sort()) {
    const dir = join(objectsDir, name);
    const objectFile = join(dir, `${name}.object-meta.xml`);
    const fieldsDir = join(dir, 'fields');
    const definition = existsSync(objectFile)
      ? parseObjectXml(readFileSync(objectFile, 'utf8'), objectFile)
      : undefined;
    const fields = existsSync(fieldsDir)
      ? readdirSync(fieldsDir)
          .filter((f) => f.endsWith('.field-meta.xml'))
          .sort()
          .map((f) => parseFieldXml(readFileSync(join(fieldsDir, f), 'utf8'), join(fieldsDir, f)))
      : [];
    if (definition || fields.length > 0) objects.push({ name, definition, fields });
  }
  return objects;
}

export interface PackagePermissionSet {
  name: string;
  label: string;
  /** The system permissions it enables (`ViewSetup`, …). */
  userPermissions: string[];
}

/** The package's permission sets (`permissionsets/`, beside `objects/`), for the emulated PermissionSet rows. */
export function readPackagePermissionSets(objectsDir: string): PackagePermissionSet[] {
  const dir = join(objectsDir, '..', 'permissionsets');
  if (!existsSync(dir)) return [];
  const setParser = new XMLParser({
    ignoreAttributes: true,
    parseTagValue: false,
    isArray: (name) => name === 'userPermissions'
  });
  return readdirSync(dir)
    .filter((f) => f.endsWith('.permissionset-meta.xml'))
    .sort()
    .map((f) => {
      const xml = (setParser.parse(readFileSync(join(dir, f), 'utf8')) as Xml).PermissionSet as Xml;
      const permissions = (xml.userPermissions as Xml[] | undefined) ?? [];
      return {
        name: f.replace('.permissionset-meta.xml', ''),
        label: str(xml, 'label') ?? f,
        userPermissions: permissions.filter((p) => str(p, 'enabled') === 'true').map((p) => str(p, 'name')!)
      };
    });
}
