import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HygieneError } from '../../src/errors.js';
import { loadState, readStateFile, saveState } from '../../src/lifecycle/state.js';
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
  version: 2,
  findings: {
    'no-expiry:cred-1': {
      ruleId: 'no-expiry',
      credentialId: 'cred-1',
      clientId: 'otter@acme.conductor.one/pcc',
      displayName: 'CI key',
      severity: 'high',
      firstSeenAt: '2026-11-01T07:00:00.000Z',
      lastSeenAt: '2026-11-26T07:00:00.000Z',
    },
  },
  channels: {
    email: {
      alerted: { 'no-expiry:cred-1': { at: '2026-11-20T07:00:00.000Z', severity: 'medium' } },
      resolvedSinceDelivery: [
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
      lastDeliveryAt: '2026-11-20T07:00:00.000Z',
      pending: null,
      failureNotice: null,
    },
    'owner:u-1': {
      alerted: {},
      resolvedSinceDelivery: [],
      lastDeliveryAt: null,
      pending: { deliveryId: '2b1f0c1e-0000-4000-8000-000000000001', contentKey: 'abc' },
      failureNotice: { streakStartedAt: '2026-11-25T07:00:00.000Z', deliveryId: 'n-1', sentAt: null },
    },
  },
  failureStreak: { startedAt: '2026-11-25T07:00:00.000Z', lastError: 'C1 answered 503' },
};

describe('loadState', () => {
  it('returns empty state when the directory does not exist', async () => {
    const { logger, lines } = captureLogger();
    expect(await loadState(join(root, 'missing', 'state'), logger, clock)).toEqual(emptyState());
    expect(lines).toEqual([]);
  });

  it('reads a state file from before resolved entries kept their severity and title', async () => {
    const { logger } = captureLogger();
    const email = sampleState.channels.email!;
    const olderEmail = { ...email, resolvedSinceDelivery: email.resolvedSinceDelivery.map(({ severity: _s, title: _t, ...rest }) => rest) };
    await writeFile(join(root, 'state.json'), JSON.stringify({ ...sampleState, channels: { ...sampleState.channels, email: olderEmail } }));
    const loaded = await loadState(root, logger, clock);
    expect(loaded.channels.email?.resolvedSinceDelivery).toEqual([{ ...email.resolvedSinceDelivery[0], severity: 'info', title: 'Key not used recently' }]);
  });

  it('returns empty state when the directory has no state file', async () => {
    const { logger } = captureLogger();
    expect(await loadState(root, logger, clock)).toEqual(emptyState());
  });

  it.each([
    ['not JSON', '{"version": 2, "findings": {', 'not valid JSON'],
    ['the wrong shape', JSON.stringify({ ...emptyState(), findings: [] }), 'unexpected shape'],
    ['a bad severity', JSON.stringify({ ...sampleState, findings: { x: { ...sampleState.findings['no-expiry:cred-1'], severity: 'urgent' } } }), 'unexpected shape'],
    ['an unknown version', JSON.stringify({ ...emptyState(), version: 3 }), 'unknown version 3'],
    ['an unknown key in a channel record', JSON.stringify({ ...sampleState, channels: { email: { ...sampleState.channels.email, extra: 1 } } }), 'unexpected shape at channels.email.extra'],
    ['a bad alerted time', JSON.stringify({ ...sampleState, channels: { email: { ...sampleState.channels.email, alerted: { x: { at: 'yesterday', severity: 'high' } } } } }), 'unexpected shape at channels.email.alerted.x.at'],
    ['a version-1 file with a bad entry', JSON.stringify({ version: 1, findings: { x: { ruleId: 1 } }, resolvedSinceAlert: [], failureStreak: null, lastDigestAt: null }), 'unexpected shape at findings.x'],
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

describe('readStateFile, then loadState deciding about that read', () => {
  it('reading alone changes nothing and says nothing, even of a corrupt file; loadState then moves it aside and warns', async () => {
    await writeFile(join(root, 'state.json'), '{"version": 2, "findings": {');
    const { logger, entries } = captureLogger();

    const read = readStateFile(root);
    expect(await read).toMatchObject({ kind: 'corrupt', path: join(root, 'state.json') });
    expect(await readdir(root)).toEqual(['state.json']);
    expect(entries()).toEqual([]);

    expect(await loadState(root, logger, clock, { read })).toEqual(emptyState());
    expect(await readdir(root)).toEqual(['state.json.corrupt-20261126T070000.000Z']);
    expect(entries().filter((entry) => entry.level === 40)).toHaveLength(1);
  });

  it('a read-only load of an earlier read of a corrupt file only warns', async () => {
    await writeFile(join(root, 'state.json'), 'null');
    const { logger, entries } = captureLogger();
    expect(await loadState(root, logger, clock, { readOnly: true, read: readStateFile(root) })).toEqual(emptyState());
    expect(await readdir(root)).toEqual(['state.json']);
    expect(entries().filter((entry) => entry.level === 40)).toHaveLength(1);
  });

  it.each([
    ['no state file', async () => undefined],
    ['a valid state file', async () => saveState(root, sampleState)],
    ['a state path that is a directory', async () => mkdir(join(root, 'state.json'))],
  ])('with %s, loading an earlier read ends as loading directly does', async (_label, setUp) => {
    await setUp();
    const direct = await loadState(root, captureLogger().logger, clock).then(
      (state) => ({ state }),
      (error: unknown) => ({ error: String(error), code: (error as HygieneError).code }),
    );
    const early = await loadState(root, captureLogger().logger, clock, { read: readStateFile(root) }).then(
      (state) => ({ state }),
      (error: unknown) => ({ error: String(error), code: (error as HygieneError).code }),
    );
    expect(early).toEqual(direct);
  });
});

/** The version-1 shape, as the fixture holds it. */
interface V1State {
  version: 1;
  findings: Record<string, Record<string, unknown> & { lastAlertedAt: string | null; lastAlertedSeverity: string | null }>;
  resolvedSinceAlert: unknown[];
  failureStreak: { startedAt: string; lastError: string; noticeSentAt: string | null };
  lastDigestAt: string | null;
}

describe('loadState of a version-1 file (written before per-channel records)', () => {
  const fixture = new URL('fixtures/state-v1.json', import.meta.url);

  it('becomes version 2 with its alert history as the e-mail channel\'s record', async () => {
    const v1 = JSON.parse(await readFile(fixture, 'utf8')) as V1State;
    await writeFile(join(root, 'state.json'), JSON.stringify(v1));
    const { logger, lines } = captureLogger();

    const state = await loadState(root, logger, clock);

    expect(lines).toEqual([]);
    expect(state.version).toBe(2);
    expect(Object.keys(state.findings).sort()).toEqual(Object.keys(v1.findings).sort());
    for (const [fingerprint, entry] of Object.entries(v1.findings)) {
      const { lastAlertedAt, lastAlertedSeverity, ...tracked } = entry;
      expect(state.findings[fingerprint]).toEqual(tracked);
      const alerted = Object.hasOwn(state.channels.email!.alerted, fingerprint) ? state.channels.email!.alerted[fingerprint] : undefined;
      expect(alerted).toEqual(lastAlertedAt === null ? undefined : { at: lastAlertedAt, severity: lastAlertedSeverity });
    }
    expect(state.channels.email).toMatchObject({ resolvedSinceDelivery: v1.resolvedSinceAlert, lastDeliveryAt: v1.lastDigestAt, pending: null });
    expect(state.channels.email?.failureNotice).toMatchObject({ streakStartedAt: v1.failureStreak.startedAt, sentAt: v1.failureStreak.noticeSentAt });
    expect(state.failureStreak).toEqual({ startedAt: v1.failureStreak.startedAt, lastError: v1.failureStreak.lastError });
    expect(Object.keys(state.channels)).toEqual(['email']);

    // Saved back as version 2, it loads to the same state.
    await saveState(root, state);
    expect(JSON.parse(await readFile(join(root, 'state.json'), 'utf8')).version).toBe(2);
    expect(await loadState(root, logger, clock)).toEqual(state);
  });

  it('a version-1 file without any alert history has no channel records', async () => {
    await writeFile(join(root, 'state.json'), JSON.stringify({ version: 1, findings: {}, resolvedSinceAlert: [], failureStreak: null, lastDigestAt: null }));
    const { logger } = captureLogger();
    expect(await loadState(root, logger, clock)).toEqual(emptyState());
  });
});

describe('loadState of hostile or large content', () => {
  it('keeps fingerprints and channel ids named __proto__ as data', async () => {
    const tracked = sampleState.findings['no-expiry:cred-1']!;
    const text = `{"version":2,"findings":{"__proto__":${JSON.stringify(tracked)}},"channels":{"__proto__":${JSON.stringify(sampleState.channels.email)}},"failureStreak":null}`;
    await writeFile(join(root, 'state.json'), text);
    const { logger } = captureLogger();
    const state = await loadState(root, logger, clock);
    expect(Object.keys(state.findings)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(state.findings)).toBe(Object.prototype);
    expect(Object.keys(state.channels)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(state.channels)).toBe(Object.prototype);
  });

  it('round-trips 20 000 fingerprints, checked where they are', async () => {
    const big: LifecycleState = { ...sampleState, findings: {}, channels: { email: { ...sampleState.channels.email!, alerted: {} } } };
    for (let i = 0; i < 20_000; i++) {
      big.findings[`fp-${i}`] = { ...sampleState.findings['no-expiry:cred-1']!, credentialId: `cred-${i}` };
      big.channels.email!.alerted[`fp-${i}`] = { at: '2026-11-20T07:00:00.000Z', severity: 'high' };
    }
    await saveState(root, big);
    const { logger } = captureLogger();
    const loaded = await loadState(root, logger, clock);
    expect(Object.keys(loaded.findings)).toHaveLength(20_000);
    expect(loaded.channels.email?.alerted['fp-19999']).toEqual({ at: '2026-11-20T07:00:00.000Z', severity: 'high' });
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
