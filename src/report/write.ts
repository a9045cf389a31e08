import { HygieneError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ReportFormat } from './formats.js';
import { formatsToWrite, RENDERERS } from './render/index.js';
import { writeRunFiles, type WrittenFile } from './run-files.js';
import type { AuditReport } from './types.js';

export interface WriteReportOptions {
  dir: string;
  /** How many runs to keep, the one just written included (at least 1); all files of older runs go. */
  keep: number;
  /** Renderings written beside the JSON report (which is always written). Default: JSON only. */
  formats?: readonly ReportFormat[];
  /** Told about old reports that could not be removed; retention never fails a run. */
  logger?: Logger;
}

export interface WrittenReport {
  /** The dated JSON report, `<dir>/report-<UTC timestamp>.json`. */
  path: string;
  latestPath: string;
  /** Every file of this run, JSON first, by format. */
  files: (WrittenFile & { format: ReportFormat })[];
  /** Files of older runs removed by retention. */
  removed: string[];
}

export const LATEST_NAME = 'latest.json';

/**
 * Renders the report in every requested format and writes the run's files:
 * `report-<UTC timestamp>.<ext>` and `latest.<ext>` each, atomically, then
 * prunes old runs. Each format is rendered while it is written, chunk by
 * chunk, so memory does not grow with the size of the report beyond the
 * report itself; a rendering that fails half-way fails the run like a full
 * disk does: this run's files are removed and every `latest` is as it was.
 */
export async function writeReport(report: AuditReport, options: WriteReportOptions): Promise<WrittenReport> {
  const stamp = fileStamp(report.startedAt);
  const formats = formatsToWrite(options.formats ?? ['json']);
  // Generators: nothing is rendered until the writer reads it.
  const files = formats.map((format) => ({ format, extension: RENDERERS[format].extension, content: RENDERERS[format].chunks(report) }));
  const written = await writeRunFiles(stamp, files, {
    dir: options.dir,
    keep: options.keep,
    knownExtensions: Object.values(RENDERERS).map((renderer) => renderer.extension),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const byExtension = new Map(files.map((file) => [file.extension, file.format]));
  const withFormats = written.files.map((file) => ({ ...file, format: byExtension.get(file.extension) ?? 'json' }));
  const json = withFormats[0]!;
  return { path: json.path, latestPath: json.latestPath, files: withFormats, removed: written.removed };
}

/** `2026-11-26T21:33:16.123Z` → `20261126T213316.123Z`: no colons (Windows, scp), sorts by time. */
export function fileStamp(startedAt: string): string {
  const time = new Date(startedAt);
  if (Number.isNaN(time.getTime())) {
    throw new HygieneError('REPORT_WRITE_FAILED', `cannot name the report file: startedAt ${JSON.stringify(startedAt)} is not a timestamp`);
  }
  return time.toISOString().replace(/[-:]/g, '');
}
