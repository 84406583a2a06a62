/**
 * The emulator's schema: objects and fields as Salesforce describes them, built from the standard
 * definitions and the package metadata, and turned into describe answers.
 */
import type { FieldDescribe, SObjectDescribe } from '../org-context.js';

/** Field types as `describe` names them. */
export type FieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'email'
  | 'url'
  | 'phone'
  | 'picklist'
  | 'multipicklist'
  | 'boolean'
  | 'int'
  | 'double'
  | 'currency'
  | 'percent'
  | 'date'
  | 'datetime'
  | 'reference'
  | 'base64';

export interface PicklistValue {
  value: string;
  label: string;
  defaultValue: boolean;
}

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  length: number;
  precision: number;
  scale: number;
  /** Required on create (describe: `nillable:false` and `createable:true` with no default). */
  required: boolean;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  unique: boolean;
  externalId: boolean;
  caseSensitive: boolean;
  idLookup: boolean;
  custom: boolean;
  calculated: boolean;
  autoNumber: boolean;
  /** For AutoNumber fields, e.g. `RUN-{000000}`. */
  displayFormat?: string;
  defaultValue: string | number | boolean | null;
  picklistValues: PicklistValue[];
  restrictedPicklist: boolean;
  referenceTo: string[];
  relationshipName: string | null;
  inlineHelpText: string | null;
  extraTypeInfo?: string;
}

export interface ObjectDef {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  custom: boolean;
  /** Platform event (`__e`): publish-only, not queryable. */
  isEvent: boolean;
  createable: boolean;
  updateable: boolean;
  deletable: boolean;
  queryable: boolean;
  fields: FieldDef[];
  /** Fields by lowercase name (SOQL and JSON names are case-insensitive). */
  fieldIndex: Map<string, FieldDef>;
  /** Reference fields by lowercase relationship name (`owner` → OwnerId). */
  relationshipIndex: Map<string, FieldDef>;
}

const SOAP_TYPES: Record<FieldType, string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  string: 'xsd:string',
  textarea: 'xsd:string',
  email: 'xsd:string',
  url: 'xsd:string',
  phone: 'xsd:string',
  picklist: 'xsd:string',
  multipicklist: 'xsd:string',
  boolean: 'xsd:boolean',
  int: 'xsd:int',
  double: 'xsd:double',
  currency: 'xsd:double',
  percent: 'xsd:double',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
  base64: 'xsd:base64Binary'
};

/** A field with Salesforce's defaults for everything not given. */
export function field(spec: Partial<FieldDef> & Pick<FieldDef, 'name' | 'type'>): FieldDef {
  const custom = spec.custom ?? spec.name.endsWith('__c');
  const type = spec.type;
  const base: FieldDef = {
    label: spec.name,
    length: 0,
    precision: 0,
    scale: 0,
    required: false,
    nillable: type !== 'boolean' && type !== 'id',
    createable: true,
    updateable: true,
    unique: false,
    externalId: false,
    caseSensitive: false,
    idLookup: type === 'id',
    custom,
    calculated: false,
    autoNumber: false,
    defaultValue: type === 'boolean' ? false : null,
    picklistValues: [],
    restrictedPicklist: false,
    referenceTo: [],
    relationshipName: null,
    inlineHelpText: null,
    ...spec
  };
  if (base.required) base.nillable = false;
  return base;
}

/** Builds the lookup maps of an object definition. */
export function indexObject(def: Omit<ObjectDef, 'fieldIndex' | 'relationshipIndex'>): ObjectDef {
  const fieldIndex = new Map<string, FieldDef>();
  const relationshipIndex = new Map<string, FieldDef>();
  for (const f of def.fields) {
    fieldIndex.set(f.name.toLowerCase(), f);
    if (f.relationshipName) relationshipIndex.set(f.relationshipName.toLowerCase(), f);
  }
  return { ...def, fieldIndex, relationshipIndex };
}

function describeField(f: FieldDef): FieldDescribe {
  const digits = f.type === 'int' ? f.precision || 9 : 0;
  return {
    name: f.name,
    label: f.label,
    type: f.type,
    soapType: SOAP_TYPES[f.type],
    length: f.length,
    precision: f.type === 'int' ? 0 : f.precision,
    scale: f.scale,
    digits,
    nillable: f.nillable,
    createable: f.createable,
    updateable: f.updateable,
    unique: f.unique,
    externalId: f.externalId,
    idLookup: f.idLookup,
    caseSensitive: f.caseSensitive,
    custom: f.custom,
    calculated: f.calculated,
    filterable: f.type !== 'textarea' || f.length <= 255,
    defaultValue: f.defaultValue,
    inlineHelpText: f.inlineHelpText,
    picklistValues: f.picklistValues.map((p) => ({
      value: p.value,
      label: p.label,
      active: true,
      defaultValue: p.defaultValue
    })),
    restrictedPicklist: f.restrictedPicklist,
    referenceTo: f.referenceTo,
    relationshipName: f.relationshipName,
    autoNumber: f.autoNumber,
    defaultedOnCreate: f.type === 'boolean' || f.autoNumber || f.defaultValue !== null,
    extraTypeInfo: f.extraTypeInfo ?? null,
    nameField: f.name === 'Name',
    sortable: f.type !== 'textarea' || f.length <= 255,
    groupable: !['textarea', 'double', 'currency', 'percent', 'datetime'].includes(f.type)
  } as FieldDescribe;
}

function objectUrls(name: string, version: string): Record<string, string> {
  const base = `/services/data/v${version}/sobjects/${name}`;
  return {
    sobject: base,
    describe: `${base}/describe`,
    rowTemplate: `${base}/{ID}`
  };
}

/** The entry of one object in `describeGlobal`. */
export function describeGlobalEntry(def: ObjectDef, version: string): Record<string, unknown> {
  return {
    name: def.name,
    label: def.label,
    labelPlural: def.labelPlural,
    keyPrefix: def.keyPrefix,
    custom: def.custom,
    customSetting: false,
    createable: def.createable,
    updateable: def.updateable,
    deletable: def.deletable,
    queryable: def.queryable,
    retrieveable: def.queryable,
    searchable: !def.isEvent,
    layoutable: !def.isEvent,
    triggerable: true,
    undeletable: def.deletable,
    mergeable: false,
    replicateable: !def.isEvent,
    activateable: false,
    feedEnabled: false,
    hasSubtypes: false,
    isSubtype: false,
    deprecatedAndHidden: false,
    urls: objectUrls(def.name, version)
  };
}

/** The full `describe` answer of one object. */
export function describeObject(
  def: ObjectDef,
  version: string,
  children: SObjectDescribe['childRelationships']
): SObjectDescribe {
  return {
    ...describeGlobalEntry(def, version),
    name: def.name,
    label: def.label,
    labelPlural: def.labelPlural,
    keyPrefix: def.keyPrefix,
    custom: def.custom,
    createable: def.createable,
    updateable: def.updateable,
    deletable: def.deletable,
    queryable: def.queryable,
    fields: def.fields.map(describeField),
    childRelationships: children,
    recordTypeInfos: [],
    supportedScopes: [{ label: 'All records', name: 'everything' }]
  };
}
