/**
 * `reports.json`, the manifest a CSV folder, a manifest URL or a drop prefix holds: a JSON array of
 * `{"id","name","tags","walkMeEnvironment","columns"}` plus where each report's bytes are, which each source
 * reads through `location` (a folder: `file` or `url`; a drop: `file` or `files`, and `maxAgeHours`). Every
 * problem names the manifest, the entry and the field.
 */
import { ReportSourceError, type ReportColumn } from './report-source.js';

export const MANIFEST_FILE = 'reports.json';

const COLUMN_TYPES = new Set(['string', 'email', 'number', 'percent', 'date', 'datetime', 'boolean']);

/** What every source takes from an entry. */
export interface ManifestReport {
  id: string;
  name: string;
  tags: string[];
  walkMeEnvironment: string;
  columns?: ReportColumn[];
}

/** An entry's fields, read for its location; each failure names the entry and the field. */
export interface ManifestFields {
  has(key: string): boolean;
  /** A non-empty string. */
  text(key: string): string;
  /** A number above 0. */
  positive(key: string): number;
  /** A failure naming the entry. */
  invalid(why: string): ReportSourceError;
}

function manifestFields(item: Record<string, unknown>, where: string): ManifestFields {
  const invalid = (why: string) => new ReportSourceError(`${where} ${why}`);
  return {
    has: (key) => item[key] !== undefined,
    text(key) {
      const value = item[key];
      if (typeof value !== 'string' || value.trim() === '')
        throw invalid(`needs a non-empty string "${key}"`);
      return value;
    },
    positive(key) {
      const value = item[key];
      if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
        throw invalid(`needs "${key}" to be a number above 0`);
      }
      return value;
    },
    invalid
  };
}

function manifestEntry<L>(
  raw: unknown,
  where: string,
  location: (fields: ManifestFields) => L
): ManifestReport & L {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ReportSourceError(`${where} is not an object`);
  }
  const item = raw as Record<string, unknown>;
  const fields = manifestFields(item, where);
  const tags = item.tags ?? [];
  if (!Array.isArray(tags) || tags.some((tag) => typeof tag !== 'string')) {
    throw new ReportSourceError(`${where}: "tags" must be an array of strings`);
  }
  const columns = item.columns;
  if (
    columns !== undefined &&
    (!Array.isArray(columns) ||
      columns.some((column) => typeof column?.name !== 'string' || !COLUMN_TYPES.has(column?.type)))
  ) {
    throw new ReportSourceError(
      `${where}: "columns" must be [{"name","type"}] with a type among ${[...COLUMN_TYPES].join(', ')}`
    );
  }
  return {
    id: fields.text('id'),
    name: fields.text('name'),
    tags,
    walkMeEnvironment: item.walkMeEnvironment === undefined ? 'Production' : fields.text('walkMeEnvironment'),
    ...(columns === undefined ? {} : { columns: columns as ReportColumn[] }),
    ...location(fields)
  };
}

/**
 * The reports of the manifest `text`, read from `manifest` (a path or URL, for messages); `location` reads
 * each entry's own fields. Ids must be unique.
 */
export function parseManifest<L>(
  text: string,
  manifest: string,
  location: (fields: ManifestFields) => L
): Array<ManifestReport & L> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ReportSourceError(`${manifest} is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new ReportSourceError(`${manifest} must hold a JSON array of reports`);
  const entries = parsed.map((raw, index) => manifestEntry(raw, `${manifest}: entry ${index + 1}`, location));
  const ids = new Set<string>();
  for (const entry of entries) {
    if (ids.has(entry.id)) throw new ReportSourceError(`${manifest}: report id "${entry.id}" appears twice`);
    ids.add(entry.id);
  }
  return entries;
}
