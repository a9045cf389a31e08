import { fstatSync } from 'node:fs';
import { mkdtemp, open, readFile, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeChunks } from '../../src/fs/write-chunks.js';
import { REPORT_FORMATS } from '../../src/report/formats.js';
import { RENDERERS } from '../../src/report/render/index.js';
import { ORACLE_RENDERERS } from '../report/oracle/index.js';
import { arbitraryReport } from '../report/report-arbitrary.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'c1-write-chunks-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `chunks` to a fresh file with buffers of the given size and returns its bytes. */
async function written(chunks: Iterable<string>, bufferBytes: number, syncBehindBytes?: number): Promise<Buffer> {
  const path = join(dir, `out-${Math.random().toString(16).slice(2)}`);
  const handle = await open(path, 'wx');
  try {
    await writeChunks(handle, chunks, { bufferBytes, syncBehindBytes });
  } finally {
    await handle.close();
  }
  return readFile(path);
}

/** Text cut anywhere, surrogate pairs included: the file must still be the whole text encoded at once. */
const pieces = fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom('\ud83d', '\ude00', '\ud83d\ude00', '\ud800', '', 'é€')), { maxLength: 40 });

describe('writeChunks', () => {
  it('property: the file is the joined chunks as UTF-8, whatever the buffer size and wherever the cuts (split surrogate pairs included)', async () => {
    await fc.assert(
      fc.asyncProperty(pieces, fc.integer({ min: 1, max: 64 }), async (chunks, bufferBytes) => {
        const bytes = await written(chunks, bufferBytes);
        expect(bytes.equals(Buffer.from(chunks.join(''), 'utf8'))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('property: any text cut at any positions is written as the whole text encoded at once, for small and large buffers alike, syncing behind or not', async () => {
    const cutText = fc
      .tuple(fc.string({ unit: 'binary', maxLength: 300 }), fc.array(fc.nat(), { maxLength: 30 }))
      .map(([text, cuts]) => {
        const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
        return [0, ...points].map((from, index) => text.slice(from, [...points, text.length][index]));
      });
    await fc.assert(
      fc.asyncProperty(cutText, fc.constantFrom(1, 2, 3, 4, 5, 7, 64, 1000, 65536), fc.integer({ min: 1, max: 2000 }), async (chunks, bufferBytes, syncBehindBytes) => {
        const bytes = await written(chunks, bufferBytes, syncBehindBytes);
        expect(bytes.equals(Buffer.from(chunks.join(''), 'utf8'))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('a surrogate pair cut between two chunks, at a buffer boundary or not, stays one character', async () => {
    for (const bufferBytes of [3, 6, 9, 1024]) expect((await written(['ab\ud83d', '\ude00cd'], bufferBytes)).toString('utf8')).toBe('ab\ud83d\ude00cd');
  });

  for (const format of REPORT_FORMATS) {
    it(`property: ${format} reports streamed through small buffers are byte for byte what the old renderer's string encodes to`, async () => {
      await fc.assert(
        fc.asyncProperty(arbitraryReport(), fc.integer({ min: 3, max: 4096 }), async (report, bufferBytes) => {
          const bytes = await written(RENDERERS[format].chunks(report), bufferBytes);
          expect(bytes.equals(Buffer.from(ORACLE_RENDERERS[format](report), 'utf8'))).toBe(true);
        }),
        { numRuns: 25 },
      );
    });
  }

  it('never reads far ahead of the disk: at most two buffers are unwritten at any time', async () => {
    const path = join(dir, 'bounded');
    const handle = await open(path, 'wx');
    const bufferBytes = 1000;
    const chunk = 'x'.repeat(97);
    let produced = 0;
    let worstLag = 0;
    function* chunks(): Generator<string> {
      for (let i = 0; i < 2000; i += 1) {
        const onDisk = fstatSync(handle.fd).size;
        worstLag = Math.max(worstLag, produced - onDisk);
        produced += chunk.length;
        yield chunk;
      }
    }
    try {
      await writeChunks(handle, chunks(), { bufferBytes });
    } finally {
      await handle.close();
    }
    expect((await readFile(path, 'utf8')).length).toBe(produced);
    expect(worstLag).toBeGreaterThan(0);
    expect(worstLag).toBeLessThanOrEqual(2 * bufferBytes);
  });

  it('rethrows what the producer throws half-way, after the write already running has finished', async () => {
    const path = join(dir, 'half');
    const handle = await open(path, 'wx');
    function* failing(): Generator<string> {
      for (let i = 0; i < 50; i += 1) yield 'y'.repeat(100);
      throw new Error('renderer broke');
    }
    let error: unknown;
    try {
      await writeChunks(handle, failing(), { bufferBytes: 256 });
    } catch (caught) {
      error = caught;
    }
    // Closing right away is safe: nothing is still being written to the handle.
    await handle.close();
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('renderer broke');
    const text = await readFile(path, 'utf8');
    expect(text.length).toBeGreaterThan(0);
    expect(text).toMatch(/^y+$/);
  });

  it('fails with the write error when the file cannot be written, without reading the producer to its end', async () => {
    const path = join(dir, 'read-only');
    await writeFile(path, '');
    const handle = await open(path, 'r');
    let produced = 0;
    function* endless(): Generator<string> {
      for (;;) {
        produced += 1;
        yield 'z'.repeat(100);
      }
    }
    let error: unknown;
    try {
      await writeChunks(handle, endless(), { bufferBytes: 1000 });
    } catch (caught) {
      error = caught;
    } finally {
      await handle.close();
    }
    expect((error as NodeJS.ErrnoException).code).toBe('EBADF');
    expect(produced).toBeLessThan(100);
  });

  it('syncs behind the writes: an fdatasync every syncBehindBytes, in the background, one at a time, all finished when it returns', async () => {
    const path = join(dir, 'behind');
    const handle = await open(path, 'wx');
    const syncedAt: number[] = [];
    let running = 0;
    let mostAtOnce = 0;
    // The real handle, watched: when each sync starts (how much is on disk) and how many run at once.
    const watched = {
      write: handle.write.bind(handle),
      datasync: async (): Promise<void> => {
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        syncedAt.push(fstatSync(handle.fd).size);
        try {
          await handle.datasync();
        } finally {
          running -= 1;
        }
      },
    } as unknown as FileHandle;
    try {
      await writeChunks(watched, Array.from({ length: 400 }, () => 'w'.repeat(250)), { bufferBytes: 1000, syncBehindBytes: 10_000 });
    } finally {
      await handle.close();
    }
    expect((await readFile(path, 'utf8')).length).toBe(100_000);
    expect(running).toBe(0);
    expect(mostAtOnce).toBe(1);
    // How many depends on how fast the disk syncs (none starts while one runs); never more often than every 10,000 bytes.
    expect(syncedAt.length).toBeGreaterThanOrEqual(1);
    expect(syncedAt.length).toBeLessThanOrEqual(9);
    syncedAt.forEach((size, index) => expect(size - (syncedAt[index - 1] ?? 0)).toBeGreaterThanOrEqual(10_000));
  });

  it('a background sync that fails fails the write: an I/O error it took would not reach the caller\'s fsync again', async () => {
    const path = join(dir, 'sync-fails');
    const handle = await open(path, 'wx');
    const failing = {
      write: handle.write.bind(handle),
      datasync: async (): Promise<void> => {
        throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
      },
    } as unknown as FileHandle;
    let error: unknown;
    try {
      await writeChunks(failing, Array.from({ length: 400 }, () => 'e'.repeat(250)), { bufferBytes: 1000, syncBehindBytes: 10_000 });
    } catch (caught) {
      error = caught;
    } finally {
      await handle.close();
    }
    expect((error as NodeJS.ErrnoException).code).toBe('EIO');
  });

  it('no sync behind a file smaller than syncBehindBytes', async () => {
    const path = join(dir, 'small');
    const handle = await open(path, 'wx');
    let syncs = 0;
    const watched = {
      write: handle.write.bind(handle),
      datasync: async (): Promise<void> => {
        syncs += 1;
        await handle.datasync();
      },
    } as unknown as FileHandle;
    try {
      await writeChunks(watched, Array.from({ length: 39 }, () => 'w'.repeat(250)), { bufferBytes: 1000, syncBehindBytes: 10_000 });
    } finally {
      await handle.close();
    }
    expect((await readFile(path)).length).toBe(9750);
    expect(syncs).toBe(0);
  });
});
