/**
 * One org's schema: the standard objects plus the package's custom objects, events and fields.
 */
import { SalesforceApiError, type SObjectDescribe } from '../org-context.js';
import { readPackageObjects, type PackageObject } from './package-metadata.js';
import {
  describeGlobalEntry,
  describeObject,
  field,
  indexObject,
  type FieldDef,
  type ObjectDef
} from './schema-types.js';
import { creationFields, STANDARD_OBJECTS, systemFields } from './standard-objects.js';

export interface OrgSchema {
  objects: ObjectDef[];
  /** The object of that name (any case), or undefined. */
  find(name: string): ObjectDef | undefined;
  /** The object of that key prefix (`00Q` → Lead), or undefined. */
  byPrefix(prefix: string): ObjectDef | undefined;
  /** Throws NOT_FOUND (404) for an unknown object, as `GET …/sobjects/{name}/describe` does. */
  describe(name: string, version: string): SObjectDescribe;
  describeGlobal(version: string): Record<string, unknown>;
  /** Deletes a field, as an admin does in Setup: describe and SOQL stop knowing it (stored values stay hidden). */
  deleteField(objectName: string, fieldName: string): void;
  /** Makes a field read-only (or editable again) for the API user, as field-level security does. */
  setFieldUpdateable(objectName: string, fieldName: string, updateable: boolean): void;
  /** Creates a custom field, as an admin does in Setup (`field()` fills in what the spec leaves out). */
  addField(objectName: string, spec: Parameters<typeof field>[0]): void;
  /**
   * When the metadata last changed (epoch ms, whole seconds): the start, or the last runtime change. Describe
   * answers `If-Modified-Since` with it (304 when nothing changed since).
   */
  readonly lastModified: number;
}

function eventFields(): FieldDef[] {
  const readOnly = { createable: false, updateable: false };
  return [
    field({ name: 'ReplayId', label: 'Replay ID', type: 'string', length: 255, ...readOnly }),
    ...creationFields(),
    field({ name: 'EventUuid', label: 'Event UUID', type: 'string', length: 36, ...readOnly })
  ];
}

/** The Name field of a custom object: an Auto Number, or Text. */
function customNameField(spec: NonNullable<PackageObject['definition']>['nameField']): FieldDef {
  return spec?.type === 'AutoNumber'
    ? field({
        name: 'Name',
        label: spec.label,
        type: 'string',
        length: 30,
        custom: false,
        autoNumber: true,
        createable: false,
        updateable: false,
        nillable: false,
        displayFormat: spec.displayFormat,
        idLookup: true
      })
    : // A Text name left empty on create defaults to the record id, so it is not required.
      field({
        name: 'Name',
        label: spec?.label ?? 'Name',
        type: 'string',
        length: 80,
        custom: false,
        idLookup: true
      });
}

/** A custom object or platform event: events are insert-only (published) and not queryable. */
function customObject(pkg: PackageObject, keyPrefix: string): ObjectDef {
  const def = pkg.definition!;
  return indexObject({
    name: pkg.name,
    label: def.label,
    labelPlural: def.pluralLabel,
    keyPrefix,
    custom: true,
    isEvent: def.isEvent,
    createable: true,
    updateable: !def.isEvent,
    deletable: !def.isEvent,
    queryable: !def.isEvent,
    fields: def.isEvent
      ? [...eventFields(), ...pkg.fields]
      : [...systemFields({ owner: true }), customNameField(def.nameField), ...pkg.fields]
  });
}

/** Builds the schema from `objectsDir` (package source format) and the standard definitions. */
export function buildOrgSchema(objectsDir: string): OrgSchema {
  const pkg = readPackageObjects(objectsDir);
  const extraFields = new Map(pkg.filter((p) => !p.definition).map((p) => [p.name.toLowerCase(), p.fields]));
  const objects: ObjectDef[] = STANDARD_OBJECTS.map((spec) =>
    indexObject({
      name: spec.name,
      label: spec.label,
      labelPlural: spec.labelPlural,
      keyPrefix: spec.keyPrefix,
      custom: false,
      isEvent: false,
      createable: spec.writable,
      updateable: spec.writable,
      deletable: spec.writable,
      queryable: true,
      fields: [...spec.fields(), ...(extraFields.get(spec.name.toLowerCase()) ?? [])]
    })
  );
  let customCount = 0;
  for (const p of pkg.filter((o) => o.definition)) {
    // Custom objects get `a00`, `a01`, … in name order; events get `e00`, `e01`, ….
    const prefix = p.definition!.isEvent
      ? `e0${objects.filter((o) => o.isEvent).length}`
      : `a0${customCount++}`;
    objects.push(customObject(p, prefix));
  }
  for (const p of pkg.filter((o) => !o.definition)) {
    if (!objects.some((o) => o.name.toLowerCase() === p.name.toLowerCase())) {
      throw new Error(`${p.name}: custom fields on a standard object the org emulator does not define`);
    }
  }

  const byName = new Map(objects.map((o) => [o.name.toLowerCase(), o]));
  // HTTP dates have whole seconds; a change in the same second as the start still counts as a change.
  let lastModified = Math.floor(Date.now() / 1000) * 1000;
  const touch = () => {
    lastModified = Math.max(lastModified + 1000, Math.floor(Date.now() / 1000) * 1000);
  };
  const byPrefix = new Map(objects.map((o) => [o.keyPrefix, o]));
  const children = (target: ObjectDef): SObjectDescribe['childRelationships'] =>
    objects.flatMap((o) =>
      o.fields
        .filter((f) => f.type === 'reference' && f.referenceTo.includes(target.name) && f.custom)
        .map((f) => ({
          childSObject: o.name,
          field: f.name,
          relationshipName: f.relationshipName?.replace(/__r$/, 's__r') ?? null,
          cascadeDelete: false
        }))
    );
  return {
    objects,
    get lastModified() {
      return lastModified;
    },
    find: (name) => byName.get(name.toLowerCase()),
    byPrefix: (prefix) => byPrefix.get(prefix),
    describe(name, version) {
      const def = byName.get(name.toLowerCase());
      if (!def) throw new SalesforceApiError(404, 'NOT_FOUND', `The requested resource does not exist`);
      return describeObject(def, version, children(def));
    },
    describeGlobal(version) {
      return {
        encoding: 'UTF-8',
        maxBatchSize: 200,
        sobjects: objects.map((o) => describeGlobalEntry(o, version))
      };
    },
    deleteField(objectName, fieldName) {
      const def = fieldOf(objectName, fieldName);
      const object = byName.get(objectName.toLowerCase())!;
      object.fields = object.fields.filter((f) => f !== def);
      object.fieldIndex.delete(def.name.toLowerCase());
      if (def.relationshipName) object.relationshipIndex.delete(def.relationshipName.toLowerCase());
      touch();
    },
    setFieldUpdateable(objectName, fieldName, updateable) {
      const def = fieldOf(objectName, fieldName);
      def.updateable = updateable;
      def.createable = updateable;
      touch();
    },
    addField(objectName, spec) {
      const object = byName.get(objectName.toLowerCase());
      if (!object) throw new Error(`No object ${objectName} in the emulated org.`);
      if (object.fieldIndex.has(spec.name.toLowerCase()))
        throw new Error(`${objectName}.${spec.name} exists.`);
      const def = field(spec);
      object.fields.push(def);
      object.fieldIndex.set(def.name.toLowerCase(), def);
      touch();
    }
  };

  function fieldOf(objectName: string, fieldName: string): FieldDef {
    const def = byName.get(objectName.toLowerCase())?.fieldIndex.get(fieldName.toLowerCase());
    if (!def) throw new Error(`No field ${objectName}.${fieldName} in the emulated org.`);
    return def;
  }
}
