/**
 * The CSV report source: how WalkMe's scheduled exports (S3/GCS/Azure drops, emailed CSV links) reach the
 * engine. Either a folder holding `reports.json` — `[{"id","name","tags","walkMeEnvironment","file"}]`,
 * where `file` is relative to the folder (or `url` instead of `file`), and `columns` optional — or one
 * HTTP(S) URL. Files are streamed, never loaded whole; columns not given are inferred from the first rows.
 */
import { open, readFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { inferReportColumns, DEFAULT_SAMPLE_SIZE } from './column-types.js';
import { csvRowStream } from './csv-row-stream.js';
import { describeStatus, fetchWithRetry, type RetryOptions } from './fetch-with-retry.js';
import {
  INTEGRATION_TAG,
  ReportNotFoundError,
  ReportSourceError,
  ReportUnreachableError,
  type ReportColumn,
  type ReportInfo,
  type ReportRowStream,
  type ReportSource
} from './report-source.js';

export const MANIFEST_FILE = 'reports.json';

const COLUMN_TYPES = new Set(['string', 'email', 'number', 'percent', 'date', 'datetime', 'boolean']);

/** One report of a CSV source: where its bytes are, and what the manifest says about it. */
export interface CsvReportEntry {
  id: string;
  name: string;
  tags: string[];
  walkMeEnvironment: string;
  /** Absolute path of the file, or … */
  file?: string;
  /** … its HTTP(S) URL. */
  url?: string;
  columns?: ReportColumn[];
}

export interface CsvSourceOptions {
  retry?: RetryOptions;
  /** Rows read to infer column types (default 200). */
  sampleSize?: number;
}

class CsvReportSource implements ReportSource {
  constructor(
    private readonly loadEntries: () => Promise<CsvReportEntry[]>,
    private readonly options: CsvSourceOptions
  ) {}

  async listReports(): Promise<ReportInfo[]> {
    const entries = await this.loadEntries();
    return Promise.all(entries.map((entry) => this.describe(entry)));
  }

  async getReport(reportId: string): Promise<ReportInfo> {
    return this.describe(await this.entry(reportId));
  }

  async readRows(reportId: string): Promise<ReportRowStream> {
    return this.open(await this.entry(reportId));
  }

  private async entry(reportId: string): Promise<CsvReportEntry> {
    const entry = (await this.loadEntries()).find((candidate) => candidate.id === reportId);
    if (!entry) throw new ReportNotFoundError(reportId);
    return entry;
  }

  private async describe(entry: CsvReportEntry): Promise<ReportInfo> {
    const columns =
      entry.columns ??
      (await inferReportColumns(await this.open(entry), this.options.sampleSize ?? DEFAULT_SAMPLE_SIZE));
    return {
      id: entry.id,
      name: entry.name,
      tags: entry.tags,
      walkMeEnvironment: entry.walkMeEnvironment,
      columns
    };
  }

  private async open(entry: CsvReportEntry): Promise<ReportRowStream> {
    const what = `Report "${entry.name}"`;
    if (entry.url !== undefined) {
      const response = await fetchWithRetry(entry.url, () => ({}), what, this.options.retry);
      if (!response.ok || response.body === null) {
        await response.body?.cancel();
        throw new ReportUnreachableError(
          `${what}: ${describeStatus(response)} at ${entry.url}`,
          entry.url,
          response.status
        );
      }
      return csvRowStream(Readable.fromWeb(response.body as NodeReadableStream), `${what} (${entry.url})`);
    }
    const file = entry.file ?? '';
    const handle = await open(file).catch((error: NodeJS.ErrnoException) => {
      throw new ReportUnreachableError(`${what}: cannot open ${file} (${error.code ?? error.message})`, file);
    });
    return csvRowStream(handle.createReadStream(), `${what} (${file})`);
  }
}

function manifestEntry(raw: unknown, index: number, dir: string, manifest: string): CsvReportEntry {
  const where = `${manifest}: entry ${index + 1}`;
  if (typeof raw !== 'object' || raw === null) throw new ReportSourceError(`${where} is not an object`);
  const item = raw as Record<string, unknown>;
  const text = (key: string, fallback?: string): string => {
    const value = item[key] ?? fallback;
    if (typeof value !== 'string' || value.trim() === '') {
      throw new ReportSourceError(`${where} needs a non-empty string "${key}"`);
    }
    return value;
  };
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
  const location = item.url !== undefined ? { url: text('url') } : { file: resolve(dir, text('file')) };
  return {
    id: text('id'),
    name: text('name'),
    tags,
    walkMeEnvironment: text('walkMeEnvironment', 'Production'),
    ...location,
    ...(columns === undefined ? {} : { columns: columns as ReportColumn[] })
  };
}

/** Reads and checks `dir/reports.json`; read again on every call so that new drops show up. */
export async function readManifest(dir: string): Promise<CsvReportEntry[]> {
  const manifest = join(dir, MANIFEST_FILE);
  const text = await readFile(manifest, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new ReportUnreachableError(`Cannot read the report manifest ${manifest} (${error.code})`, manifest);
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ReportSourceError(`${manifest} is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new ReportSourceError(`${manifest} must hold a JSON array of reports`);
  const entries = parsed.map((raw, index) => manifestEntry(raw, index, dir, manifest));
  const ids = new Set<string>();
  for (const entry of entries) {
    if (ids.has(entry.id)) throw new ReportSourceError(`${manifest}: report id "${entry.id}" appears twice`);
    ids.add(entry.id);
  }
  return entries;
}

/** The reports listed in `dir/reports.json`. */
export function csvFolderSource(dir: string, options: CsvSourceOptions = {}): ReportSource {
  return new CsvReportSource(() => readManifest(dir), options);
}

export interface CsvUrlReport {
  url: string;
  /** Defaults: the URL as id, the file name as name, tagged for integrations (the admin chose this URL). */
  id?: string;
  name?: string;
  tags?: string[];
  walkMeEnvironment?: string;
  columns?: ReportColumn[];
}

/** One report at an HTTP(S) URL (e.g. a pre-signed S3 link of a scheduled export). */
export function csvUrlSource(report: CsvUrlReport, options: CsvSourceOptions = {}): ReportSource {
  const fileName = basename(new URL(report.url).pathname);
  const entry: CsvReportEntry = {
    id: report.id ?? report.url,
    name: report.name ?? (fileName === '' ? report.url : basename(fileName, extname(fileName))),
    tags: report.tags ?? [INTEGRATION_TAG],
    walkMeEnvironment: report.walkMeEnvironment ?? 'Production',
    url: report.url,
    ...(report.columns === undefined ? {} : { columns: report.columns })
  };
  return new CsvReportSource(async () => [entry], options);
}
