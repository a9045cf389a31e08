import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit/run-audit.js';
import { systemClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/load.js';
import { EXIT, HygieneError } from '../../src/errors.js';
import { acquireRunLock, RUN_LOCK_FILE } from '../../src/lock/run-lock.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { memoryLogger } from '../helpers/simulator.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'c1-run-lock-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** The pid of a process that has exited (and been reaped): certainly not running. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  const pid = child.pid as number;
  await new Promise((resolve) => child.once('exit', resolve));
  return pid;
}

async function lockedError(promise: Promise<unknown>): Promise<HygieneError> {
  const error = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(HygieneError);
  return error as HygieneError;
}

describe('run lock', () => {
  it('refuses a second holder while the first is alive, naming pid, host, command and since', async () => {
    const dir = await tempDir();
    // Held on behalf of a live process other than this one (our parent).
    const first = await acquireRunLock(dir, { command: 'schedule' }, { pid: process.ppid });
    const error = await lockedError(acquireRunLock(dir, { command: 'audit' }));
    expect(error.code).toBe('RUN_LOCKED');
    expect(error.exitCode).toBe(EXIT.auditFailed);
    expect(error.message).toContain(`pid ${process.ppid}`);
    expect(error.message).toContain(hostname());
    expect(error.message).toContain('"schedule"');
    expect(error.message).toContain(first.record.since);
    await first.release();
    const second = await acquireRunLock(dir, { command: 'audit' });
    expect(JSON.parse(await readFile(join(dir, RUN_LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, command: 'audit' });
    await second.release();
    expect(existsSync(join(dir, RUN_LOCK_FILE))).toBe(false);
  });

  it('takes over a lock whose holder on this host has died', async () => {
    const dir = await tempDir();
    const pid = await deadPid();
    await writeFile(join(dir, RUN_LOCK_FILE), JSON.stringify({ pid, host: hostname(), command: 'audit', since: '2026-01-01T00:00:00Z', token: 'x' }));
    const lock = await acquireRunLock(dir, { command: 'audit' });
    expect(lock.record.pid).toBe(process.pid);
    await lock.release();
  });

  it('takes over a malformed lock file, and never follows a symlink planted at the lock path', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, RUN_LOCK_FILE), '{"pid": 12');
    await (await acquireRunLock(dir, { command: 'audit' })).release();

    const victim = join(dir, 'victim.txt');
    await writeFile(victim, 'keep me');
    await symlink(victim, join(dir, RUN_LOCK_FILE));
    const lock = await acquireRunLock(dir, { command: 'audit' });
    expect(await readFile(victim, 'utf8')).toBe('keep me');
    await lock.release();
  });

  it('respects a fresh lock from another host and takes over one its holder stopped refreshing', async () => {
    const dir = await tempDir();
    const path = join(dir, RUN_LOCK_FILE);
    await writeFile(path, JSON.stringify({ pid: 1, host: 'other-pod', command: 'audit', since: '2026-01-01T00:00:00Z', token: 'x' }));
    const error = await lockedError(acquireRunLock(dir, { command: 'audit' }, { staleAfterMs: 60_000 }));
    expect(error.message).toContain('other-pod');
    const old = new Date(Date.now() - 120_000);
    await utimes(path, old, old);
    await (await acquireRunLock(dir, { command: 'audit' }, { staleAfterMs: 60_000 })).release();
  });

  it('lets exactly one of many concurrent runs take the lock', async () => {
    const dir = await tempDir();
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => acquireRunLock(dir, { command: `run ${i}` }, { pid: process.ppid, hostname: 'h' })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });
});

describe('audit under the run lock', () => {
  let sim: Simulator | undefined;
  let smtp: SmtpSink | undefined;
  afterEach(async () => {
    await sim?.close();
    await smtp?.close();
  });

  it('a second audit exits 3 at once: nothing fetched, written or sent, and the message names the holder', async () => {
    const dir = await tempDir();
    sim = await startSimulator({
      personalClients: [{ id: 'k1', clientId: 'c1@acme.conductor.one/pcc', displayName: 'no expiry', createdAt: '2026-01-01T00:00:00Z' }],
    });
    smtp = await startSmtpSink();
    const config = await loadConfig({
      configPath: null,
      cwd: dir,
      env: {
        C1_CLIENT_ID: sim.credential.clientId,
        C1_CLIENT_SECRET: sim.credential.clientSecret,
        C1_API_URL: sim.url,
        REPORT_DIR: join(dir, 'reports'),
        STATE_DIR: join(dir, 'state'),
        SMTP_URL: smtp.url(),
        ALERT_EMAIL_TO: 'secops@example.com',
        ALERT_EMAIL_FROM: 'hygiene@example.com',
      },
    });
    const holder = await acquireRunLock(config.state.dir, { command: 'schedule' }, { pid: process.ppid });
    const { logger } = memoryLogger();
    const printed: string[] = [];
    const outcome = await runAudit({ config, asOf: null, dryRun: false, failOn: null }, { logger, clock: systemClock, print: (t) => printed.push(t) });
    expect(outcome.exitCode).toBe(EXIT.auditFailed);
    expect(outcome.error?.message).toContain(`pid ${process.ppid}`);
    expect(sim.requests).toHaveLength(0);
    expect(smtp.received).toHaveLength(0);
    expect(existsSync(join(dir, 'reports'))).toBe(false);
    expect(await readdir(config.state.dir)).toEqual([RUN_LOCK_FILE]);
    expect(printed).toEqual([]);

    // Once released, the same audit runs, mails and leaves no lock behind.
    await holder.release();
    const second = await runAudit({ config, asOf: null, dryRun: false, failOn: null }, { logger, clock: systemClock, print: () => undefined });
    expect(second.exitCode).toBe(EXIT.ok);
    expect(smtp.received).toHaveLength(1);
    expect(await readdir(config.state.dir)).not.toContain(RUN_LOCK_FILE);
  });
});
