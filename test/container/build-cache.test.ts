import { mkdtemp, readdir, readFile, rm, writeFile, mkdir, symlink, readlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildCacheKey, buildRuntime, readContextFiles, restoreOrBuild, writeContextFiles, type ContextFile } from './build-cache.js';
import { listBuildContext } from './build-context.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const RUNTIME = 'node v20.18.0 linux-x64';
const file = (path: string, text: string): ContextFile => ({ path, bytes: Buffer.from(text, 'utf8') });

describe('buildCacheKey', () => {
  const base = [file('package-lock.json', '{"lockfileVersion":3}'), file('src/cli.ts', 'main();\n'), file('scripts/container-build.sh', 'npm ci\n')];

  it('is the same for the same files in any order, and a 64-digit hex name', () => {
    const key = buildCacheKey(base, RUNTIME);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(buildCacheKey([...base].reverse(), RUNTIME)).toBe(key);
  });

  it('changes with any byte of any file, a rename, an added or removed file, and the runtime', () => {
    const key = buildCacheKey(base, RUNTIME);
    const variants: ContextFile[][] = [
      [base[0]!, file('src/cli.ts', 'main();\n\n'), base[2]!],
      [file('package-lock.json', '{"lockfileVersion":2}'), base[1]!, base[2]!],
      [base[0]!, file('src/main.ts', 'main();\n'), base[2]!],
      [...base, file('src/extra.ts', '')],
      base.slice(0, 2),
    ];
    for (const variant of variants) expect(buildCacheKey(variant, RUNTIME)).not.toBe(key);
    expect(buildCacheKey(base, 'node v22.0.0 linux-x64')).not.toBe(key);
  });

  it('keeps path and content apart: file "ab" holding "c" is not file "a" holding "bc"', () => {
    expect(buildCacheKey([file('ab', 'c')], RUNTIME)).not.toBe(buildCacheKey([file('a', 'bc')], RUNTIME));
    expect(buildCacheKey([file('a', ''), file('b', 'x')], RUNTIME)).not.toBe(buildCacheKey([file('a', 'x'), file('b', '')], RUNTIME));
  });

  it('property: two contexts get the same key exactly when they hold the same files', () => {
    const context = fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.uint8Array({ maxLength: 16 }), { maxKeys: 5 });
    const asFiles = (entries: Record<string, Uint8Array>): ContextFile[] => Object.entries(entries).map(([path, bytes]) => ({ path, bytes }));
    const same = (a: Record<string, Uint8Array>, b: Record<string, Uint8Array>): boolean =>
      Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([path, bytes]) => b[path] !== undefined && Buffer.from(bytes).equals(Buffer.from(b[path]!)));
    fc.assert(
      fc.property(context, context, (a, b) => {
        expect(buildCacheKey(asFiles(a), RUNTIME) === buildCacheKey(asFiles(b), RUNTIME)).toBe(same(a, b));
      }),
    );
  });
});

describe('the build cache key of this repository', () => {
  let copy: string;
  beforeEach(async () => {
    copy = await mkdtemp(join(tmpdir(), 'c1-build-key-'));
  });
  afterEach(async () => {
    await rm(copy, { recursive: true, force: true });
  });

  it('covers the lockfile, the sources and the build script, and changes when a source changes', async () => {
    const paths = await listBuildContext(repoRoot);
    expect(paths).toEqual(expect.arrayContaining(['package-lock.json', 'package.json', 'tsconfig.build.json', 'src/cli.ts', 'scripts/container-build.sh']));
    expect(paths.some((path) => path.startsWith('test/') || path.startsWith('node_modules/') || path.startsWith('dist/'))).toBe(false);

    const files = await readContextFiles(repoRoot, paths);
    await writeContextFiles(copy, files);
    await writeFile(join(copy, '.dockerignore'), await readFile(join(repoRoot, '.dockerignore')));
    const key = buildCacheKey(await readContextFiles(copy, await listBuildContext(copy)), buildRuntime());
    expect(key).toBe(buildCacheKey(files, buildRuntime()));

    // A test file is not in the context: editing one keeps the build.
    await mkdir(join(copy, 'test'), { recursive: true });
    await writeFile(join(copy, 'test', 'new.test.ts'), 'export {};\n');
    expect(buildCacheKey(await readContextFiles(copy, await listBuildContext(copy)), buildRuntime())).toBe(key);

    for (const changed of ['src/cli.ts', 'package-lock.json']) {
      const original = await readFile(join(copy, changed));
      await writeFile(join(copy, changed), Buffer.concat([original, Buffer.from('\n')]));
      expect(buildCacheKey(await readContextFiles(copy, await listBuildContext(copy)), buildRuntime()), changed).not.toBe(key);
      await writeFile(join(copy, changed), original);
    }
  });
});

describe('restoreOrBuild', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'c1-build-cache-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const keyA = 'a'.repeat(64);
  const keyB = 'b'.repeat(64);
  /** A stand-in for the build script: writes a file naming the build, and a relative symlink like node_modules/.bin's. */
  function counter(): { builds: number; build: (into: string) => Promise<void> } {
    const state = {
      builds: 0,
      build: async (into: string) => {
        state.builds += 1;
        await mkdir(join(into, 'dist'), { recursive: true });
        await writeFile(join(into, 'dist', 'cli.js'), `build ${state.builds}\n`);
        await symlink('../dist/cli.js', join(into, 'dist', 'link.js'));
      },
    };
    return state;
  }

  it('builds on a miss, then copies the stored build without building again', async () => {
    const cache = join(root, 'cache');
    const builder = counter();
    expect(await restoreOrBuild({ cacheRoot: cache, key: keyA, build: builder.build, dest: join(root, 'run1') })).toBe('miss');
    // A run's copy is its own: changing it leaves the stored build alone.
    await writeFile(join(root, 'run1', 'dist', 'cli.js'), 'changed by a test\n');
    expect(await restoreOrBuild({ cacheRoot: cache, key: keyA, build: builder.build, dest: join(root, 'run2') })).toBe('hit');
    expect(builder.builds).toBe(1);
    expect(await readFile(join(root, 'run2', 'dist', 'cli.js'), 'utf8')).toBe('build 1\n');
    expect(await readlink(join(root, 'run2', 'dist', 'link.js'))).toBe('../dist/cli.js');
  });

  it('builds again for another key and keeps only the newest build', async () => {
    const cache = join(root, 'cache');
    const builder = counter();
    await restoreOrBuild({ cacheRoot: cache, key: keyA, build: builder.build, dest: join(root, 'run1') });
    expect(await restoreOrBuild({ cacheRoot: cache, key: keyB, build: builder.build, dest: join(root, 'run2') })).toBe('miss');
    expect(builder.builds).toBe(2);
    expect(await readFile(join(root, 'run2', 'dist', 'cli.js'), 'utf8')).toBe('build 2\n');
    expect(await readdir(cache)).toEqual([keyB]);
  });

  it('stores nothing when the build fails, and says why', async () => {
    const cache = join(root, 'cache');
    const failing = async (into: string): Promise<void> => {
      await mkdir(into, { recursive: true });
      await writeFile(join(into, 'half.js'), '');
      throw new Error('tsc failed');
    };
    await expect(restoreOrBuild({ cacheRoot: cache, key: keyA, build: failing, dest: join(root, 'run') })).rejects.toThrow('tsc failed');
    expect(await readdir(cache)).toEqual([]);
    const builder = counter();
    expect(await restoreOrBuild({ cacheRoot: cache, key: keyA, build: builder.build, dest: join(root, 'run') })).toBe('miss');
  });

  it('lets two runs build the same key at once; both get a whole build', async () => {
    const cache = join(root, 'cache');
    const builder = counter();
    const results = await Promise.all([
      restoreOrBuild({ cacheRoot: cache, key: keyA, build: builder.build, dest: join(root, 'run1') }),
      restoreOrBuild({ cacheRoot: cache, key: keyA, build: builder.build, dest: join(root, 'run2') }),
    ]);
    expect(results).toEqual(['miss', 'miss']);
    expect(await readdir(cache)).toEqual([keyA]);
    expect(await readFile(join(root, 'run1', 'dist', 'cli.js'), 'utf8')).toMatch(/^build [12]\n$/);
    expect(await readFile(join(root, 'run2', 'dist', 'cli.js'), 'utf8')).toMatch(/^build [12]\n$/);
  });

  it('refuses a key that is not a hash, so nothing outside the cache is touched', async () => {
    const builder = counter();
    await expect(restoreOrBuild({ cacheRoot: join(root, 'cache'), key: '../escape', build: builder.build, dest: join(root, 'run') })).rejects.toThrow(
      'not a build cache key',
    );
    expect(builder.builds).toBe(0);
  });
});
