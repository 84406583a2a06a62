/**
 * From an export object to report rows: the SDK's response body, as it arrives, into the CSV row stream
 * (`csv-row-stream.ts`, which checks its UTF-8 and parses with backpressure), so an export of any size is
 * read with bounded memory and closing the row stream ends the download.
 */
import { Readable } from 'node:stream';
import { csvRowStream } from '../csv-row-stream.js';
import { ReportUnreachableError, type ReportRowStream } from '../report-source.js';
import type { ObjectStore, StoredObject } from './object-store.js';

/**
 * An SDK's response body as a Node stream. In Node, `GetObject`'s `Body` (S3) and `download()`'s
 * `readableStreamBody` (Azure Blob) are the HTTP response itself (`http.IncomingMessage`); an older-style
 * stream is wrapped rather than read ahead.
 */
export function nodeReadable(body: unknown, location: string): Readable {
  if (body instanceof Readable) return body;
  if (typeof (body as NodeJS.ReadableStream | undefined)?.pipe === 'function') {
    return new Readable().wrap(body as NodeJS.ReadableStream);
  }
  throw new ReportUnreachableError(`${location}: the storage service answered without a body`, location);
}

/** The rows of `object`, the export of the report named `reportName`. */
export async function exportRows(
  store: ObjectStore,
  object: StoredObject,
  reportName: string
): Promise<ReportRowStream> {
  const location = store.locationOf(object.key);
  const body = await store.open(object.key);
  if (!body) {
    throw new ReportUnreachableError(
      `Report "${reportName}": ${location} was listed but is gone (deleted or replaced meanwhile); run again`,
      location,
      404
    );
  }
  return csvRowStream(body, `Report "${reportName}" (${location})`);
}
