// Frozen: the report writer as it was before rendering became a stream (see ./index.ts). Do not edit to follow src/.
import { HygieneError } from '../../../src/errors.js';
import { formatsToWrite, RENDERERS } from '../../../src/report/render/index.js';
import { writeRunFiles } from '../../../src/report/run-files.js';
import type { AuditReport } from '../../../src/report/types.js';
import type { WriteReportOptions, WrittenReport } from '../../../src/report/write.js';
import { ORACLE_RENDERERS } from './index.js';

/**
 * Renders the report in every requested format and writes the run's files:
 * `report-<UTC timestamp>.<ext>` and `latest.<ext>` each, atomically, then
 * prunes old runs. Rendering happens before anything is written, so a
 * rendering problem leaves the directory as it was.
 */
export async function writeReportOldWay(report: AuditReport, options: WriteReportOptions): Promise<WrittenReport> {
  const stamp = fileStamp(report.startedAt);
  const formats = formatsToWrite(options.formats ?? ['json']);
  const files = formats.map((format) => ({ format, extension: RENDERERS[format].extension, content: ORACLE_RENDERERS[format](report) }));
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
function fileStamp(startedAt: string): string {
  const time = new Date(startedAt);
  if (Number.isNaN(time.getTime())) {
    throw new HygieneError('REPORT_WRITE_FAILED', `cannot name the report file: startedAt ${JSON.stringify(startedAt)} is not a timestamp`);
  }
  return time.toISOString().replace(/[-:]/g, '');
}
