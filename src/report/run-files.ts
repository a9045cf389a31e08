import { mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { HygieneError } from '../errors.js';
import { errorCode, errorMessage, replaceWithLinkAtomic, writeFileAtomic, writeFileExclusive, type FileData, type LinkAtomicOptions } from '../fs/atomic-write.js';
import type { Logger } from '../logger.js';

/**
 * The files of one run in the report directory: `report-<stamp>.<ext>` and
 * `latest.<ext>` for each rendering, written atomically, and retention by
 * run. It knows nothing of formats: it is handed extensions and content,
 * whole or as chunks of text that are streamed to disk as they are produced.
 *
 * Each rendering is encoded, written and fsynced once, to its dated file;
 * `latest.<ext>` is a hard link to that file (a copy where the filesystem has
 * no links), put in place by an atomic rename. The two names share one inode,
 * so retention unlinking an old dated file leaves a `latest` that still names
 * it intact.
 */

export interface RunFile {
  /** File name extension without the leading dot, e.g. `json`, `ocsf.json`. */
  extension: string;
  /** The bytes, or chunks of text produced while the file is written (read once, in order). */
  content: FileData;
}

export interface WriteRunOptions {
  dir: string;
  /** How many runs to keep, the one just written included (at least 1). */
  keep: number;
  /** Every extension a run may have written, so retention removes all files of an old run (and nothing else). */
  knownExtensions: readonly string[];
  logger?: Logger;
  /** The hard-link call for `latest.<ext>`; replaceable so the copy fallback can be exercised. */
  link?: LinkAtomicOptions['link'];
}

export interface WrittenFile {
  extension: string;
  path: string;
  latestPath: string;
}

export interface WrittenRun {
  files: WrittenFile[];
  /** Files of older runs removed by retention. */
  removed: string[];
}

/** Owner read/write, group read: reports name keys and their owners, which is not for everyone on the host. */
const REPORT_FILE_MODE = 0o640;
const REPORT_DIR_MODE = 0o750;

/**
 * Writes every file of one run. The first file claims the run's name
 * (`report-<stamp>`, or `report-<stamp>-1`… when taken, never replacing an
 * existing report); the others take the same name with their extension. Then
 * each `latest.<ext>` is replaced by a link to its dated file, the first
 * file's last, so `latest.json` is never ahead of the other formats.
 *
 * All or nothing for the dated files and the first `latest`: when anything
 * fails (a chunk producer that throws included), this run's dated files are
 * removed again and `REPORT_WRITE_FAILED` names the path; the first file's
 * `latest` (the previous one) is untouched. No `latest` is replaced before
 * every dated file is complete, so a failure while writing one leaves every
 * `latest` as it was.
 */
export async function writeRunFiles(stamp: string, files: readonly RunFile[], options: WriteRunOptions): Promise<WrittenRun> {
  const [primary, ...others] = files;
  if (!primary) throw new Error('writeRunFiles needs at least one file');
  try {
    await mkdir(options.dir, { recursive: true, mode: REPORT_DIR_MODE });
  } catch (error) {
    throw writeFailed(options.dir, error);
  }

  let primaryPath: string;
  try {
    primaryPath = await writeFileExclusive(options.dir, (attempt) => fileName(runName(stamp, attempt), primary.extension), primary.content, {
      mode: REPORT_FILE_MODE,
    });
  } catch (error) {
    throw writeFailed(join(options.dir, fileName(runName(stamp, 0), primary.extension)), error);
  }
  const base = primaryPath.slice(0, primaryPath.length - primary.extension.length - 1);
  const dated: string[] = [primaryPath];
  const written: WrittenFile[] = [{ extension: primary.extension, path: primaryPath, latestPath: latestPath(options.dir, primary.extension) }];

  const undo = async (): Promise<void> => {
    await Promise.all(dated.map((path) => unlink(path).catch(() => undefined)));
  };
  const step = async (path: string, write: () => Promise<void>): Promise<void> => {
    try {
      await write();
    } catch (error) {
      await undo();
      throw writeFailed(path, error);
    }
  };

  for (const file of others) {
    // The name is this run's: the primary file claimed it, so a leftover of the same name is from a run that never finished.
    const path = `${base}.${file.extension}`;
    await step(path, () => writeFileAtomic(path, file.content, { mode: REPORT_FILE_MODE }));
    dated.push(path);
    written.push({ extension: file.extension, path, latestPath: latestPath(options.dir, file.extension) });
  }
  // Primary last: `written` is in the files' order, primary first.
  for (const file of [...written.slice(1), written[0]!]) {
    const linkOptions: LinkAtomicOptions = { mode: REPORT_FILE_MODE, ...(options.link ? { link: options.link } : {}) };
    await step(file.latestPath, () => replaceWithLinkAtomic(file.path, file.latestPath, linkOptions).then(() => undefined));
  }

  const removed = await pruneRuns(options, base.slice(options.dir.length + 1));
  return { files: written, removed };
}

export function latestPath(dir: string, extension: string): string {
  return join(dir, `latest.${extension}`);
}

function runName(stamp: string, attempt: number): string {
  return attempt === 0 ? `report-${stamp}` : `report-${stamp}-${attempt}`;
}

function fileName(run: string, extension: string): string {
  return `${run}.${extension}`;
}

/** `report-20261126T213316.123Z-1` → its stamp and suffix, for ordering runs. */
const RUN_NAME = /^report-(\d{8}T\d{6}\.\d{3}Z)(?:-(\d+))?$/;

/**
 * Keeps the run just written plus the `keep - 1` newest other runs; removes
 * every file of older runs. Only regular files named `report-<stamp>[-n].<ext>`
 * with a known extension are considered, so nothing else is ever touched.
 */
async function pruneRuns(options: WriteRunOptions, justWritten: string): Promise<string[]> {
  const { dir, logger } = options;
  const keep = Math.max(1, options.keep);
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    logger?.warn({ dir, err: errorMessage(error) }, 'could not list the report directory for retention');
    return [];
  }
  // Longest first, so `report-….ocsf.json` is read as extension `ocsf.json`, not `json`.
  const extensions = [...options.knownExtensions].sort((a, b) => b.length - a.length);
  const runs = new Map<string, { stamp: string; suffix: number; files: string[] }>();
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const extension = extensions.find((ext) => entry.name.endsWith(`.${ext}`));
    if (extension === undefined) continue;
    const run = entry.name.slice(0, entry.name.length - extension.length - 1);
    const match = RUN_NAME.exec(run);
    if (match?.[1] === undefined || run === justWritten) continue;
    const known = runs.get(run) ?? { stamp: match[1], suffix: Number(match[2] ?? 0), files: [] };
    known.files.push(entry.name);
    runs.set(run, known);
  }
  const older = [...runs.values()].sort((a, b) => (a.stamp === b.stamp ? b.suffix - a.suffix : a.stamp < b.stamp ? 1 : -1));

  const removed: string[] = [];
  for (const run of older.slice(keep - 1)) {
    for (const name of run.files.sort()) {
      const path = join(dir, name);
      try {
        await unlink(path);
        removed.push(path);
      } catch (error) {
        if (errorCode(error) === 'ENOENT') continue;
        logger?.warn({ path, err: errorMessage(error) }, 'could not remove an old report');
      }
    }
  }
  return removed;
}

function writeFailed(path: string, cause: unknown): HygieneError {
  return new HygieneError('REPORT_WRITE_FAILED', `could not write the report to ${path}: ${errorMessage(cause)}`, { cause, details: { path } });
}
