import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, open, rename, link, lstat, readdir, unlink, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { writeChunks } from './write-chunks.js';

/**
 * Atomic file writes: readers of the target see either the old file or the
 * complete new one, never a partial write. The data goes to a temp file in
 * the SAME directory (rename is only atomic within one filesystem), is
 * fsynced, then renamed (or hard-linked) into place, and the directory is
 * fsynced so the rename itself survives a crash.
 *
 * The temp name is `.<target name>.<host>.<pid>.<random>.tmp`, created with
 * O_CREAT|O_EXCL|O_NOFOLLOW: someone with write access to the directory
 * cannot predict it, and whatever they plant there (a symlink to a file they
 * want overwritten) makes the open fail instead of being followed. The final
 * rename replaces a symlink at the target itself, never what it points to.
 * Host and pid in the name let a later run clean up the temp files of a
 * process that was killed mid-write (see `removeStaleTempFiles`).
 */
export interface AtomicWriteOptions {
  /** Permission bits of the written file, applied with fchmod so the umask cannot widen or narrow them. */
  mode: number;
}

/**
 * What a file is written from: the whole content, or text produced piece by
 * piece while it is written (see `writeChunks`), so a large file is never
 * held in memory at once. A producer that throws fails the write like a
 * full disk does: nothing of it is left anywhere.
 */
export type FileData = string | Uint8Array | Iterable<string>;

/** Replaces `target` atomically with `data`. On failure the temp file is removed and `target` is untouched. */
export async function writeFileAtomic(target: string, data: FileData, options: AtomicWriteOptions): Promise<void> {
  // The sweep never touches a live writer's temp file (ours included), so it runs while the data is written.
  const sweep = removeStaleTempFiles(dirname(target)).catch(() => undefined);
  let temp: string;
  try {
    temp = await writeTempFile(target, data, options.mode);
  } finally {
    await sweep;
  }
  try {
    await rename(temp, target);
  } catch (error) {
    await removeQuietly(temp);
    throw error;
  }
  // The target is replaced now; failing after this point would report a
  // write as failed that readers already see. Durability is best effort.
  await fsyncDirectory(dirname(target)).catch(() => undefined);
}

/** Link errors that mean "this filesystem or this pair of paths cannot share an inode": copy instead. */
const NO_HARD_LINK = new Set(['EPERM', 'EXDEV', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK']);

export interface LinkAtomicOptions extends AtomicWriteOptions {
  /** The hard-link call; replaceable so the copy fallback can be exercised on a filesystem that has links. */
  link?: (existing: string, newPath: string) => Promise<void>;
  /**
   * Whether to fsync the directory after the rename (default true). A caller
   * replacing several files in one directory may turn it off and fsync the
   * directory once after the last rename, which makes every one of them durable.
   */
  syncDirectory?: boolean;
}

/**
 * Replaces `target` atomically with the content of `source`, a complete file
 * already written and fsynced (e.g. by `writeFileAtomic`), without encoding or
 * writing the data again: `source` is hard-linked to a fresh temp name next to
 * `target`, then renamed over it. Where links are not possible (EPERM, EXDEV,
 * no link support) the temp file is a copy instead, fsynced before the rename.
 *
 * Same guarantees as `writeFileAtomic`: readers see the old or the new file,
 * never a part; `link` and `copyFile` with COPYFILE_EXCL never follow a
 * planted symlink at the temp name; the rename replaces a symlink at `target`
 * itself. A linked target shares its inode with `source`: removing `source`
 * later only drops that name, `target` keeps the data.
 */
export async function replaceWithLinkAtomic(source: string, target: string, options: LinkAtomicOptions): Promise<'link' | 'copy'> {
  const makeLink = options.link ?? link;
  const temp = newTempPath(target);
  let how: 'link' | 'copy' = 'link';
  // Only a temp file this call created is ever removed: something planted at the name makes link/copy fail with EEXIST and is left alone.
  let created = false;
  try {
    try {
      await makeLink(source, temp);
      created = true;
    } catch (error) {
      if (!NO_HARD_LINK.has(errorCode(error) ?? '')) throw error;
      how = 'copy';
      try {
        await copyFile(source, temp, constants.COPYFILE_EXCL);
      } catch (copyError) {
        created = errorCode(copyError) !== 'EEXIST';
        throw copyError;
      }
      created = true;
      await syncCopy(temp, options.mode);
    }
    await rename(temp, target);
  } catch (error) {
    if (created) await removeQuietly(temp);
    throw error;
  }
  if (options.syncDirectory !== false) await fsyncDirectory(dirname(target)).catch(() => undefined);
  return how;
}

/** The copy's mode exactly (copyFile takes the source's, filtered by nothing we control) and its data on disk before it is renamed into place. */
async function syncCopy(path: string, mode: number): Promise<void> {
  const handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  try {
    await handle.chmod(mode);
    await handle.sync();
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * Writes `data` under the first name from `candidateName(0)`, `candidateName(1)`, …
 * that does not exist yet, never replacing an existing file, and returns the
 * path used. The no-clobber step is a hard link (fails atomically when the
 * name is taken), so two writers racing for one name cannot overwrite each other.
 */
export async function writeFileExclusive(
  dir: string,
  candidateName: (attempt: number) => string,
  data: FileData,
  options: AtomicWriteOptions & { maxAttempts?: number },
): Promise<string> {
  const sweep = removeStaleTempFiles(dir).catch(() => undefined);
  let temp: string;
  try {
    temp = await writeTempFile(join(dir, candidateName(0)), data, options.mode);
  } finally {
    await sweep;
  }
  try {
    const target = await claimName(temp, dir, candidateName, options.maxAttempts);
    await fsyncDirectory(dir);
    return target;
  } finally {
    await removeQuietly(temp);
  }
}

/**
 * Gives the complete, fsynced file `temp` (in `dir`) the first free name of
 * `candidateName(0)`, `candidateName(1)`, …, never replacing an existing
 * file, and returns the path. `temp` keeps its name too (a hard link) until
 * the caller removes it; where there are no links it is renamed instead.
 * The directory is not fsynced: the caller does that, once for all its names.
 */
export async function claimName(temp: string, dir: string, candidateName: (attempt: number) => string, maxAttempts = 100): Promise<string> {
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const target = join(dir, candidateName(attempt));
    try {
      await link(temp, target);
    } catch (error) {
      const code = errorCode(error);
      if (code === 'EEXIST') continue;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
      // A filesystem without hard links: check, then rename. Racy, but still never replaces a file that existed before.
      if (await exists(target)) continue;
      await rename(temp, target);
    }
    return target;
  }
  throw new Error(`no free file name after ${maxAttempts} attempts (last tried ${candidateName(maxAttempts - 1)})`);
}

/** The host name, reduced to characters that are safe in a file name on any filesystem. */
const HOST_TAG = hostname().replace(/[^A-Za-z0-9-]/g, '_').slice(0, 64) || 'host';

/** A fresh, unpredictable temp path next to `target`. */
function newTempPath(target: string): string {
  return join(dirname(target), `.${basename(target)}.${HOST_TAG}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** `.<name>.<host>.<pid>.<12 hex>.tmp`: the only names `removeStaleTempFiles` ever touches. */
const TEMP_NAME = /^\..+\.([A-Za-z0-9_-]{1,64})\.(\d{1,10})\.[0-9a-f]{12}\.tmp$/;

/** A temp file this old is left over whatever its pid says (the pid may have been reused). */
export const STALE_TEMP_AGE_MS = 60 * 60 * 1000;

/**
 * Removes temp files left by writers that were killed mid-write: only regular
 * files named like ours, and only when their writer ran on this host and is
 * gone, or they are older than `STALE_TEMP_AGE_MS` (another host's, or a
 * reused pid). A live writer's temp file is never touched. Returns the names removed.
 */
export async function removeStaleTempFiles(
  dir: string,
  deps: { now?: number; isAlive?: (pid: number) => boolean; maxAgeMs?: number } = {},
): Promise<string[]> {
  const now = deps.now ?? Date.now();
  const isAlive = deps.isAlive ?? pidExists;
  const maxAgeMs = deps.maxAgeMs ?? STALE_TEMP_AGE_MS;
  const removed: string[] = [];
  for (const name of await readdir(dir)) {
    const match = TEMP_NAME.exec(name);
    if (!match) continue;
    const [, host, pidText] = match;
    const pid = Number(pidText);
    const path = join(dir, name);
    const info = await lstat(path).catch(() => null);
    if (!info?.isFile()) continue;
    const writerGone = host === HOST_TAG && pid !== process.pid && !isAlive(pid);
    if (!writerGone && now - info.mtimeMs <= maxAgeMs) continue;
    await unlink(path).then(
      () => removed.push(name),
      () => undefined,
    );
  }
  return removed;
}

/** Whether a process with this pid runs on this host (the temp-file sweep and the run lock ask). */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return errorCode(error) === 'EPERM';
  }
}

/** Exclusive, never through a symlink: a file or link planted at the temp name makes this fail, not write elsewhere. */
const TEMP_OPEN_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

/** A file written under a temp name, being made durable; the caller gives it its name (rename, `claimName`) or removes it. */
export interface StagedFile {
  /** The temp file's path. */
  readonly path: string;
  /** Settles once the data is fsynced and the file closed; when it rejects, the temp file has been removed. */
  readonly durable: Promise<void>;
}

/**
 * Writes `data` to a fresh temp file next to `target`, for callers that put
 * several files in place together (a run's report files). Resolves once
 * every byte has been handed to the kernel, so the caller can go on to the
 * next file while this one is fsynced and closed (`durable`). On failure
 * the temp file is removed.
 */
export async function stageFile(target: string, data: FileData, mode: number): Promise<StagedFile> {
  let temp = newTempPath(target);
  let handle: FileHandle | undefined;
  let created = false;
  try {
    for (let attempt = 0; ; attempt += 1) {
      try {
        handle = await open(temp, TEMP_OPEN_FLAGS, mode);
        created = true;
        break;
      } catch (error) {
        // Someone planted a file at a random name, or a one-in-2^48 collision: never reuse it, pick another.
        if (errorCode(error) !== 'EEXIST' || attempt >= 4) throw error;
        temp = newTempPath(target);
      }
    }
    // open()'s mode is filtered by the umask; fchmod is exact.
    await handle.chmod(mode);
    if (typeof data === 'string' || data instanceof Uint8Array) await handle.writeFile(data);
    else await writeChunks(handle, data);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    // Only a file this call created is removed: something planted made the open fail and is left alone.
    if (created) await removeQuietly(temp);
    throw error;
  }
  const durable = syncAndClose(handle, temp);
  // Awaited by the caller; this only keeps a failure from counting as unhandled while the caller works on the next file.
  durable.catch(() => undefined);
  return { path: temp, durable };
}

async function syncAndClose(handle: FileHandle, temp: string): Promise<void> {
  try {
    await handle.sync();
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await removeQuietly(temp);
    throw error;
  }
}

async function writeTempFile(target: string, data: FileData, mode: number): Promise<string> {
  const staged = await stageFile(target, data, mode);
  await staged.durable;
  return staged.path;
}

/**
 * Makes a rename durable. Some platforms (Windows) and filesystems cannot
 * open or fsync a directory; there the rename is as durable as the OS makes it.
 */
export async function fsyncDirectory(dir: string): Promise<void> {
  const directory = await openDirectory(dir);
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

/** A directory held open to make renames in it durable, for a writer that renames several times (each `sync` covers every rename before it). */
export interface OpenDirectory {
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** Where a directory cannot be opened or fsynced (see `fsyncDirectory`), `sync` does nothing. */
export async function openDirectory(dir: string): Promise<OpenDirectory> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
  } catch (error) {
    if (!directoriesCannotSync(error)) throw error;
  }
  return {
    async sync(): Promise<void> {
      try {
        await handle?.sync();
      } catch (error) {
        if (!directoriesCannotSync(error)) throw error;
      }
    },
    async close(): Promise<void> {
      await handle?.close().catch(() => undefined);
    },
  };
}

function directoriesCannotSync(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'EISDIR' || code === 'EINVAL' || code === 'EPERM' || code === 'EACCES' || code === 'ENOTSUP';
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}

/** Removes a file if it is there; a file already gone, or one that cannot be removed, is not an error here. */
export async function removeQuietly(path: string): Promise<void> {
  await unlink(path).catch(() => undefined);
}

/** The message of a file-system error, for messages that name the path themselves. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}
