/**
 * Replays the Docker image outside Docker (no engine runs on CI machines):
 * the build context as `.dockerignore` shapes it, the build stage's shared
 * script, and the runtime stage's settings read from the Dockerfile itself:
 * its ENV, its volumes as the only writable places, the code read-only, an
 * unprivileged user, its ENTRYPOINT. As root (CI) the app runs as `nobody`
 * through setpriv; as another user it runs as that user, with the code
 * still made read-only.
 *
 * The build (npm ci + tsc + prune) is slow, so it is cached on a hash of
 * its inputs (./build-cache.ts): the first run after a change builds, the
 * next ones copy the stored build. The one test that proves the image works.
 */
import { spawn } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { buildCacheKey, buildRuntime, readContextFiles, restoreOrBuild, writeContextFiles } from './build-cache.js';
import { listBuildContext } from './build-context.js';
import { readDockerfile, type ParsedDockerfile } from './dockerfile.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const BUILD_SCRIPT = 'scripts/container-build.sh';
const IMAGE_APP_DIR = '/app';
const isRoot = process.getuid?.() === 0;
/** `nobody`: an unprivileged user present on any Debian-like system. */
const UNPRIVILEGED = { uid: 65534, gid: 65534 };
const BUILD_TIMEOUT_MS = 540_000;
/** Finished builds, kept between runs; `npm ci` empties it with the rest of node_modules. */
const BUILD_CACHE_DIR = join(repoRoot, 'node_modules', '.cache', 'c1-hygiene-container-replay');

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

let work: string;
let appDir: string;
let dockerfile: ParsedDockerfile;
let simulator: Simulator;
let appBefore: Map<string, string>;

beforeAll(async () => {
  dockerfile = await readDockerfile(join(repoRoot, 'Dockerfile'));
  work = await mkdtemp(join(tmpdir(), 'c1-replay-'));
  // mkdtemp makes the directory private to its owner; the unprivileged user must reach into it.
  await chmod(work, 0o755);

  appDir = join(work, 'app');
  // The build is cached on a hash of the context (lockfile, sources, build
  // script) and the Node running it; a miss (a clean clone, a changed file) builds.
  const contextFiles = await readContextFiles(repoRoot, await listBuildContext(repoRoot));
  const key = buildCacheKey(contextFiles, buildRuntime());
  await restoreOrBuild({
    cacheRoot: BUILD_CACHE_DIR,
    key,
    dest: appDir,
    build: async (into) => {
      const context = join(work, 'context');
      await writeContextFiles(context, contextFiles);
      const buildEnv: NodeJS.ProcessEnv = { ...process.env, npm_config_prefer_offline: 'true' };
      // The build stage of node images has no NODE_ENV; a test runner's value must not change what npm installs.
      delete buildEnv.NODE_ENV;
      const build = await runProcess('sh', [join(context, BUILD_SCRIPT), context, into], {
        cwd: context,
        env: buildEnv,
        timeoutMs: BUILD_TIMEOUT_MS,
      });
      if (build.code !== 0) throw new Error(`${BUILD_SCRIPT} failed (${build.code}):\n${tail(build.stdout + build.stderr)}`);
    },
  });

  // The runtime stage: code owned by the builder (root in the image) and not writable by anyone.
  const readOnly = await runProcess('chmod', ['-R', 'a-w', appDir], { cwd: work, env: process.env, timeoutMs: 60_000 });
  expect(readOnly.code).toBe(0);
  appBefore = await snapshot(appDir);

  simulator = await startSimulator({
    personalClients: [
      {
        id: 'pc-wide-open',
        clientId: 'ci-bot@acme.conductor.one/pcc',
        displayName: 'CI bot',
        userId: 'sim-user-1',
        createdAt: '2026-01-05T10:00:00Z',
        lastUsedAt: '2026-11-20T08:00:00Z',
        allowSourceCidr: ['0.0.0.0/0'],
        scopedRoles: [],
      },
      {
        id: 'pc-tidy',
        clientId: 'reporting@acme.conductor.one/pcc',
        displayName: 'Reporting',
        userId: 'sim-user-1',
        createdAt: '2026-10-01T10:00:00Z',
        expiresTime: '2027-03-01T00:00:00Z',
        lastUsedAt: '2026-11-25T08:00:00Z',
        allowSourceCidr: ['10.20.0.0/24'],
        scopedRoles: ['role-readonly-admin'],
      },
    ],
  });
}, BUILD_TIMEOUT_MS + 60_000);

afterAll(async () => {
  await simulator?.close();
  if (work) {
    // Only root may delete from the read-only tree; give the write bit back first.
    if (appDir) await runProcess('chmod', ['-R', 'u+w', appDir], { cwd: work, env: process.env, timeoutMs: 60_000 });
    await rm(work, { recursive: true, force: true });
  }
});

/** Fresh writable directories standing in for the image's volumes, owned by the user the app runs as. */
async function volumes(name: string): Promise<Map<string, string>> {
  const mapped = new Map<string, string>();
  for (const volume of dockerfile.runtime.volumes) {
    const dir = join(work, `${name}${volume.replace(/\//g, '-')}`);
    await mkdir(dir, { recursive: true });
    if (isRoot) await chown(dir, UNPRIVILEGED.uid, UNPRIVILEGED.gid);
    mapped.set(volume, dir);
  }
  return mapped;
}

/** The container's environment: the Dockerfile's ENV (volume paths mapped), plus what `docker run -e` would add. */
function runtimeEnv(volumeDirs: Map<string, string>, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: '/nonexistent' };
  for (const [key, value] of Object.entries(dockerfile.runtime.env)) env[key] = volumeDirs.get(value) ?? value;
  return {
    ...env,
    C1_CLIENT_ID: simulator.credential.clientId,
    C1_CLIENT_SECRET: simulator.credential.clientSecret,
    C1_API_URL: simulator.url,
    LOG_LEVEL: 'info',
    ...extra,
  };
}

/** ENTRYPOINT + args, with /app mapped to the replayed app and `node` to this Node binary, as the unprivileged user. */
function runtimeCommand(args: string[]): [string, string[]] {
  const [program, ...entryArgs] = dockerfile.runtime.entrypoint.map((word) =>
    word === IMAGE_APP_DIR || word.startsWith(`${IMAGE_APP_DIR}/`) ? appDir + word.slice(IMAGE_APP_DIR.length) : word,
  );
  const node = program === 'node' ? process.execPath : program!;
  const command = [node, ...entryArgs, ...args];
  if (!isRoot) return [command[0]!, command.slice(1)];
  return ['setpriv', [`--reuid=${UNPRIVILEGED.uid}`, `--regid=${UNPRIVILEGED.gid}`, '--clear-groups', '--', ...command]];
}

describe('the container image, replayed', () => {
  it('declares what the replay relies on: the shared build script, an unprivileged user, the entrypoint and volumes', () => {
    expect(dockerfile.runs.some((run) => run.includes(BUILD_SCRIPT))).toBe(true);
    expect(dockerfile.runtime.user).toBe('node');
    expect(dockerfile.runtime.workdir).toBe(IMAGE_APP_DIR);
    expect(dockerfile.runtime.entrypoint).toEqual(['node', `${IMAGE_APP_DIR}/dist/cli.js`]);
    expect(dockerfile.runtime.cmd).toEqual(['schedule']);
    expect(dockerfile.runtime.env).toMatchObject({ NODE_ENV: 'production', REPORT_DIR: '/reports', STATE_DIR: '/state' });
    expect([...dockerfile.runtime.volumes].sort()).toEqual(['/reports', '/state']);
  });

  it('ships only the compiled app with production dependencies, and no real config', async () => {
    expect((await readdir(appDir)).sort()).toEqual(['config', 'dist', 'node_modules', 'package-lock.json', 'package.json']);
    const modules = await readdir(join(appDir, 'node_modules'));
    expect(modules).toEqual(expect.arrayContaining(['pino', 'node-cron', 'zod']));
    for (const devOnly of ['typescript', 'vitest', 'eslint', 'mailparser']) expect(modules).not.toContain(devOnly);
    const config = await readdir(join(appDir, 'config'));
    expect(config).not.toContain('config.json');
    await expect(stat(join(appDir, 'dist', 'cli.js'))).resolves.toBeTruthy();
  });

  it('runs `audit` as an unprivileged user with read-only code, writing the report only to the reports volume', async () => {
    const dirs = await volumes('audit');
    const reportDir = dirs.get('/reports')!;
    const [command, args] = runtimeCommand(['audit']);
    const result = await runProcess(command, args, { cwd: appDir, env: runtimeEnv(dirs, {}), timeoutMs: 60_000 });

    expect(result.code, tail(result.stderr)).toBe(0);
    const written = await readdir(reportDir);
    expect(written).toContain('latest.json');
    expect(written.some((name) => /^report-.+\.json$/.test(name))).toBe(true);
    const report = JSON.parse(await readFile(join(reportDir, 'latest.json'), 'utf8')) as {
      summary: { clientsScanned: number; findings: number };
    };
    expect(report.summary.clientsScanned).toBe(2);
    expect(report.summary.findings).toBeGreaterThan(0);
    if (isRoot) expect((await stat(join(reportDir, 'latest.json'))).uid).toBe(UNPRIVILEGED.uid);

    const secretPayload = simulator.credential.clientSecret.split(':').at(-1)!;
    const everything = result.stdout + result.stderr + (await readFile(join(reportDir, 'latest.json'), 'utf8'));
    expect(everything).not.toContain(secretPayload);
    expect(await snapshot(appDir)).toEqual(appBefore);
  });

  it('runs `schedule` with a seconds-level AUDIT_CRON, audits, and exits 0 on SIGTERM', async () => {
    const dirs = await volumes('schedule');
    const reportDir = dirs.get('/reports')!;
    const [command, args] = runtimeCommand(['schedule']);
    const child = startProcess(command, args, {
      cwd: appDir,
      env: runtimeEnv(dirs, { AUDIT_CRON: '*/1 * * * * *', AUDIT_TIMEZONE: 'UTC' }),
    });
    try {
      await waitUntil('a scheduled report', async () => (await readdir(reportDir)).includes('latest.json'), 20_000, child);
      child.process.kill('SIGTERM');
      const result = await child.finished;
      expect(result.code, tail(result.stderr)).toBe(0);
      const logs = result.stderr
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { msg: string });
      expect(logs.some((line) => line.msg === 'schedule started')).toBe(true);
      expect(logs.some((line) => line.msg === 'audit finished')).toBe(true);
    } finally {
      if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    }
    expect(await snapshot(appDir)).toEqual(appBefore);
  });
});

/** Path → size, mode and mtime of every entry: any write into the tree changes it. */
async function snapshot(root: string): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  for (const relative of await readdir(root, { recursive: true })) {
    const info = await stat(join(root, relative));
    entries.set(relative, `${info.size}:${info.mode.toString(8)}:${info.mtimeMs}`);
  }
  return entries;
}

function startProcess(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): { process: ReturnType<typeof spawn>; finished: Promise<Finished>; output: () => string } {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const finished = new Promise<Finished>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { process: child, finished, output: () => stdout + stderr };
}

async function runProcess(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<Finished> {
  const child = startProcess(command, args, options);
  const timer = setTimeout(() => child.process.kill('SIGKILL'), options.timeoutMs);
  try {
    return await child.finished;
  } finally {
    clearTimeout(timer);
  }
}

async function waitUntil(
  what: string,
  condition: () => Promise<boolean>,
  timeoutMs: number,
  child: ReturnType<typeof startProcess>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (child.process.exitCode !== null) throw new Error(`process exited (${child.process.exitCode}) before ${what}:\n${tail(child.output())}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${tail(child.output())}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function tail(text: string, lines = 40): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
