import { mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { HygieneError } from '../errors.js';
import { errorCode, errorMessage, writeFileAtomic } from '../fs/atomic-write.js';
import { systemClock, type Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { stateJsonChunks } from './state-json.js';
import { readStateJson, StateShapeError } from './state-shape.js';
import { emptyState, type LifecycleState } from './types.js';

export type { LifecycleState } from './types.js';

export const STATE_FILE_NAME = 'state.json';
/** Owner only: the state names keys and their owners and says what was alerted to whom. */
const STATE_FILE_MODE = 0o600;
const STATE_DIR_MODE = 0o700;

/**
 * What `<dir>/state.json` holds, read and parsed but not yet judged: nothing
 * is logged, moved or thrown for it until `loadState` decides.
 */
export type StateFileRead =
  | { path: string; kind: 'missing' }
  | { path: string; kind: 'unreadable'; error: unknown }
  | { path: string; kind: 'corrupt'; reason: string }
  | { path: string; kind: 'state'; state: LifecycleState };

/**
 * Reads and parses `<dir>/state.json` without changing or saying anything,
 * so an audit can read it while the listing runs and still decide about it
 * (warnings, moving a corrupt file aside, failing) where it always has.
 */
export async function readStateFile(dir: string): Promise<StateFileRead> {
  const path = join(dir, STATE_FILE_NAME);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return { path, kind: 'missing' };
    return { path, kind: 'unreadable', error };
  }
  const problem = parseProblem(text);
  return problem.state ? { path, kind: 'state', state: problem.state } : { path, kind: 'corrupt', reason: problem.reason };
}

/**
 * Loads the lifecycle state from `<dir>/state.json` (or decides about the
 * `read` of it started earlier by `readStateFile`).
 *
 * A missing directory or file is a first run: empty state. A version-1 file
 * (written before per-channel delivery records) is migrated in memory and
 * written back as version 2 by the run's next save. A file that is not
 * JSON, has the wrong shape or an unknown version is moved aside to
 * `state.json.corrupt-<timestamp>` (kept for a human to look at) with a
 * warning, and the run goes on with empty state: losing alert history means
 * some alerts repeat once, which beats never auditing again. Any other read
 * error (permissions, I/O) is thrown as STATE_READ_FAILED, because carrying
 * on would re-alert everything and then overwrite the unreadable file.
 */
export async function loadState(
  dir: string,
  logger: Logger,
  now: Clock = systemClock,
  options: { readOnly?: boolean; read?: Promise<StateFileRead> } = {},
): Promise<LifecycleState> {
  const read = await (options.read ?? readStateFile(dir));
  const { path } = read;
  switch (read.kind) {
    case 'missing':
      return emptyState();
    case 'state':
      return read.state;
    case 'unreadable':
      throw new HygieneError('STATE_READ_FAILED', `could not read the state file ${path}: ${errorMessage(read.error)}`, { cause: read.error, details: { path } });
    case 'corrupt':
      break;
  }

  if (options.readOnly) {
    // A dry run changes nothing on disk; it only says what a real run would do.
    logger.warn({ path, reason: read.reason }, 'state file is corrupt; a real run would move it aside and start with empty alert state');
    return emptyState();
  }
  const asidePath = `${path}.corrupt-${now().toISOString().replace(/[-:]/g, '')}`;
  try {
    await rename(path, asidePath);
  } catch (error) {
    throw new HygieneError('STATE_WRITE_FAILED', `the state file ${path} is unreadable (${read.reason}) and could not be moved aside: ${errorMessage(error)}`, {
      cause: error,
      details: { path },
    });
  }
  logger.warn({ path, movedTo: asidePath, reason: read.reason }, 'state file was corrupt; moved aside, starting with empty alert state');
  return emptyState();
}

function parseProblem(text: string): { state: LifecycleState; reason?: undefined } | { state?: undefined; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { reason: 'not valid JSON' };
  }
  try {
    return { state: readStateJson(json) };
  } catch (error) {
    if (error instanceof StateShapeError) return { reason: error.message };
    throw error;
  }
}

/**
 * Writes the state atomically (temp + fsync + rename), creating the directory
 * if needed. Compact JSON, produced and written piece by piece: the file is
 * the tool's own memory, and a large tenant's state is tens of megabytes.
 */
export async function saveState(dir: string, state: LifecycleState): Promise<void> {
  const path = join(dir, STATE_FILE_NAME);
  try {
    await mkdir(dir, { recursive: true, mode: STATE_DIR_MODE });
    await writeFileAtomic(path, stateJsonChunks(state), { mode: STATE_FILE_MODE });
  } catch (error) {
    throw new HygieneError('STATE_WRITE_FAILED', `could not write the state file ${path}: ${errorMessage(error)}`, { cause: error, details: { path } });
  }
}
