/**
 * A bucket (or container) of WalkMe's scheduled export drops, as the drop source needs it: list what is under
 * a prefix, open one object as a byte stream. One adapter per platform (`s3-store.ts` for S3 and GCS's XML
 * API, `azure-store.ts` for Azure Blob), each on the platform's official client library.
 *
 * Adapters fail with a `ReportUnreachableError` naming the object or prefix as `locationOf` shows it and the
 * service's reason (and status, when one came back); an object that is not there opens as `undefined`, so
 * the caller says what it was looking for.
 */
import type { Readable } from 'node:stream';
import { ReportSourceError, ReportUnreachableError } from '../report-source.js';

export interface StoredObject {
  /** The full key in the bucket. */
  key: string;
  modifiedAt: Date;
  size: number;
}

export interface ObjectStore {
  /** How a key is named to people: `s3://bucket/key`, `gs://bucket/key`, `azure://account/container/key`. */
  locationOf(key: string): string;
  /** Every object under `prefix`, all pages (folder placeholders, keys ending in `/`, left out). */
  list(prefix: string): Promise<StoredObject[]>;
  /** The object's bytes, streamed from the service; `undefined` if there is no such object. */
  open(key: string): Promise<Readable | undefined>;
}

/** Small text objects (the manifest) are read whole; more than this is not a manifest. */
const TEXT_LIMIT = 1_048_576;

/** The UTF-8 text of a small object (`reports.json`), refused past 1 MiB. */
export async function readSmallText(stream: Readable, location: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > TEXT_LIMIT) {
      stream.destroy();
      throw new ReportSourceError(`${location} is larger than 1 MiB: it is not a report manifest`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A platform client's own reading of its failure (reason, HTTP status), or undefined for any other error. */
export type ServiceFailure = (error: unknown) => { reason: string; status?: number } | undefined;

/** A failure to `doing` `location`, as the ReportUnreachableError adapters throw (one already made passes). */
export function unreachable(
  location: string,
  doing: string,
  error: unknown,
  service: ServiceFailure
): ReportUnreachableError {
  if (error instanceof ReportUnreachableError) return error;
  const { reason, status } = service(error) ?? {
    reason: error instanceof Error ? error.message : String(error)
  };
  return new ReportUnreachableError(`${location}: ${doing} (${reason})`, location, status, { cause: error });
}
