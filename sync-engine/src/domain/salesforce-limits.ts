/**
 * Salesforce's documented limits that shape how a run queries and writes (reference/salesforce-api.md §3–§4):
 * the pipeline plans with them and the Salesforce adapter obeys them.
 */

/** Salesforce's limit on URI + headers, in bytes (431 beyond; 414 for the URI alone; KB 000386264). */
export const MAX_REQUEST_HEAD_BYTES = 16_384;
/** Left for the request line's method and version and for the headers (Authorization, User-Agent, …). */
export const HEADER_HEADROOM_BYTES = 2_048;
/** Records sObject Collections takes in one call. */
export const COLLECTION_SIZE = 200;
/** Characters a string literal in a SOQL WHERE clause may hold (SOQL and SOSL Reference, "SOQL Limits"). */
export const MAX_SOQL_LITERAL_CHARS = 4_000;
/**
 * CSV bytes one Bulk API 2.0 ingest job takes: "upload data that does not exceed 100 MB", since base64 makes it up
 * to 150 MB, the limit (Bulk API 2.0 guide, "Upload Job Data").
 */
export const MAX_BULK_UPLOAD_BYTES = 100_000_000;
