import { spawn } from 'node:child_process';
import { lstat, mkdtemp, readdir, readFile, readlink, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeStaleTempFiles, replaceWithLinkAtomic, writeFileAtomic } from '../../src/fs/atomic-write.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'c1-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HOST_TAG = hostname().replace(/[^A-Za-z0-9-]/g, '_').slice(0, 64) || 'host';
const DIST_WRITER = new URL('../../dist/fs/atomic-write.js', import.meta.url).pathname;

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  const pid = child.pid as number;
  await new Promise((resolve) => child.once('exit', resolve));
  return pid;
}

describe('writeFileAtomic and planted links', () => {
  it('replaces a symlink at the target with a regular file and never writes or chmods the link target', async () => {
    const victim = join(dir, 'victim');
    await writeFile(victim, 'precious', { mode: 0o644 });
    const target = join(dir, 'latest.json');
    await symlink(victim, target);
    await writeFileAtomic(target, '{"new":true}\n', { mode: 0o600 });
    expect((await lstat(target)).isSymbolicLink()).toBe(false);
    expect(await readFile(target, 'utf8')).toBe('{"new":true}\n');
    expect(await readFile(victim, 'utf8')).toBe('precious');
    expect((await lstat(victim)).mode & 0o777).toBe(0o644);
  });

  it('ignores a symlink planted at the old predictable temp name', async () => {
    const victim = join(dir, 'victim');
    await writeFile(victim, 'precious');
    const planted = join(dir, `.latest.json.${HOST_TAG}.${process.pid}.tmp`);
    await symlink(victim, planted);
    await writeFileAtomic(join(dir, 'latest.json'), 'new', { mode: 0o600 });
    expect(await readFile(victim, 'utf8')).toBe('precious');
    expect(await readlink(planted)).toBe(victim);
  });
});

describe('removeStaleTempFiles', () => {
  it('removes only our own temp files whose writer is dead or that are old, and nothing else', async () => {
    const dead = await deadPid();
    const name = (pid: number, hex: string): string => `.latest.json.${HOST_TAG}.${pid}.${hex}.tmp`;
    const deadWriters = name(dead, 'aaaaaaaaaaaa');
    const liveFresh = name(process.ppid, 'bbbbbbbbbbbb');
    const liveOld = name(process.ppid, 'cccccccccccc');
    const otherHostFresh = `.latest.json.other-host.${dead}.dddddddddddd.tmp`;
    for (const file of [deadWriters, liveFresh, liveOld, otherHostFresh, 'notes.tmp', '.latest.json.tmp', 'latest.json']) {
      await writeFile(join(dir, file), 'x');
    }
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(join(dir, liveOld), old, old);
    const linkName = name(dead, 'eeeeeeeeeeee');
    await symlink(join(dir, 'latest.json'), join(dir, linkName));

    const removed = await removeStaleTempFiles(dir);

    expect(removed.sort()).toEqual([deadWriters, liveOld].sort());
    expect((await readdir(dir)).sort()).toEqual(['.latest.json.tmp', linkName, liveFresh, otherHostFresh, 'latest.json', 'notes.tmp'].sort());
  });

  it('runs before each write, so a killed run leaves nothing behind for long', async () => {
    const leftover = `.state.json.${HOST_TAG}.${await deadPid()}.0123456789ab.tmp`;
    await writeFile(join(dir, leftover), 'half');
    await writeFileAtomic(join(dir, 'state.json'), '{}', { mode: 0o600 });
    expect(await readdir(dir)).toEqual(['state.json']);
  });
});

/**
 * The property itself, against real crashes: a child process rewrites one
 * file over and over with complete documents of alternating size, and is
 * SIGKILLed at random moments; meanwhile this process reads the file as fast
 * as it can. Every read, during and after each crash, must be one whole
 * document, and the file must always exist.
 */
describe('crash safety (child killed at random points)', () => {
  const CHILD = `
    import { writeFileAtomic } from ${JSON.stringify(DIST_WRITER)};
    const target = process.argv[1];
    for (let i = 0; ; i++) {
      const size = i % 2 === 0 ? 300_000 : 40_000;
      const body = JSON.stringify({ i, pad: 'x'.repeat(size) });
      await writeFileAtomic(target, body + '\\n', { mode: 0o600 });
      if (i === 0) process.stdout.write('ready\\n');
    }
  `;

  function isWholeDocument(text: string): boolean {
    if (!text.endsWith('\n')) return false;
    try {
      const doc = JSON.parse(text) as { i: number; pad: string };
      return doc.pad.length === (doc.i % 2 === 0 ? 300_000 : 40_000);
    } catch {
      return false;
    }
  }

  // Write once, link latest: each round writes a dated file, links latest.json to it, and drops the previous dated file (retention).
  const LINK_CHILD = `
    import { unlink } from 'node:fs/promises';
    import { join, dirname } from 'node:path';
    import { replaceWithLinkAtomic, writeFileAtomic } from ${JSON.stringify(DIST_WRITER)};
    const target = process.argv[1];
    let previous = null;
    for (let i = 0; ; i++) {
      const size = i % 2 === 0 ? 300_000 : 40_000;
      const dated = join(dirname(target), 'report-' + process.pid + '-' + i + '.json');
      await writeFileAtomic(dated, JSON.stringify({ i, pad: 'x'.repeat(size) }) + '\\n', { mode: 0o640 });
      await replaceWithLinkAtomic(dated, target, { mode: 0o640 });
      if (previous) await unlink(previous);
      previous = dated;
      if (i === 0) process.stdout.write('ready\\n');
    }
  `;

  for (const [name, child] of [
    ['writeFileAtomic', CHILD],
    ['a dated file, then replaceWithLinkAtomic', LINK_CHILD],
  ] as const) {
    it(`a reader never sees a partial file and the old file survives every kill (${name})`, async () => {
      await killRepeatedly(child);
    });
  }

  async function killRepeatedly(CHILD: string): Promise<void> {
    const target = join(dir, 'latest.json');
    await writeFile(target, `${JSON.stringify({ i: 0, pad: 'x'.repeat(300_000) })}\n`);
    const partial: string[] = [];
    let reads = 0;
    for (let kill = 0; kill < 8; kill += 1) {
      const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, target], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      const deadline = Date.now() + 20 + Math.floor(Math.random() * 120);
      while (Date.now() < deadline) {
        const text = await readFile(target, 'utf8');
        reads += 1;
        if (!isWholeDocument(text)) partial.push(text.slice(0, 40));
      }
      child.kill('SIGKILL');
      await exited;
      const after = await readFile(target, 'utf8');
      if (!isWholeDocument(after)) partial.push(after.slice(0, 40));
    }
    expect(reads).toBeGreaterThan(8);
    expect(partial).toEqual([]);
    // The killed writers' temp files are cleaned up by the next write.
    await writeFileAtomic(target, 'final\n', { mode: 0o600 });
    // Nothing but latest.json and, for the linking writer, the dated file of its last round.
    expect((await readdir(dir)).filter((name) => !name.startsWith('report-'))).toEqual(['latest.json']);
    expect(await readFile(target, 'utf8')).toBe('final\n');
  }
});

describe('replaceWithLinkAtomic', () => {
  it('replaces a symlink at the target with a link to the source and never touches the link target', async () => {
    const victim = join(dir, 'victim');
    await writeFile(victim, 'precious', { mode: 0o644 });
    const source = join(dir, 'report.json');
    await writeFile(source, 'new\n', { mode: 0o640 });
    const target = join(dir, 'latest.json');
    await symlink(victim, target);

    expect(await replaceWithLinkAtomic(source, target, { mode: 0o640 })).toBe('link');

    expect((await lstat(target)).isSymbolicLink()).toBe(false);
    expect((await lstat(target)).ino).toBe((await lstat(source)).ino);
    expect(await readFile(victim, 'utf8')).toBe('precious');
    expect((await lstat(victim)).mode & 0o777).toBe(0o644);
  });

  it('copies when the link fails with EXDEV, with the given mode, leaving no temp file', async () => {
    const source = join(dir, 'report.json');
    await writeFile(source, 'data\n', { mode: 0o600 });
    const target = join(dir, 'latest.json');
    const exdev = async (): Promise<void> => {
      throw Object.assign(new Error('EXDEV'), { code: 'EXDEV' });
    };

    expect(await replaceWithLinkAtomic(source, target, { mode: 0o640, link: exdev })).toBe('copy');

    expect(await readFile(target, 'utf8')).toBe('data\n');
    expect((await lstat(target)).ino).not.toBe((await lstat(source)).ino);
    expect((await lstat(target)).mode & 0o777).toBe(0o640);
    expect((await readdir(dir)).sort()).toEqual(['latest.json', 'report.json']);
  });

  it('fails on a missing source and leaves the target as it was', async () => {
    const target = join(dir, 'latest.json');
    await writeFile(target, 'old');
    await expect(replaceWithLinkAtomic(join(dir, 'gone.json'), target, { mode: 0o640 })).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readFile(target, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['latest.json']);
  });
});
