/** A value as the REST API takes it for a field (reference/salesforce-api.md §2). */
export type JsonFieldValue = string | number | boolean | null;
