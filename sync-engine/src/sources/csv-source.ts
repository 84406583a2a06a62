/**
 * The CSV report source: exports copied to a folder, published at a URL or emailed as CSV links (the bucket
 * drops have their own source, `drops/`). Either a folder holding `reports.json` —
 * `[{"id","name","tags","walkMeEnvironment","file"}]`, where `file` is relative to the folder (or `url`
 * instead of `file`), and `columns` optional — or such a manifest at an HTTP(S) URL (`file` relative to
 * it), or one CSV's URL. Files are streamed, never loaded whole; columns not given are inferred from the
 * first rows.
 */
import { open, readFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { inferReportColumns, DEFAULT_SAMPLE_SIZE } from './column-types.js';
import { csvRowStream } from './csv-row-stream.js';
import { describeStatus, fetchWithRetry, type RetryOptions } from './fetch-with-retry.js';
import { MANIFEST_FILE, parseManifest, type ManifestFields } from './report-manifest.js';
import {
  INTEGRATION_TAG,
  ReportNotFoundError,
  ReportUnreachableError,
  type ReportColumn,
  type ReportInfo,
  type ReportRowStream,
  type ReportSource
} from './report-source.js';

export { MANIFEST_FILE } from './report-manifest.js';

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

/** A folder's or a manifest URL's entry: `file` (relative to the manifest) or `url`. */
function fileOrUrl(resolveFile: (file: string) => string | URL) {
  return (fields: ManifestFields): Pick<CsvReportEntry, 'file' | 'url'> => {
    if (fields.has('url')) return { url: fields.text('url') };
    const file = resolveFile(fields.text('file'));
    return file instanceof URL ? { url: file.href } : { file };
  };
}

/** Reads and checks `dir/reports.json`; read again on every call so that new drops show up. */
export async function readManifest(dir: string): Promise<CsvReportEntry[]> {
  const manifest = join(dir, MANIFEST_FILE);
  const text = await readFile(manifest, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new ReportUnreachableError(`Cannot read the report manifest ${manifest} (${error.code})`, manifest);
  });
  return parseManifest(
    text,
    manifest,
    fileOrUrl((file) => resolve(dir, file))
  );
}

/**
 * Reads and checks the manifest at `url` (HTTP(S)); a `file` is relative to it, as a link in a page is. Read
 * again on every call so that new exports show up.
 */
async function readManifestUrl(url: string, retry?: RetryOptions): Promise<CsvReportEntry[]> {
  const what = `The report manifest ${url}`;
  const response = await fetchWithRetry(url, () => ({}), what, retry);
  if (!response.ok) {
    await response.body?.cancel();
    throw new ReportUnreachableError(`${what}: ${describeStatus(response)}`, url, response.status);
  }
  return parseManifest(
    await response.text(),
    url,
    fileOrUrl((file) => new URL(file, url))
  );
}

/** The reports listed in `dir/reports.json`. */
export function csvFolderSource(dir: string, options: CsvSourceOptions = {}): ReportSource {
  return new CsvReportSource(() => readManifest(dir), options);
}

/** The reports listed in the manifest at `url` (`REPORTS_SOURCE=https://…/reports.json`). */
export function csvManifestUrlSource(url: string, options: CsvSourceOptions = {}): ReportSource {
  return new CsvReportSource(() => readManifestUrl(url, options.retry), options);
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
