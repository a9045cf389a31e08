import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, mkdir, open, stat, unlink, utimes, type FileHandle } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { HygieneError } from '../errors.js';
import { errorCode, errorMessage, pidExists } from '../fs/atomic-write.js';
import { toSafeLine } from '../report/sanitize.js';

/**
 * One run at a time per state directory: `audit`, each `schedule` tick and
 * `remediate --apply` hold this lock while they work, so two of them can
 * never both read the same state, both send the same digest, or both delete.
 *
 * The lock is a file, `<state dir>/run.lock`, published with an exclusive
 * hard link from a complete temp file: creation either succeeds for exactly
 * one process or fails with EEXIST, on every local filesystem and on NFSv3+. It holds the holder's
 * pid, host, command and start time, so the refusal can say who holds it.
 * (A library such as proper-lockfile judges staleness only by mtime; here the
 * holder's pid is checked too, which on the same host answers "is it alive?"
 * exactly, with no timing guess and no new dependency.)
 *
 * A lock is taken over when it is stale:
 * - its holder ran on this host and that pid no longer exists (killed, crashed);
 * - its content is not a lock record (a half-written or foreign file);
 * - its holder ran on another host (another container on a shared volume) and
 *   it has not been refreshed for `staleAfterMs`: the holder touches the file
 *   every `heartbeatMs` while it runs, so only a dead holder stops doing that.
 * Takeover goes through a second exclusive file, so two processes finding the
 * same stale lock cannot both take it.
 */

export const RUN_LOCK_FILE = 'run.lock';
const TAKEOVER_SUFFIX = '.takeover';
/** A lock record is a few hundred bytes; anything far larger is not one. */
const MAX_LOCK_FILE_BYTES = 64 * 1024;
const LOCK_FILE_MODE = 0o600;
const STATE_DIR_MODE = 0o700;

export interface RunLockHolder {
  /** What runs, for the message a second run prints: `audit`, `schedule`, `remediate --apply`. */
  command: string;
}

export interface RunLockRecord {
  pid: number;
  host: string;
  command: string;
  /** ISO time the lock was taken. */
  since: string;
  /** Distinguishes this holder from a later one with the same pid (pid reuse, container restarts). */
  token: string;
}

export interface RunLockDeps {
  pid?: number;
  hostname?: string;
  /** Real time; defaults to `new Date()`. */
  clock?: () => Date;
  /** Whether a pid exists on this host; default `process.kill(pid, 0)`. */
  isAlive?: (pid: number) => boolean;
  /** How often a holder refreshes the lock's mtime. Default 30 s. */
  heartbeatMs?: number;
  /** A lock from another host not refreshed for this long is stale. Default 5 min. */
  staleAfterMs?: number;
}

export interface RunLock {
  readonly path: string;
  readonly record: RunLockRecord;
  /** Removes the lock if it is still ours. Safe to call more than once. */
  release(): Promise<void>;
}

/**
 * Takes the run lock of `stateDir`, or throws RUN_LOCKED naming the live
 * holder (exit 3). When the state directory cannot hold a lock at all (not a
 * directory, read-only, no permission) it throws STATE_WRITE_FAILED instead.
 */
export async function acquireRunLock(stateDir: string, holder: RunLockHolder, deps: RunLockDeps = {}): Promise<RunLock> {
  const clock = deps.clock ?? (() => new Date());
  const isAlive = deps.isAlive ?? pidExists;
  const staleAfterMs = deps.staleAfterMs ?? 5 * 60_000;
  const heartbeatMs = deps.heartbeatMs ?? 30_000;
  const path = join(stateDir, RUN_LOCK_FILE);
  const record: RunLockRecord = {
    pid: deps.pid ?? process.pid,
    host: deps.hostname ?? osHostname(),
    command: holder.command,
    since: clock().toISOString(),
    token: randomBytes(8).toString('hex'),
  };

  try {
    await mkdir(stateDir, { recursive: true, mode: STATE_DIR_MODE });
  } catch (error) {
    throw lockError(`cannot create the state directory ${stateDir} for the run lock: ${errorMessage(error)}`, path);
  }

  // Two rounds: the second follows a takeover of a stale lock.
  for (let round = 0; round < 2; round += 1) {
    if (await createExclusive(path, record)) return heldLock(path, record, heartbeatMs, clock);
    const current = await readLock(path);
    if (current.kind === 'gone') continue;
    const stale = staleReason(current, record, { isAlive, staleAfterMs, now: clock() });
    if (stale === null && current.kind === 'record') throw lockedError(path, current.record);
    await takeOver(path, current, clock);
  }
  // Someone else took the stale lock in between: they hold it now.
  const current = await readLock(path);
  if (current.kind === 'record') throw lockedError(path, current.record);
  throw new HygieneError('RUN_LOCKED', `could not take the run lock ${path}; another run is starting at the same moment`, { details: { path } });
}

type LockFileState =
  | { kind: 'record'; record: RunLockRecord; raw: string; mtimeMs: number }
  | { kind: 'malformed'; raw: string }
  | { kind: 'gone' };

/**
 * Publishes `record` at `path` only if nothing is there. The record is written
 * to a private temp file first and hard-linked into place (link fails with
 * EEXIST atomically), so a concurrent reader never sees an empty or half-written
 * lock and mistakes it for a malformed one.
 */
async function createExclusive(path: string, record: RunLockRecord): Promise<boolean> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), LOCK_FILE_MODE);
    await handle.writeFile(`${JSON.stringify(record)}\n`);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await link(temp, path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw lockError(`cannot create the run lock ${path}: ${errorMessage(error)}`, path);
  } finally {
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
  }
}

async function readLock(path: string): Promise<LockFileState> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') return { kind: 'gone' };
    // A symlink planted at the lock path (ELOOP) is not a lock record: take it over, never follow it.
    if (code === 'ELOOP' || code === 'EMLINK') return { kind: 'malformed', raw: '' };
    throw lockError(`cannot read the run lock ${path}: ${errorMessage(error)}`, path);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile() || info.size > MAX_LOCK_FILE_BYTES) return { kind: 'malformed', raw: '' };
    const raw = await handle.readFile('utf8');
    const record = parseRecord(raw);
    return record ? { kind: 'record', record, raw, mtimeMs: info.mtimeMs } : { kind: 'malformed', raw };
  } finally {
    await handle.close();
  }
}

function parseRecord(raw: string): RunLockRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { pid, host, command, since, token } = value as Record<string, unknown>;
  if (!Number.isSafeInteger(pid) || (pid as number) <= 0) return null;
  if (typeof host !== 'string' || typeof command !== 'string' || typeof since !== 'string' || typeof token !== 'string') return null;
  return { pid: pid as number, host, command, since, token };
}

/** Why a lock may be taken over, or null when its holder may still be working. */
function staleReason(
  current: Exclude<LockFileState, { kind: 'gone' }>,
  self: RunLockRecord,
  context: { isAlive: (pid: number) => boolean; staleAfterMs: number; now: Date },
): string | null {
  if (current.kind === 'malformed') return 'not a lock record';
  const { record } = current;
  if (record.host === self.host) {
    // Our own pid: held by this very process (another run in it), or left by an
    // earlier process that had our pid (pid 1 of a restarted container).
    if (record.pid === self.pid) return heldHere.has(record.token) ? null : 'left by an earlier process with this pid';
    return context.isAlive(record.pid) ? null : 'its holder is no longer running';
  }
  return context.now.getTime() - current.mtimeMs > context.staleAfterMs ? 'not refreshed by its holder on another host' : null;
}

/**
 * Removes a stale lock, but only the one judged stale: under an exclusive
 * takeover file, the lock is re-read and removed only if unchanged. A takeover
 * file left by a process killed in that short window is itself removed once old.
 */
async function takeOver(path: string, judged: Exclude<LockFileState, { kind: 'gone' }>, clock: () => Date): Promise<void> {
  const guard = `${path}${TAKEOVER_SUFFIX}`;
  const guardRecord: RunLockRecord = { pid: process.pid, host: osHostname(), command: 'takeover', since: clock().toISOString(), token: '' };
  if (!(await createExclusive(guard, guardRecord))) {
    const info = await stat(guard).catch(() => null);
    if (info && clock().getTime() - info.mtimeMs > 10_000) await unlink(guard).catch(() => undefined);
    return;
  }
  try {
    const now = await readLock(path);
    if (now.kind !== 'gone' && now.kind === judged.kind && now.raw === judged.raw) await unlink(path).catch(() => undefined);
  } finally {
    await unlink(guard).catch(() => undefined);
  }
}

/** Tokens of the locks this process holds now, to tell "held by us" from "left by a dead process with our pid". */
const heldHere = new Set<string>();

function heldLock(path: string, record: RunLockRecord, heartbeatMs: number, clock: () => Date): RunLock {
  heldHere.add(record.token);
  // Refreshing the mtime tells runs on other hosts sharing the volume that the holder is alive.
  const heartbeat = setInterval(() => {
    const now = clock();
    void utimes(path, now, now).catch(() => undefined);
  }, heartbeatMs);
  heartbeat.unref();
  let released: Promise<void> | null = null;
  return {
    path,
    record,
    release() {
      released ??= (async () => {
        clearInterval(heartbeat);
        heldHere.delete(record.token);
        const current = await readLock(path).catch(() => ({ kind: 'gone' }) as const);
        // Never remove a lock that is no longer ours (taken over after we were presumed dead).
        if (current.kind === 'record' && current.record.token === record.token) await unlink(path).catch(() => undefined);
      })();
      return released;
    },
  };
}

function lockedError(path: string, holder: RunLockRecord): HygieneError {
  const who = `pid ${holder.pid} on ${toSafeLine(holder.host, 100)}, running "${toSafeLine(holder.command, 100)}" since ${toSafeLine(holder.since, 40)}`;
  return new HygieneError(
    'RUN_LOCKED',
    `another run holds the lock ${path} (${who}); nothing was fetched, written or sent. If that process is gone, remove the file.`,
    { details: { path, holder: { pid: holder.pid, host: holder.host, command: holder.command, since: holder.since } } },
  );
}

/** The lock could not be created or read at all (the state directory is unusable): not "held by someone". */
function lockError(message: string, path: string): HygieneError {
  return new HygieneError('STATE_WRITE_FAILED', message, { details: { path } });
}
