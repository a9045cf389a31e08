import { mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { HygieneError } from '../errors.js';
import { errorCode, errorMessage, writeFileAtomic, writeFileExclusive } from '../fs/atomic-write.js';
import type { Logger } from '../logger.js';
import type { AuditReport } from './types.js';

export interface WriteReportOptions {
  dir: string;
  /** How many dated reports to keep, the one just written included (at least 1). */
  keep: number;
  /** Told about old reports that could not be removed; retention never fails a run. */
  logger?: Logger;
}

export interface WrittenReport {
  /** The dated report, `<dir>/report-<UTC timestamp>.json`. */
  path: string;
  latestPath: string;
  /** Older dated reports removed by retention. */
  removed: string[];
}

/** Owner read/write, group read: reports name keys and their owners, which is not for everyone on the host. */
const REPORT_FILE_MODE = 0o640;
const REPORT_DIR_MODE = 0o750;
export const LATEST_NAME = 'latest.json';

/** `report-20261126T213316.123Z.json`, or `…Z-1.json`, `…Z-2.json` when the name is taken. */
const REPORT_NAME = /^report-(\d{8}T\d{6}\.\d{3}Z)(?:-(\d+))?\.json$/;

/**
 * Writes the dated report and replaces `latest.json` with the same bytes,
 * both atomically, then prunes old dated reports.
 *
 * All or nothing: if `latest.json` cannot be replaced, the dated report just
 * written is removed again, so a failed run leaves the directory as it was
 * (the previous `latest.json` intact) and throws `REPORT_WRITE_FAILED`.
 */
export async function writeReport(report: AuditReport, options: WriteReportOptions): Promise<WrittenReport> {
  const stamp = fileStamp(report.startedAt);
  const content = `${JSON.stringify(report, null, 2)}\n`;
  const latestPath = join(options.dir, LATEST_NAME);

  try {
    await mkdir(options.dir, { recursive: true, mode: REPORT_DIR_MODE });
  } catch (error) {
    throw writeFailed(options.dir, error);
  }

  let path: string;
  try {
    path = await writeFileExclusive(options.dir, (attempt) => reportName(stamp, attempt), content, { mode: REPORT_FILE_MODE });
  } catch (error) {
    throw writeFailed(join(options.dir, reportName(stamp, 0)), error);
  }

  try {
    await writeFileAtomic(latestPath, content, { mode: REPORT_FILE_MODE });
  } catch (error) {
    await unlink(path).catch(() => undefined);
    throw writeFailed(latestPath, error);
  }

  const removed = await pruneReports(options.dir, Math.max(1, options.keep), path, options.logger);
  return { path, latestPath, removed };
}

/** `2026-11-26T21:33:16.123Z` → `20261126T213316.123Z`: no colons (Windows, scp), sorts by time. */
function fileStamp(startedAt: string): string {
  const time = new Date(startedAt);
  if (Number.isNaN(time.getTime())) {
    throw new HygieneError('REPORT_WRITE_FAILED', `cannot name the report file: startedAt ${JSON.stringify(startedAt)} is not a timestamp`);
  }
  return time.toISOString().replace(/[-:]/g, '');
}

function reportName(stamp: string, attempt: number): string {
  return attempt === 0 ? `report-${stamp}.json` : `report-${stamp}-${attempt}.json`;
}

/**
 * Keeps the report just written plus the `keep - 1` newest other dated
 * reports; removes older ones. Only names matching the report pattern are
 * considered, so nothing else in the directory is ever touched.
 */
async function pruneReports(dir: string, keep: number, justWritten: string, logger: Logger | undefined): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    logger?.warn({ dir, err: errorMessage(error) }, 'could not list the report directory for retention');
    return [];
  }
  const others = entries
    .filter((entry) => entry.isFile() && join(dir, entry.name) !== justWritten)
    .flatMap((entry) => {
      const match = REPORT_NAME.exec(entry.name);
      return match?.[1] === undefined ? [] : [{ name: entry.name, stamp: match[1], suffix: Number(match[2] ?? 0) }];
    })
    .sort((a, b) => (a.stamp === b.stamp ? b.suffix - a.suffix : a.stamp < b.stamp ? 1 : -1));

  const removed: string[] = [];
  for (const old of others.slice(keep - 1)) {
    const path = join(dir, old.name);
    try {
      await unlink(path);
      removed.push(path);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') continue;
      logger?.warn({ path, err: errorMessage(error) }, 'could not remove an old report');
    }
  }
  return removed;
}

function writeFailed(path: string, cause: unknown): HygieneError {
  return new HygieneError('REPORT_WRITE_FAILED', `could not write the report to ${path}: ${errorMessage(cause)}`, { cause, details: { path } });
}
