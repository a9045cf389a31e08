import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const PRELOAD = fileURLToPath(new URL('../../dist/bench/peak-rss.js', import.meta.url));
const MIB = 1024 * 1024;

let dir: string | null = null;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = null;
});

describe('the benchmark child peak-RSS preload', () => {
  it("reports the child's own peak, not the resident set of the large process that started it", async () => {
    dir = await mkdtemp(join(tmpdir(), 'c1-hygiene-peak-rss-'));
    const file = join(dir, 'rss');
    // Resident in this process when the child is forked: getrusage's maxRSS would count it for the child.
    const held = Buffer.alloc(256 * MIB, 1);
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', PRELOAD, '-e', 'Buffer.alloc(32 * 1024 * 1024, 1)'], {
        env: { PATH: process.env.PATH ?? '', BENCH_PEAK_RSS_FILE: file },
        stdio: 'ignore',
      });
      child.on('error', reject);
      child.on('close', resolve);
    });
    expect(code).toBe(0);
    const peak = Number(await readFile(file, 'utf8'));
    // At least the 32 MiB the child filled itself, far below what this process held.
    expect(peak).toBeGreaterThan(32 * MIB);
    expect(peak).toBeLessThan(held.length / 2);
  });
});
