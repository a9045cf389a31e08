/**
 * Whole audits, in process, against the C1 simulator over HTTP: tenant scope
 * with owners enabled, disabled, deleted and unknown; the caller as owner in
 * self scope; a failing owner lookup; and the failures that end an audit
 * with exit 3 (a non-admin key, too many keys).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit/run-audit.js';
import { systemClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/load.js';
import { EXIT } from '../../src/errors.js';
import type { AuditReport } from '../../src/report/types.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js';
import { memoryLogger } from '../helpers/simulator.js';

const AS_OF = '2026-11-26T12:00:00Z';

let dir: string;
let sim: Simulator | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'c1-tenant-audit-'));
});
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** A clean key: no rule fires for it at AS_OF unless its owner is inactive. */
function key(id: string, userId: string | undefined, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    clientId: `${id}@acme.conductor.one/pcc`,
    displayName: `key ${id}`,
    ...(userId !== undefined && { userId }),
    createdAt: '2026-10-01T00:00:00Z',
    expiresTime: '2027-01-15T00:00:00Z',
    lastUsedAt: '2026-11-25T08:00:00Z',
    allowSourceCidr: ['203.0.113.0/24'],
    scopedRoles: ['role-log-reader'],
    ...fields,
  };
}

const user = (id: string, status: string, name = `Name ${id}`) => ({ id, email: `${id}@example.com`, displayName: name, status, type: 'USER_TYPE_HUMAN' });

async function audit(options: { scope?: 'self' | 'tenant'; config?: Record<string, unknown> } = {}) {
  if (!sim) throw new Error('start the simulator first');
  const configPath = join(dir, 'config.json');
  await writeFile(configPath, JSON.stringify({ c1: { maxRetries: 0, ...(options.config ?? {}) } }));
  const config = await loadConfig({
    configPath,
    cwd: dir,
    env: {
      C1_CLIENT_ID: sim.credential.clientId,
      C1_CLIENT_SECRET: sim.credential.clientSecret,
      C1_API_URL: sim.url,
      C1_SCOPE: options.scope ?? 'tenant',
      REPORT_DIR: join(dir, 'reports'),
      STATE_DIR: join(dir, 'state'),
    },
  });
  const log = memoryLogger('info');
  const printed: string[] = [];
  const outcome = await runAudit(
    { config, asOf: new Date(AS_OF), dryRun: false, failOn: null },
    { logger: log.logger, clock: systemClock, print: (text) => printed.push(text) },
  );
  return { outcome, report: outcome.report as AuditReport, log, printed };
}

async function start(options: SimulatorOptions): Promise<Simulator> {
  sim = await startSimulator(options);
  return sim;
}

const rulesOf = (report: AuditReport, credentialId: string) =>
  report.findings.filter((f) => f.credentialId === credentialId).map((f) => f.ruleId).sort();

describe('tenant scope', () => {
  it('gives every key and finding its owner, and fires owner-inactive for disabled, deleted and unknown owners', async () => {
    await start({
      maxPageSize: 4,
      users: [user('u-ann', 'ENABLED', 'Ann'), user('u-bob', 'DISABLED', 'Bob'), user('u-cat', 'DELETED', 'Cat'), user('u-new', 'UNKNOWN')],
      personalClients: [
        key('ann-1', 'u-ann'),
        key('ann-2', 'u-ann', { expiresTime: null }),
        key('bob-1', 'u-bob', { expiresTime: null }),
        key('bob-expired', 'u-bob', { expiresTime: '2026-11-01T00:00:00Z' }),
        key('cat-1', 'u-cat'),
        key('gone-1', 'u-gone'),
        key('gone-2', 'u-gone'),
        key('new-1', 'u-new'),
        key('orphan', undefined),
      ],
    });
    const { outcome, report } = await audit();
    expect(outcome.exitCode).toBe(EXIT.ok);

    // Other rules still fire for a key whose owner is inactive; an expired key only reports `expired`.
    expect(rulesOf(report, 'bob-1')).toEqual(['no-expiry', 'owner-inactive']);
    expect(rulesOf(report, 'bob-expired')).toEqual(['expired']);
    expect(rulesOf(report, 'cat-1')).toEqual(['owner-inactive']);
    expect(rulesOf(report, 'gone-1')).toEqual(['owner-inactive']);
    expect(rulesOf(report, 'ann-1')).toEqual([]);
    expect(rulesOf(report, 'new-1')).toEqual([]);
    expect(rulesOf(report, 'orphan')).toEqual([]);
    expect(report.findings.find((f) => f.credentialId === 'cat-1')?.message).toBe('belongs to "Cat" <u-cat@example.com>, whose C1 account is deleted');

    const ownerOf = (id: string) => report.clients.find((c) => c.id === id)?.owner;
    expect(ownerOf('ann-2')).toEqual({ id: 'u-ann', email: 'u-ann@example.com', displayName: 'Ann', status: 'ENABLED' });
    expect(ownerOf('bob-1')).toMatchObject({ id: 'u-bob', status: 'DISABLED' });
    expect(ownerOf('gone-1')).toBeNull();
    expect(ownerOf('orphan')).toBeNull();
    for (const finding of report.findings) expect(finding.owner).toEqual(ownerOf(finding.credentialId));

    expect(report.warnings).toEqual(
      expect.arrayContaining([
        { credentialId: null, field: 'owner', message: 'user "u-gone" (owner of 2 keys) was not returned by C1\'s user lookup (deleted or unknown); the owner is null' },
        { credentialId: 'orphan', field: 'userId', message: 'key "orphan" names no owner (no userId); its owner is unknown' },
      ]),
    );

    // What it cost: the token, the listing pages, one user batch for 5 distinct owners; no introspect.
    expect(sim!.requestsTo('token')).toHaveLength(1);
    expect(sim!.requestsTo('search_personal_clients')).toHaveLength(3);
    expect(sim!.requestsTo('search_users')).toHaveLength(1);
    expect((JSON.parse(sim!.requestsTo('search_users')[0]!.body) as { refs: Array<{ id: string }> }).refs.map((r) => r.id).sort()).toEqual([
      'u-ann',
      'u-bob',
      'u-cat',
      'u-gone',
      'u-new',
    ]);
    expect(sim!.requestsTo('introspect')).toEqual([]);
    expect(sim!.requestsTo('personal_clients')).toEqual([]);
  });

  it('puts the owner on suppressed findings too', async () => {
    await start({ users: [user('u-bob', 'DISABLED')], personalClients: [key('bob-1', 'u-bob')] });
    const configPath = join(dir, 'suppressing.json');
    await writeFile(
      configPath,
      JSON.stringify({ c1: { scope: 'tenant' }, suppressions: [{ rule: 'owner-inactive', credential: 'bob-1', reason: 'handover in progress' }] }),
    );
    const config = await loadConfig({
      configPath,
      cwd: dir,
      env: { C1_CLIENT_ID: sim!.credential.clientId, C1_CLIENT_SECRET: sim!.credential.clientSecret, C1_API_URL: sim!.url, REPORT_DIR: join(dir, 'r'), STATE_DIR: join(dir, 's') },
    });
    const outcome = await runAudit({ config, asOf: new Date(AS_OF), dryRun: true, failOn: null }, { logger: memoryLogger().logger, clock: systemClock, print: () => {} });
    expect(outcome.report?.findings).toEqual([]);
    expect(outcome.report?.suppressed).toEqual([expect.objectContaining({ ruleId: 'owner-inactive', owner: expect.objectContaining({ id: 'u-bob', status: 'DISABLED' }) })]);
  });

  it('a key that is not a C1 admin\'s: exit 3, in plain words, and no report', async () => {
    await start({ personalClients: [key('a', 'u-a')] });
    sim!.injectFault({ kind: 'status', status: 403, route: 'search_personal_clients', message: 'permission denied' });
    const { outcome } = await audit();
    expect(outcome.exitCode).toBe(EXIT.auditFailed);
    expect(outcome.error?.message).toMatch(/^C1 refused to list every user's API keys \(HTTP 403/);
    expect(outcome.error?.message).toMatch(/needs the personal API key of a C1 admin/);
    expect(existsSync(join(dir, 'reports', 'latest.json'))).toBe(false);
  });

  it('more keys than c1.maxKeys: exit 3 naming c1.maxKeys, the previous latest.json untouched', async () => {
    await start({ personalClients: Array.from({ length: 30 }, (_, i) => key(`k${i}`, `u${i % 3}`)), maxPageSize: 10 });
    expect((await audit()).outcome.exitCode).toBe(EXIT.ok);
    const before = await readFile(join(dir, 'reports', 'latest.json'));

    const { outcome } = await audit({ config: { maxKeys: 25 } });
    expect(outcome.exitCode).toBe(EXIT.auditFailed);
    expect(outcome.error?.message).toMatch(/more than 25 personal clients \(c1\.maxKeys\)/);
    expect(await readFile(join(dir, 'reports', 'latest.json'))).toEqual(before);
    expect(sim!.requestsTo('search_personal_clients')).toHaveLength(3 + 3);
  });
});

describe('a failing owner lookup', () => {
  it('does not fail the audit: owners null, one warning, owner-inactive skipped and its earlier findings not resolved', async () => {
    await start({ users: [user('u-bob', 'DISABLED')], personalClients: [key('bob-1', 'u-bob', { expiresTime: null })] });
    const first = await audit();
    expect(rulesOf(first.report, 'bob-1')).toEqual(['no-expiry', 'owner-inactive']);
    const firstSeen = first.report.findings.find((f) => f.ruleId === 'owner-inactive')!.firstSeenAt;

    sim!.injectFault({ kind: 'status', status: 500, route: 'search_users' });
    const second = await audit();
    expect(second.outcome.exitCode).toBe(EXIT.ok);
    expect(rulesOf(second.report, 'bob-1')).toEqual(['no-expiry']);
    expect(second.report.resolved).toEqual([]);
    expect(second.report.clients.map((c) => c.owner)).toEqual([null]);
    expect(second.report.findings.map((f) => f.owner)).toEqual([null]);
    expect(second.report.warnings).toEqual([
      expect.objectContaining({ credentialId: null, field: 'owner', message: expect.stringMatching(/^key owners could not be looked up \(C1 answered HTTP 500 .*\); every owner is null and owner-inactive did not run$/) }),
    ]);

    const third = await audit();
    const again = third.report.findings.find((f) => f.ruleId === 'owner-inactive');
    expect(again?.firstSeenAt).toBe(firstSeen);
  });
});

describe('self scope', () => {
  it('names the caller as the owner of its keys, looked up the same way', async () => {
    await start({
      userId: 'u-me',
      users: [user('u-me', 'ENABLED', 'Me Myself')],
      personalClients: [key('mine-1', undefined), key('mine-2', 'u-me', { expiresTime: null })],
      pageSize: 1,
    });
    const { outcome, report } = await audit({ scope: 'self' });
    expect(outcome.exitCode).toBe(EXIT.ok);
    const me = { id: 'u-me', email: 'u-me@example.com', displayName: 'Me Myself', status: 'ENABLED' };
    expect(report.clients.map((c) => [c.id, c.userId, c.owner])).toEqual([
      ['mine-1', 'u-me', me],
      ['mine-2', 'u-me', me],
    ]);
    expect(report.findings.map((f) => f.owner)).toEqual([me]);
    expect(report.warnings).toEqual([]);

    // The listing is sent bare first, then with page_token only; introspect and the user search once each.
    const listing = sim!.requestsTo('personal_clients');
    expect(listing.map((r) => Object.keys(r.query))).toEqual([[], ['page_token']]);
    expect(sim!.requestsTo('introspect').map((r) => r.query)).toEqual([{}]);
    expect(sim!.requestsTo('search_users').map((r) => JSON.parse(r.body) as unknown)).toEqual([{ refs: [{ id: 'u-me' }], pageSize: 100 }]);
    expect(sim!.requestsTo('search_personal_clients')).toEqual([]);
  });

  it('when C1 will not say who the caller is, keys without a userId have no owner and the audit goes on', async () => {
    await start({ personalClients: [key('mine-1', undefined), key('theirs', 'u-x')] });
    sim!.injectFault({ kind: 'status', status: 403, route: 'introspect' });
    const { outcome, report } = await audit({ scope: 'self' });
    expect(outcome.exitCode).toBe(EXIT.ok);
    expect(report.clients.map((c) => [c.id, c.owner?.id ?? null])).toEqual([
      ['mine-1', null],
      ['theirs', 'u-x'],
    ]);
    expect(report.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^the caller's user id could not be read from C1 \(C1 denied GET \/api\/v1\/auth\/introspect/)]);
  });
});
