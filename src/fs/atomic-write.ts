import { open, rename, link, lstat, unlink, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';

/**
 * Atomic file writes: readers of the target see either the old file or the
 * complete new one, never a partial write. The data goes to a temp file in
 * the SAME directory (rename is only atomic within one filesystem), is
 * fsynced, then renamed (or hard-linked) into place, and the directory is
 * fsynced so the rename itself survives a crash.
 *
 * The temp name is `.<target name>.<host>.<pid>.tmp`: hidden, recognisable,
 * and distinct per process, so two processes writing the same target never
 * share a temp file — including two containers on one volume, which often
 * both run as pid 1 but never share a host name. A leftover from a crashed
 * process with the same host and pid is simply overwritten. One process must
 * not write the same target twice concurrently; the audit pipeline never does.
 */
export interface AtomicWriteOptions {
  /** Permission bits of the written file, applied with fchmod so the umask cannot widen or narrow them. */
  mode: number;
}

/** Replaces `target` atomically with `data`. On failure the temp file is removed and `target` is untouched. */
export async function writeFileAtomic(target: string, data: string | Uint8Array, options: AtomicWriteOptions): Promise<void> {
  const temp = await writeTempFile(target, data, options.mode);
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

/**
 * Writes `data` under the first name from `candidateName(0)`, `candidateName(1)`, …
 * that does not exist yet, never replacing an existing file, and returns the
 * path used. The no-clobber step is a hard link (fails atomically when the
 * name is taken), so two writers racing for one name cannot overwrite each other.
 */
export async function writeFileExclusive(
  dir: string,
  candidateName: (attempt: number) => string,
  data: string | Uint8Array,
  options: AtomicWriteOptions & { maxAttempts?: number },
): Promise<string> {
  const maxAttempts = options.maxAttempts ?? 100;
  const temp = await writeTempFile(join(dir, candidateName(0)), data, options.mode);
  try {
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
      await fsyncDirectory(dir);
      return target;
    }
    throw new Error(`no free file name after ${maxAttempts} attempts (last tried ${candidateName(maxAttempts - 1)})`);
  } finally {
    await removeQuietly(temp);
  }
}

/** The host name, reduced to characters that are safe in a file name on any filesystem. */
const HOST_TAG = hostname().replace(/[^A-Za-z0-9-]/g, '_').slice(0, 64) || 'host';

/** The temp path used for `target`; exported so tests can name the exact file a writer will create. */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${HOST_TAG}.${process.pid}.tmp`);
}


async function writeTempFile(target: string, data: string | Uint8Array, mode: number): Promise<string> {
  const temp = tempPathFor(target);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, 'w', mode);
    // open()'s mode is filtered by the umask and ignored for a leftover file; fchmod is exact.
    await handle.chmod(mode);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    return temp;
  } catch (error) {
    await handle?.close().catch(() => undefined);
    // unlink never removes a directory, so something foreign in the way is left alone.
    await removeQuietly(temp);
    throw error;
  }
}

/**
 * Makes a rename durable. Some platforms (Windows) and filesystems cannot
 * open or fsync a directory; there the rename is as durable as the OS makes it.
 */
export async function fsyncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = errorCode(error);
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EACCES' && code !== 'ENOTSUP') throw error;
  } finally {
    await handle?.close().catch(() => undefined);
  }
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

async function removeQuietly(path: string): Promise<void> {
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
