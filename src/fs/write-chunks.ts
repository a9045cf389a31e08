import type { FileHandle } from 'node:fs/promises';

/**
 * Writes text produced piece by piece (a renderer's chunks) to an open file
 * in bounded memory: chunks are collected into batches of about
 * `batchChars` UTF-16 code units (up to three bytes each in UTF-8), each
 * batch is encoded once and written while the next one is produced. At most
 * one write is in flight and one batch waits for it, so memory stays at two
 * batches whatever the size of the file, and a slow disk slows the producer
 * down instead of letting batches pile up.
 *
 * The bytes are exactly those of the joined chunks encoded as UTF-8 at once:
 * a batch never ends between the two halves of a surrogate pair (a pair cut
 * in two would be encoded as two replacement characters).
 *
 * Whatever the producer or a write throws is thrown here, after any write
 * still running has finished, so the caller can close and remove the file.
 */
export const WRITE_BATCH_CHARS = 512 * 1024;

export async function writeChunks(handle: FileHandle, chunks: Iterable<string>, batchChars: number = WRITE_BATCH_CHARS): Promise<void> {
  let pending: string[] = [];
  let pendingChars = 0;
  let inFlight: Promise<void> | null = null;
  let writeError: { error: unknown } | null = null;

  const drain = async (): Promise<void> => {
    if (inFlight) await inFlight;
    inFlight = null;
    if (writeError) throw writeError.error;
  };
  const send = async (text: string): Promise<void> => {
    await drain();
    if (text.length === 0) return;
    // The outcome is kept, not left as a rejected promise nobody awaits while the next batch is rendered.
    inFlight = writeAll(handle, Buffer.from(text, 'utf8')).catch((error: unknown) => {
      writeError = { error };
    });
  };

  try {
    for (const chunk of chunks) {
      pending.push(chunk);
      pendingChars += chunk.length;
      if (pendingChars < batchChars) continue;
      let text = pending.join('');
      pending = [];
      pendingChars = 0;
      if (endsWithHighSurrogate(text)) {
        // Keep the first half of a pair for the next batch, where its second half comes.
        pending.push(text.slice(-1));
        pendingChars = 1;
        text = text.slice(0, -1);
      }
      await send(text);
    }
    await send(pending.join(''));
    await drain();
  } catch (error) {
    // Never leave a write running on a handle the caller is about to close.
    await inFlight;
    throw error;
  }
}

/** `write` may take less than it was given; the rest goes after it, at the file's current position. */
async function writeAll(handle: FileHandle, buffer: Buffer): Promise<void> {
  let offset = 0;
  while (offset < buffer.length) {
    const { bytesWritten } = await handle.write(buffer, offset, buffer.length - offset, null);
    offset += bytesWritten;
  }
}

function endsWithHighSurrogate(text: string): boolean {
  const last = text.charCodeAt(text.length - 1);
  return last >= 0xd800 && last <= 0xdbff;
}
