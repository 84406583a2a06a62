/**
 * `REPORTS_SOURCE`: which report source the engine reads, as one URL. A value that is not one of the
 * accepted forms is refused naming the variable and listing them; nothing is guessed.
 */
import { fileURLToPath } from 'node:url';

export const REPORTS_SOURCE = 'REPORTS_SOURCE';

export const ACCEPTED_FORMS =
  'file:///path/to/folder/ (a folder with reports.json), https://host/path/reports.json (a manifest URL), ' +
  's3://bucket/prefix/, gs://bucket/prefix/, azure://account/container/prefix/ (scheduled export drops) ' +
  'or insights:// (the Insights API)';

export type DropPlatform = 's3' | 'gcs' | 'azure';

/** Where a bucket drop is: the bucket (an Azure container, with its account) and the prefix under it. */
export interface DropAddress {
  platform: DropPlatform;
  bucket: string;
  /** Azure only: the storage account. */
  account?: string;
  /** `''` (the whole bucket) or a key prefix ending in `/`. */
  prefix: string;
}

export type ReportSourceAddress =
  | { kind: 'folder'; dir: string }
  | { kind: 'manifest-url'; url: string }
  | { kind: 'insights' }
  | { kind: 'drop'; drop: DropAddress };

function refused(value: string, why: string): Error {
  return new Error(`${REPORTS_SOURCE}=${value} is not valid: ${why}. Accepted forms: ${ACCEPTED_FORMS}.`);
}

// Naming rules: S3 (docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html), GCS
// (cloud.google.com/storage/docs/buckets#naming, dotted names up to 222), Azure storage accounts and
// containers (learn.microsoft.com, "Naming and referencing containers, blobs, and metadata").
const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const GCS_BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;
const AZURE_ACCOUNT = /^[a-z0-9]{3,24}$/;
const AZURE_CONTAINER = /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

const DROP = /^(s3|gs|azure):\/\/([^/?#]*)(\/[^?#]*)?$/;

/** `path` (after the bucket) as a key prefix: no leading slash, a trailing one unless empty. */
function keyPrefix(path: string | undefined): string {
  const trimmed = (path ?? '').replace(/^\/+/, '');
  return trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}

function dropAddress(value: string, match: RegExpExecArray): DropAddress {
  const [, scheme, host, path] = match;
  if (scheme === 'azure') {
    const [container, ...rest] = keyPrefix(path).split('/');
    if (!AZURE_ACCOUNT.test(host)) {
      throw refused(value, `"${host}" is not a storage account name (3 to 24 lowercase letters and digits)`);
    }
    if (!AZURE_CONTAINER.test(container ?? '')) {
      throw refused(
        value,
        `azure://${host}/ needs a container after the account (azure://account/container/prefix/)`
      );
    }
    return { platform: 'azure', account: host, bucket: container, prefix: keyPrefix(rest.join('/')) };
  }
  const platform = scheme === 'gs' ? 'gcs' : 's3';
  if (!(platform === 'gcs' ? GCS_BUCKET : S3_BUCKET).test(host)) {
    throw refused(value, `"${host}" is not a bucket name (lowercase letters, digits, dots and hyphens)`);
  }
  return { platform, bucket: host, prefix: keyPrefix(path) };
}

/** The source `value` names. */
export function parseReportSource(value: string): ReportSourceAddress {
  const drop = DROP.exec(value);
  if (drop) return { kind: 'drop', drop: dropAddress(value, drop) };
  if (/^insights:(\/\/)?$/.test(value)) return { kind: 'insights' };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw refused(value, 'it is not a URL');
  }
  if (url.protocol === 'file:') {
    try {
      return { kind: 'folder', dir: fileURLToPath(url) };
    } catch (error) {
      throw refused(value, `a file URL names an absolute path on this machine (${(error as Error).message})`);
    }
  }
  if (url.protocol === 'https:' || url.protocol === 'http:') return { kind: 'manifest-url', url: url.href };
  throw refused(value, `the scheme ${url.protocol} is not one the engine reads`);
}

/** How a drop address is written back (`s3://bucket/prefix/`), for messages. */
export function dropUrl(drop: DropAddress): string {
  const scheme = drop.platform === 'gcs' ? 'gs' : drop.platform;
  return `${scheme}://${drop.account ? `${drop.account}/` : ''}${drop.bucket}/${drop.prefix}`;
}
