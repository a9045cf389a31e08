import { createHash, randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * The container replay's build, kept between test runs. Building the image's
 * app (`npm ci`, `tsc`, `npm prune`) takes most of a minute, and its output
 * depends only on the build context (package-lock.json, the sources, the build
 * script, the shipped config files) and on the Node that runs the build; so a
 * build is stored under a hash of exactly those, and a run whose hash is
 * already stored copies that build instead of making it again. Any changed,
 * added, removed or renamed file in the context gives another hash, hence a
 * fresh build. An empty cache (a clean clone, as in CI) simply builds.
 */

/** One file of the build context: its relative path and its bytes. */
export interface ContextFile {
  path: string;
  bytes: Uint8Array;
}

/** A context file as read from disk, with its permission bits (Docker's COPY keeps them). */
export interface ReadContextFile extends ContextFile {
  mode: number;
}

/** Besides the context, what decides the build's output: the Node (with its npm) and the platform it runs on. */
export function buildRuntime(): string {
  return `node ${process.version} ${process.platform}-${process.arch}`;
}

/**
 * The cache key of a build: SHA-256 over the runtime and every file's path
 * and bytes, in path order. Each field is length-prefixed, so no two
 * different contexts give the same stream (a file `ab` holding `c` is not a
 * file `a` holding `bc`).
 */
export function buildCacheKey(files: readonly ContextFile[], runtime: string): string {
  const hash = createHash('sha256');
  const field = (data: string | Uint8Array): void => {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    hash.update(`${bytes.length}:`);
    hash.update(bytes);
  };
  field(runtime);
  const ordered = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const file of ordered) {
    field(file.path);
    field(file.bytes);
  }
  return hash.digest('hex');
}

/**
 * Reads the listed files of the context under `root`, once: the build is made
 * from these very bytes, so a file edited while the tests run can never be
 * stored under the key of its old content.
 */
export async function readContextFiles(root: string, paths: readonly string[]): Promise<ReadContextFile[]> {
  return Promise.all(
    paths.map(async (path) => {
      const [bytes, info] = await Promise.all([readFile(join(root, path)), stat(join(root, path))]);
      return { path, bytes, mode: info.mode & 0o777 };
    }),
  );
}

/** Writes the context files under `dest`, as `docker build` receives them. */
export async function writeContextFiles(dest: string, files: readonly ReadContextFile[]): Promise<void> {
  for (const file of files) {
    const target = join(dest, file.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.bytes, { mode: file.mode });
  }
}

const KEY_NAME = /^[0-9a-f]{64}$/;
const PARTIAL_PREFIX = '.partial-';
/** A partial build older than this was left by a killed run. */
const STALE_PARTIAL_MS = 60 * 60 * 1000;

export interface CachedBuildOptions {
  /** Where finished builds are kept, one directory per key. */
  cacheRoot: string;
  key: string;
  /** Fills the given (not yet existing) directory with a fresh build; called only when the key is not stored. */
  build: (into: string) => Promise<void>;
  /** Where this run's own copy of the build goes; the caller may change it freely (the stored build is never handed out). */
  dest: string;
}

/**
 * Copies the stored build for `key` to `dest`, building and storing it first
 * when it is missing. A build is stored by renaming a finished directory into
 * place, so a half-made build is never taken for a stored one, and two runs
 * building the same key at once both succeed (the second keeps the first's).
 * Storing a build removes the builds of other keys: only the newest is worth
 * keeping, and each holds a full production node_modules.
 */
export async function restoreOrBuild(options: CachedBuildOptions): Promise<'hit' | 'miss'> {
  const { cacheRoot, key } = options;
  if (!KEY_NAME.test(key)) throw new Error(`not a build cache key: ${JSON.stringify(key)}`);
  const stored = join(cacheRoot, key);
  let outcome: 'hit' | 'miss' = 'hit';
  if (!(await isDirectory(stored))) {
    outcome = 'miss';
    await mkdir(cacheRoot, { recursive: true });
    const partial = join(cacheRoot, `${PARTIAL_PREFIX}${key}-${process.pid}-${randomUUID()}`);
    try {
      await options.build(partial);
      await rename(partial, stored).catch(async (err: NodeJS.ErrnoException) => {
        // Another run stored the same key meanwhile: same inputs, same build; keep theirs.
        if ((err.code === 'ENOTEMPTY' || err.code === 'EEXIST') && (await isDirectory(stored))) return;
        throw err;
      });
    } finally {
      await rm(partial, { recursive: true, force: true });
    }
    await removeOtherBuilds(cacheRoot, key);
  }
  await copyTree(stored, options.dest);
  return outcome;
}

async function removeOtherBuilds(cacheRoot: string, keep: string): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(cacheRoot)) {
    const path = join(cacheRoot, name);
    if (KEY_NAME.test(name) && name !== keep) {
      await rm(path, { recursive: true, force: true });
    } else if (name.startsWith(PARTIAL_PREFIX)) {
      const info = await stat(path).catch(() => null);
      if (info && now - info.mtimeMs > STALE_PARTIAL_MS) await rm(path, { recursive: true, force: true });
    }
  }
}

/**
 * `cp -a`: symlinks (node_modules/.bin) stay as npm made them, modes are kept,
 * and it copies a production node_modules several times faster than `fs.cp`.
 */
async function copyTree(from: string, to: string): Promise<void> {
  await execFileAsync('cp', ['-a', from, to]);
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}
