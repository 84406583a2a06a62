/**
 * The part of a describe answer the engine relies on (`GET …/sobjects/{name}/describe`; see
 * reference/salesforce-api.md §2). A narrow shape so the pipeline and its tests need nothing else.
 */
export interface FieldInfo {
  name: string;
  type: string;
  length: number;
  precision: number;
  scale: number;
  digits: number;
  updateable: boolean;
  caseSensitive: boolean;
  picklistValues: Array<{ value: string; active: boolean }>;
  restrictedPicklist: boolean;
}

export interface ObjectInfo {
  name: string;
  updateable: boolean;
  fields: FieldInfo[];
}

/** Looks a field up by API name, as Salesforce does: case-insensitively. */
export function findField(object: ObjectInfo, name: string): FieldInfo | undefined {
  const wanted = name.toLowerCase();
  return object.fields.find((field) => field.name.toLowerCase() === wanted);
}
