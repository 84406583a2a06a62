/**
 * Drops in Amazon S3 (or an S3-compatible store), and in Google Cloud Storage through its XML API, which
 * speaks the S3 protocol: both on the official `@aws-sdk/client-s3`.
 *
 * - S3: credentials and region come the way the AWS SDK finds them (its default chain: `AWS_ACCESS_KEY_ID`
 *   / `AWS_SECRET_ACCESS_KEY`, `AWS_PROFILE`, SSO, web identity, the instance or task role; `AWS_REGION`);
 *   an endpoint (`AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL`) selects an S3-compatible store, addressed
 *   path-style as such stores expect.
 * - GCS: `https://storage.googleapis.com` with an HMAC key of a service account, region `auto`, as Google's
 *   own sample for the Amazon S3 SDK does (cloud.google.com/storage/docs/samples/storage-s3-sdk-list-objects).
 *   That sample lists with ListObjects (version 1) "to overcome an issue with interoperability", so both
 *   platforms list with it: one listing path, supported by every S3-compatible service.
 */
import type { Readable } from 'node:stream';
import {
  GetObjectCommand,
  ListObjectsCommand,
  NoSuchKey,
  S3Client,
  S3ServiceException
} from '@aws-sdk/client-s3';
import { nodeReadable } from './export-stream.js';
import { unreachable, type ObjectStore, type ServiceFailure, type StoredObject } from './object-store.js';

export const GCS_XML_ENDPOINT = 'https://storage.googleapis.com';

export interface S3StoreConfig {
  platform: 's3' | 'gcs';
  bucket: string;
  /** An S3-compatible store's URL, or GCS's XML API (default for `gcs`). */
  endpoint?: string;
  /** S3 only; unset: the SDK's own (`AWS_REGION`, the profile). */
  region?: string;
  /** GCS's HMAC key, or S3 keys given explicitly; unset (S3): the SDK's default chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Keys per list call (default 1,000, the services' maximum). */
  pageSize?: number;
}

const s3Failure: ServiceFailure = (error) => {
  if (!(error instanceof S3ServiceException)) return undefined;
  const status = error.$metadata.httpStatusCode;
  return { reason: `${error.name}: ${error.message}${status ? `, HTTP ${status}` : ''}`, status };
};

class S3ObjectStore implements ObjectStore {
  private readonly client: S3Client;
  private readonly scheme: string;

  constructor(private readonly config: S3StoreConfig) {
    const endpoint = config.endpoint ?? (config.platform === 'gcs' ? GCS_XML_ENDPOINT : undefined);
    const region = config.platform === 'gcs' ? 'auto' : config.region;
    this.scheme = config.platform === 'gcs' ? 'gs' : 's3';
    this.client = new S3Client({
      ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
      ...(region ? { region } : {}),
      ...(config.credentials ? { credentials: config.credentials } : {}),
      // A bucket in another region than AWS_REGION answers 301; the SDK follows it instead of failing.
      followRegionRedirects: true,
      // The SDK adds CRC32 checksums by default (aws/aws-sdk-js-v3#6750: x-amz-checksum-mode on GetObject,
      // trailers on uploads), which S3-compatible stores and GCS's XML API may reject (apache/iceberg#17177);
      // the engine only reads, so checksums are used only where an operation requires them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // No SDK default: a dead connection would hang a run. Idle past a minute mid-download is a failure.
      requestHandler: { connectionTimeout: 10_000, socketTimeout: 60_000 }
    });
  }

  locationOf(key: string): string {
    return `${this.scheme}://${this.config.bucket}/${key}`;
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const objects: StoredObject[] = [];
    let marker: string | undefined;
    do {
      const page = await this.client
        .send(
          new ListObjectsCommand({
            Bucket: this.config.bucket,
            Prefix: prefix,
            Marker: marker,
            MaxKeys: this.config.pageSize ?? 1000
          })
        )
        .catch((error: unknown) => {
          throw unreachable(this.locationOf(prefix), 'cannot list the exports', error, s3Failure);
        });
      const contents = page.Contents ?? [];
      for (const item of contents) {
        if (!item.Key || item.Key.endsWith('/')) continue;
        objects.push({ key: item.Key, modifiedAt: item.LastModified ?? new Date(0), size: item.Size ?? 0 });
      }
      // Version 1 gives NextMarker only with a delimiter; otherwise the last key is where the next page starts.
      marker = page.IsTruncated ? (page.NextMarker ?? contents.at(-1)?.Key) : undefined;
    } while (marker);
    return objects;
  }

  async open(key: string): Promise<Readable | undefined> {
    const location = this.locationOf(key);
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: key }));
      return nodeReadable(answer.Body, location);
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw unreachable(location, 'cannot read it', error, s3Failure);
    }
  }
}

export function s3Store(config: S3StoreConfig): ObjectStore {
  return new S3ObjectStore(config);
}
