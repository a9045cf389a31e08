import type { FileHandle } from 'node:fs/promises';

/**
 * Writes text produced piece by piece (a renderer's chunks) to an open file
 * in bounded memory. Chunks are encoded straight into one of two fixed
 * buffers of `bufferBytes`: while one is being written, the other fills, and
 * a full buffer waits for the write before it. So the memory used is two
 * buffers whatever the size of the file, a slow disk slows the producer
 * down instead of letting data pile up, and no string larger than a chunk
 * is ever built (large strings would land in the old generation of the
 * heap and stay there as garbage until a full collection).
 *
 * The bytes are exactly those of the joined chunks encoded as UTF-8 at once:
 * a surrogate pair cut between two chunks is put back together before it is
 * encoded (encoded apart, each half would become a replacement character).
 *
 * Write-behind: every `syncBehindBytes` handed to the kernel, an fdatasync
 * is started in the background (one at a time), so the disk takes the data
 * while the rest is produced and the caller's fsync at the end only waits
 * for the last part, instead of for the whole file at once. It adds syncs,
 * never replaces the caller's: a failed one fails the write (an I/O error
 * it consumed would not be reported again to the caller's fsync).
 *
 * Whatever the producer, a write or a sync throws is thrown here, after any
 * write or sync still running has finished, so the caller can close and
 * remove the file.
 */
export const WRITE_BUFFER_BYTES = 1024 * 1024;

/** Between two background fdatasyncs: large enough that a small file gets none, small enough that a report's final fsync is short. */
export const SYNC_BEHIND_BYTES = 4 * 1024 * 1024;

export interface WriteChunksOptions {
  /** The size of each of the two buffers (default `WRITE_BUFFER_BYTES`). */
  bufferBytes?: number;
  /** Bytes written between two background fdatasyncs (default `SYNC_BEHIND_BYTES`; `Infinity`: none). */
  syncBehindBytes?: number;
}

/** A UTF-16 code unit is at most three bytes of UTF-8 (a pair, two units, is four). */
const MAX_BYTES_PER_UNIT = 3;

export async function writeChunks(handle: FileHandle, chunks: Iterable<string>, options: WriteChunksOptions = {}): Promise<void> {
  const bufferBytes = options.bufferBytes ?? WRITE_BUFFER_BYTES;
  const syncBehindBytes = options.syncBehindBytes ?? SYNC_BEHIND_BYTES;
  const buffers = [Buffer.allocUnsafe(bufferBytes), Buffer.allocUnsafe(bufferBytes)] as const;
  let current = 0;
  let buffer = buffers[0];
  let used = 0;
  let inFlight: Promise<void> | null = null;
  let syncing: Promise<void> | null = null;
  let unsynced = 0;
  // The outcomes are kept, not left as rejected promises nobody awaits while the next buffer fills.
  let failure: { error: unknown } | null = null;
  const keep = (error: unknown): void => {
    failure ??= { error };
  };
  const throwIfFailed = (): void => {
    if (failure) throw failure.error;
  };

  const drain = async (): Promise<void> => {
    if (inFlight) await inFlight;
    inFlight = null;
    throwIfFailed();
  };
  /** Starts writing `bytes`; the write before it must have finished (`drain`). */
  const start = (bytes: Buffer): void => {
    if (bytes.length === 0) return;
    if (unsynced >= syncBehindBytes && !syncing) {
      // Everything written so far is in the page cache: push it to the disk while this buffer is written and the next one fills.
      unsynced = 0;
      syncing = handle.datasync().then(
        () => {
          syncing = null;
        },
        (error: unknown) => {
          syncing = null;
          keep(error);
        },
      );
    }
    unsynced += bytes.length;
    inFlight = writeAll(handle, bytes).catch(keep);
  };
  const flush = async (): Promise<void> => {
    const full = buffer.subarray(0, used);
    current = 1 - current;
    buffer = buffers[current]!;
    used = 0;
    // The buffer about to be filled is the one written before: wait for that write to finish.
    await drain();
    start(full);
  };
  /**
   * Encodes `text` into the buffer being filled if it surely fits: the
   * common case, done without a promise or a turn of the microtask queue.
   */
  const encodeIfRoom = (text: string): boolean => {
    if (text.length * MAX_BYTES_PER_UNIT > bufferBytes - used) return false;
    used += buffer.write(text, used, 'utf8');
    return true;
  };
  /** When it does not fit, the full buffer is written first (only then is there anything to wait for). */
  const encodeAfterFlush = async (text: string): Promise<void> => {
    await flush();
    if (text.length * MAX_BYTES_PER_UNIT > bufferBytes) {
      // Larger than a buffer: written on its own (only a chunk this large is ever held encoded).
      await drain();
      start(Buffer.from(text, 'utf8'));
      return;
    }
    used += buffer.write(text, used, 'utf8');
  };

  try {
    let carry = '';
    for (const chunk of chunks) {
      let text = carry === '' ? chunk : carry + chunk;
      carry = '';
      if (endsWithHighSurrogate(text)) {
        // Its other half may start the next chunk.
        carry = text.slice(-1);
        text = text.slice(0, -1);
      }
      if (text.length > 0 && !encodeIfRoom(text)) await encodeAfterFlush(text);
    }
    if (carry !== '' && !encodeIfRoom(carry)) await encodeAfterFlush(carry);
    await flush();
    await drain();
    await syncing;
    throwIfFailed();
  } catch (error) {
    // Never leave a write or a sync running on a handle the caller is about to close.
    await inFlight;
    await syncing;
    throw error;
  }
}

/** `write` may take less than it was given; the rest goes after it, at the file's current position. */
async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset, null);
    offset += bytesWritten;
  }
}

function endsWithHighSurrogate(text: string): boolean {
  const last = text.charCodeAt(text.length - 1);
  return last >= 0xd800 && last <= 0xdbff;
}
