import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HygieneError } from '../../src/errors.js';
import { loadState, saveState } from '../../src/lifecycle/state.js';
import { emptyState, type LifecycleState } from '../../src/lifecycle/types.js';
import { captureLogger } from './capture-logger.js';

const FIXED = new Date('2026-11-26T07:00:00.000Z');
const clock = () => FIXED;

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'c1-state-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const sampleState: LifecycleState = {
  version: 1,
  findings: {
    'no-expiry:cred-1': {
      ruleId: 'no-expiry',
      credentialId: 'cred-1',
      clientId: 'otter@acme.conductor.one/pcc',
      displayName: 'CI key',
      severity: 'high',
      firstSeenAt: '2026-11-01T07:00:00.000Z',
      lastSeenAt: '2026-11-26T07:00:00.000Z',
      lastAlertedAt: '2026-11-20T07:00:00.000Z',
      lastAlertedSeverity: 'medium',
    },
  },
  resolvedSinceAlert: [
    {
      fingerprint: 'unused:cred-2',
      ruleId: 'unused',
      severity: 'medium',
      title: 'Key not used recently',
      credentialId: 'cred-2',
      clientId: 'bear@acme.conductor.one/pcc',
      displayName: 'Old key',
      firstSeenAt: '2026-10-01T07:00:00.000Z',
    },
  ],
  failureStreak: { startedAt: '2026-11-25T07:00:00.000Z', lastError: 'C1 answered 503', noticeSentAt: null },
  lastDigestAt: '2026-11-20T07:00:00.000Z',
};

describe('loadState', () => {
  it('returns empty state when the directory does not exist', async () => {
    const { logger, lines } = captureLogger();
    expect(await loadState(join(root, 'missing', 'state'), logger, clock)).toEqual(emptyState());
    expect(lines).toEqual([]);
  });

  it('reads a state file from before resolved entries kept their severity and title', async () => {
    const { logger } = captureLogger();
    const older = { ...sampleState, resolvedSinceAlert: sampleState.resolvedSinceAlert.map(({ severity: _s, title: _t, ...rest }) => rest) };
    await writeFile(join(root, 'state.json'), JSON.stringify(older));
    const loaded = await loadState(root, logger, clock);
    expect(loaded.resolvedSinceAlert).toEqual([{ ...sampleState.resolvedSinceAlert[0], severity: 'info', title: 'Key not used recently' }]);
  });

  it('returns empty state when the directory has no state file', async () => {
    const { logger } = captureLogger();
    expect(await loadState(root, logger, clock)).toEqual(emptyState());
  });

  it.each([
    ['not JSON', '{"version": 1, "findings": {', 'not valid JSON'],
    ['the wrong shape', JSON.stringify({ ...emptyState(), findings: [] }), 'unexpected shape'],
    ['a bad severity', JSON.stringify({ ...sampleState, findings: { x: { ...sampleState.findings['no-expiry:cred-1'], severity: 'urgent' } } }), 'unexpected shape'],
    ['an unknown version', JSON.stringify({ ...emptyState(), version: 2 }), 'unknown version 2'],
    ['JSON null', 'null', 'unexpected shape'],
  ])('moves a file with %s aside, warns, and continues with empty state', async (_label, content, reason) => {
    await writeFile(join(root, 'state.json'), content);
    const { logger, entries } = captureLogger();

    const state = await loadState(root, logger, clock);

    expect(state).toEqual(emptyState());
    const asideName = 'state.json.corrupt-20261126T070000.000Z';
    expect(await readdir(root)).toEqual([asideName]);
    expect(await readFile(join(root, asideName), 'utf8')).toBe(content);
    const warnings = entries().filter((entry) => entry.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ movedTo: join(root, asideName) });
    expect(String(warnings[0]?.reason)).toContain(reason);
  });

  it('throws STATE_READ_FAILED when the state path cannot be read (not a file)', async () => {
    await mkdir(join(root, 'state.json'));
    const { logger } = captureLogger();
    const error = await loadState(root, logger, clock).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HygieneError);
    expect((error as HygieneError).code).toBe('STATE_READ_FAILED');
  });
});

describe('saveState', () => {
  it('round-trips through a new directory, atomically, owner-only', async () => {
    const dir = join(root, 'deep', 'state');
    await saveState(dir, sampleState);

    const { logger } = captureLogger();
    expect(await loadState(dir, logger, clock)).toEqual(sampleState);
    expect((await stat(join(dir, 'state.json'))).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('replaces the previous state', async () => {
    await saveState(root, sampleState);
    await saveState(root, emptyState());
    const { logger } = captureLogger();
    expect(await loadState(root, logger, clock)).toEqual(emptyState());
  });

  it('throws STATE_WRITE_FAILED naming the file when it cannot write', async () => {
    await writeFile(join(root, 'blocker'), 'a file where the state dir should be');
    const error = await saveState(join(root, 'blocker', 'state'), sampleState).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HygieneError);
    expect((error as HygieneError).code).toBe('STATE_WRITE_FAILED');
    expect((error as HygieneError).message).toContain(join(root, 'blocker', 'state', 'state.json'));
  });
});
