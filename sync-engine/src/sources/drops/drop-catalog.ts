/**
 * The reports a drop prefix holds, and which keys are each one's exports:
 * - named in `reports.json` under the prefix (the CSV folder's manifest format), each entry with `file` (one
 *   key, relative to the prefix, that each export replaces) or `files` (a pattern, `logins-review/*.csv`:
 *   every export kept, the newest read), and optionally `maxAgeHours`, how old its newest export may be;
 * - or, without a manifest, found: each folder directly under the prefix holding CSV files (at any depth,
 *   so dated sub-folders count) is one report, named after the folder, and CSV files directly under the
 *   prefix are one report named after the prefix. The operator chose this prefix for the integration, so
 *   found reports are tagged `integrations_salesforce`.
 */
import { INTEGRATION_TAG, ReportUnreachableError } from '../report-source.js';
import {
  MANIFEST_FILE,
  parseManifest,
  type ManifestFields,
  type ManifestReport
} from '../report-manifest.js';
import { keyPattern } from './newest-export.js';
import { readSmallText, type ObjectStore, type StoredObject } from './object-store.js';

export interface DropReport extends ManifestReport {
  /** The key (`file`) or key pattern (`files`), relative to the prefix, as written. */
  pattern: string;
  /** Whether a relative key is one of this report's exports. */
  matches(relativeKey: string): boolean;
  /** From the manifest; unset: the engine's default (`REPORTS_MAX_AGE_HOURS`). */
  maxAgeHours?: number;
}

function dropLocation(fields: ManifestFields): Pick<DropReport, 'pattern' | 'matches' | 'maxAgeHours'> {
  if (fields.has('url')) {
    throw fields.invalid(
      'has "url": a drop\'s reports are objects under its prefix, named by "file" or "files"'
    );
  }
  if (fields.has('file') === fields.has('files')) {
    throw fields.invalid(
      'needs either "file" (one object) or "files" (a pattern such as "logins-review/*.csv")'
    );
  }
  const maxAge = fields.has('maxAgeHours') ? { maxAgeHours: fields.positive('maxAgeHours') } : {};
  if (fields.has('file')) {
    const file = fields.text('file');
    return { pattern: file, matches: (key) => key === file, ...maxAge };
  }
  const files = fields.text('files');
  return { pattern: files, matches: keyPattern(files), ...maxAge };
}

/** The reports of the manifest at `key`. */
export async function readDropManifest(store: ObjectStore, key: string): Promise<DropReport[]> {
  const location = store.locationOf(key);
  const body = await store.open(key);
  if (!body)
    throw new ReportUnreachableError(`${location} was listed but is gone (deleted meanwhile)`, location, 404);
  return parseManifest(await readSmallText(body, location), location, dropLocation);
}

const CSV = /\.csv$/i;

/** The reports found under `prefix` without a manifest; `rootName` names CSV files directly under it. */
export function discoverReports(objects: StoredObject[], prefix: string, rootName: string): DropReport[] {
  const folders = new Set<string>();
  for (const { key } of objects) {
    const relative = key.slice(prefix.length);
    if (!key.startsWith(prefix) || !CSV.test(relative)) continue;
    const slash = relative.indexOf('/');
    folders.add(slash === -1 ? '' : relative.slice(0, slash));
  }
  return [...folders].sort().map((folder) => {
    const id = folder === '' ? rootName : folder;
    const within = keyPattern(folder === '' ? '*' : `${folder}/**`);
    return {
      id,
      name: id,
      tags: [INTEGRATION_TAG],
      walkMeEnvironment: 'Production',
      pattern: folder === '' ? '*.csv' : `${folder}/**.csv`,
      matches: (key: string) => CSV.test(key) && within(key)
    };
  });
}

/** The prefix's reports: its manifest's, or those found. */
export async function dropReports(
  store: ObjectStore,
  objects: StoredObject[],
  prefix: string,
  rootName: string
): Promise<DropReport[]> {
  const manifest = prefix + MANIFEST_FILE;
  return objects.some((object) => object.key === manifest)
    ? readDropManifest(store, manifest)
    : discoverReports(objects, prefix, rootName);
}
