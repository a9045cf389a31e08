import type { Dirent } from 'node:fs';
import { mkdir, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { HygieneError } from '../errors.js';
import {
  claimName,
  errorCode,
  errorMessage,
  openDirectory,
  removeQuietly,
  removeStaleTempFiles,
  replaceWithLinkAtomic,
  stageFile,
  type FileData,
  type LinkAtomicOptions,
  type OpenDirectory,
  type StagedFile,
} from '../fs/atomic-write.js';
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
 *
 * The files are rendered one after another, but the waiting is overlapped:
 * each file goes to a temp name first, and the next one is rendered while
 * the one before is fsynced, closed and (the first) linked to its name. The
 * directory (opened once) is fsynced once for all the dated names, once for
 * all the other `latest` names before the first file's `latest` is
 * replaced, and once after that. Stale temp files are swept once per run.
 */
export async function writeRunFiles(stamp: string, files: readonly RunFile[], options: WriteRunOptions): Promise<WrittenRun> {
  const [primary, ...others] = files;
  if (!primary) throw new Error('writeRunFiles needs at least one file');
  const { dir } = options;
  try {
    await mkdir(dir, { recursive: true, mode: REPORT_DIR_MODE });
  } catch (error) {
    throw writeFailed(dir, error);
  }
  // Once per run, while the files are written: it never touches a live writer's temp file.
  const sweep = removeStaleTempFiles(dir).catch(() => undefined);
  // Opened once for the run's three directory fsyncs.
  const directory = openDirectory(dir);
  directory.catch(() => undefined);
  try {
    const dated = await writeDatedFiles(stamp, primary, others, dir, directory);
    const base = dated.primaryPath.slice(0, dated.primaryPath.length - primary.extension.length - 1);
    const written: WrittenFile[] = files.map((file) => ({ extension: file.extension, path: `${base}.${file.extension}`, latestPath: latestPath(dir, file.extension) }));
    await replaceLatest(written, directory, options.link);
    const removed = await pruneRuns(options, base.slice(dir.length + 1), await listRunFiles(dir, options.logger));
    return { files: written, removed };
  } finally {
    await sweep;
    await directory.then((open) => open.close(), () => undefined);
  }
}

/**
 * Every dated file of the run in place and durable, or none of them (and no
 * temp file) and the error of the first file, in the files' order, that failed.
 */
async function writeDatedFiles(
  stamp: string,
  primary: RunFile,
  others: readonly RunFile[],
  dir: string,
  directory: Promise<OpenDirectory>,
): Promise<{ primaryPath: string }> {
  const candidate = (file: RunFile, attempt: number): string => fileName(runName(stamp, attempt), file.extension);
  const failures: { index: number; error: unknown }[] = [];
  const staged: StagedFile[] = [];
  // Each step settles: a failure is recorded, never left as a rejection nobody is waiting for yet.
  const settle = async (index: number, step: Promise<void>): Promise<void> => {
    await step.catch((error: unknown) => {
      failures.push({ index, error });
    });
  };

  const pending: Promise<void>[] = [];
  let primaryPath: string | undefined;
  for (const [index, file] of [primary, ...others].entries()) {
    // A file before this one has failed already: the run is lost, nothing more is rendered.
    if (failures.length > 0) break;
    let current: StagedFile;
    try {
      // The temp name is the unsuffixed one's: only the name it is given in the end matters.
      current = await stageFile(join(dir, candidate(file, 0)), untilRunFailed(file.content, () => failures.length > 0), REPORT_FILE_MODE);
    } catch (error) {
      failures.push({ index, error });
      break;
    }
    staged.push(current);
    // The first file claims the run's name as soon as it is on disk, while the next one is being written.
    const done =
      index === 0
        ? current.durable.then(async () => {
            primaryPath = await claimName(current.path, dir, (attempt) => candidate(file, attempt));
            // The run's name holds the file now; the temp name goes (its removal is made durable with the other names).
            await removeQuietly(current.path);
          })
        : current.durable;
    pending.push(settle(index, done));
  }
  await Promise.all(pending);

  const base = primaryPath?.slice(0, primaryPath.length - primary.extension.length - 1);
  const placed: string[] = primaryPath ? [primaryPath] : [];
  const removeAll = async (): Promise<void> => {
    await Promise.all([...placed, ...staged.map((file) => file.path)].map(removeQuietly));
  };

  if (failures.length === 0 && base !== undefined) {
    // The name is this run's: the first file claimed it, so a leftover of the same name is from a run that never finished.
    await Promise.all(
      others.map((file, offset) => {
        const target = `${base}.${file.extension}`;
        return settle(
          offset + 1,
          rename(staged[offset + 1]!.path, target).then(() => {
            placed.push(target);
          }),
        );
      }),
    );
  }
  if (failures.length === 0 && primaryPath !== undefined) {
    // One fsync makes every dated name durable (and the temp name's removal with them).
    await settle(0, directory.then((open) => open.sync()));
  }

  const first = failures.sort((a, b) => a.index - b.index)[0];
  if (first === undefined && primaryPath !== undefined) return { primaryPath };
  await removeAll();
  const index = first?.index ?? 0;
  const file = index === 0 ? primary : others[index - 1]!;
  // Named as it would have been: the run's name with the suffix it got, where it got one.
  const path = base === undefined ? join(dir, candidate(file, 0)) : `${base}.${file.extension}`;
  throw writeFailed(path, first?.error ?? new Error('the report name was not claimed'));
}

/**
 * A file's content, cut off once the run is lost: a file rendered while an
 * earlier one is still being fsynced and named stops as soon as that one
 * fails, instead of being rendered to the end and removed.
 */
function untilRunFailed(content: FileData, runFailed: () => boolean): FileData {
  if (typeof content === 'string' || content instanceof Uint8Array) return content;
  return (function* () {
    for (const chunk of content) {
      if (runFailed()) throw new Error('an earlier file of this run could not be written');
      yield chunk;
    }
  })();
}

/**
 * Replaces each `latest.<ext>` by a link to its dated file: the other files'
 * first, then the first file's, the directory fsynced after the others and
 * after the first.
 * A failure removes this run's dated files again; a `latest` already replaced
 * keeps naming its (still complete) file.
 */
async function replaceLatest(written: readonly WrittenFile[], directory: Promise<OpenDirectory>, link: LinkAtomicOptions['link']): Promise<void> {
  // The directory is fsynced here, once after each step, not by each replacement.
  const linkOptions: LinkAtomicOptions = { mode: REPORT_FILE_MODE, syncDirectory: false, ...(link ? { link } : {}) };
  // Best effort, as for any replaced file: the `latest` names are in place whether or not this succeeds.
  const syncDirectory = (): Promise<void> => directory.then((open) => open.sync()).catch(() => undefined);
  const undo = async (): Promise<void> => {
    await Promise.all(written.map((file) => removeQuietly(file.path)));
  };
  const [primary, ...others] = written;
  // One at a time: the first failure stops the rest, so no `latest` is replaced after one could not be.
  for (const file of others) {
    try {
      await replaceWithLinkAtomic(file.path, file.latestPath, linkOptions);
    } catch (error) {
      await undo();
      throw writeFailed(file.latestPath, error);
    }
  }
  if (others.length > 0) await syncDirectory();
  try {
    await replaceWithLinkAtomic(primary!.path, primary!.latestPath, linkOptions);
  } catch (error) {
    await undo();
    throw writeFailed(primary!.latestPath, error);
  }
  await syncDirectory();
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

/** The report directory's entries, for retention; `null` (and a warning) when it cannot be listed, which never fails a run. */
async function listRunFiles(dir: string, logger: Logger | undefined): Promise<Dirent[] | null> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    logger?.warn({ dir, err: errorMessage(error) }, 'could not list the report directory for retention');
    return null;
  }
}

/**
 * Keeps the run just written plus the `keep - 1` newest other runs; removes
 * every file of older runs. Only regular files named `report-<stamp>[-n].<ext>`
 * with a known extension are considered, so nothing else is ever touched.
 */
async function pruneRuns(options: WriteRunOptions, justWritten: string, entries: readonly Dirent[] | null): Promise<string[]> {
  const { dir, logger } = options;
  const keep = Math.max(1, options.keep);
  if (entries === null) return [];
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

  const doomed = older.slice(keep - 1).flatMap((run) => run.files.sort().map((name) => join(dir, name)));
  // Removed together; the list of what went keeps the runs' order.
  const gone = await Promise.all(
    doomed.map(async (path) => {
      try {
        await unlink(path);
        return true;
      } catch (error) {
        if (errorCode(error) !== 'ENOENT') logger?.warn({ path, err: errorMessage(error) }, 'could not remove an old report');
        return false;
      }
    }),
  );
  return doomed.filter((_, index) => gone[index]);
}

function writeFailed(path: string, cause: unknown): HygieneError {
  return new HygieneError('REPORT_WRITE_FAILED', `could not write the report to ${path}: ${errorMessage(cause)}`, { cause, details: { path } });
}
