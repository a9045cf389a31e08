import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/**
 * Reads a `*_FILE` secret: only a regular file, only up to `MAX_SECRET_FILE_BYTES`.
 * `/dev/zero` would otherwise be read until memory runs out and a FIFO would
 * block the start for ever. The open is non-blocking (a FIFO with no writer
 * opens at once) and the kind and size are checked on the opened file, so a
 * path swapped after the check cannot slip through. Symlinks are followed on
 * purpose: Kubernetes mounts secrets as links into a `..data` directory.
 */
export const MAX_SECRET_FILE_BYTES = 64 * 1024;

export type SecretFileResult = { ok: true; content: string } | { ok: false; reason: string };

export async function readSecretFile(path: string, maxBytes: number = MAX_SECRET_FILE_BYTES): Promise<SecretFileResult> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    const reason = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code})`;
    return { ok: false, reason };
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) return { ok: false, reason: 'is a directory' };
    if (!info.isFile()) return { ok: false, reason: 'is not a regular file (a FIFO, socket or device); give the path of a file' };
    if (info.size > maxBytes) return { ok: false, reason: `is larger than ${maxBytes} bytes; a secret is far smaller` };
    // Read one byte past the cap: a file that grew since the stat is refused too.
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes) return { ok: false, reason: `is larger than ${maxBytes} bytes; a secret is far smaller` };
    }
    return { ok: true, content: buffer.subarray(0, length).toString('utf8') };
  } catch (err) {
    return { ok: false, reason: `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  } finally {
    await handle.close();
  }
}
