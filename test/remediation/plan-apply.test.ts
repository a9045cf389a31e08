import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireRunLock } from '../../src/lock/run-lock.js';
import { FORBIDDEN_EXPLANATION } from '../../src/remediation/apply.js';
import { planDigest } from '../../src/remediation/plan-hash.js';
import { manualClock } from '../helpers/simulator.js';
import { ALL_RULES, createRig, daysFromNow, key, sampleKeys, type Rig } from './rig.js';

let rig: Rig;

afterEach(async () => {
  await rig.close();
});

describe('remediate (the plan)', () => {
  it('plans nothing with the default config, does not reach C1 and says how to configure it', async () => {
    rig = await createRig(sampleKeys(), {});
    const run = await rig.remediate();
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('remediation.rules is empty');
    expect(run.stdout).toContain('"remediation": { "rules": ["expired", "unused"]');
    expect(rig.sim.requests).toHaveLength(0);
    expect(await rig.files()).toEqual([]);
  });

  it('plans the keys with open findings of the configured rules, worst first, and deletes nothing', async () => {
    rig = await createRig(sampleKeys(), ALL_RULES);
    const { plan, path, run } = await rig.plan();
    // medium (unused, never-used) before low (expired); ties by id.
    expect(plan.keys.map((k) => k.id)).toEqual(['never-used-1', 'unused-1', 'expired-1']);
    expect(plan.keys.map((k) => k.severity)).toEqual(['medium', 'medium', 'low']);
    const unused = plan.keys[1]!;
    expect(unused.reasons.map((r) => r.ruleId)).toEqual(['unused']);
    expect(unused.reasons[0]!.message).toMatch(/days/);
    expect(unused).toMatchObject({ clientId: 'unused-1@acme.conductor.one/pcc', displayName: 'key unused-1', owner: { id: 'user-1', email: 'user-1@example.com', displayName: 'User user-1', status: 'ENABLED' } });
    expect(unused.lastUsedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(plan).toMatchObject({ tenant: 'acme.conductor.one', scope: 'self', config: { rules: ['expired', 'unused', 'never-used'], maxDeletes: 10 } });
    expect(plan.sha256).toBe(planDigest(plan as unknown as Record<string, unknown>));
    expect((await stat(path)).mode & 0o777).toBe(0o640);

    expect(run.stdout).toContain('3 keys would be deleted, worst first');
    expect(run.stdout).toContain(`c1-hygiene remediate --apply ${path}`);
    expect(run.stdout).toContain('this plan is the dry run');
    expect(rig.deletedIds()).toEqual([]);
    // Read-only: no report, no state.
    expect((await rig.files()).filter((name) => !name.startsWith('remediation-plan-'))).toEqual([]);
    await expect(stat(rig.stateDir)).rejects.toThrow();
  });

  it('writes no plan when C1 cannot be listed (exit 3)', async () => {
    rig = await createRig(sampleKeys(), ALL_RULES);
    rig.sim.injectFault({ kind: 'status', status: 500, route: 'personal_clients', times: 5 });
    const run = await rig.remediate();
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('HTTP 500');
    expect(await rig.files()).toEqual([]);
  });

  it('writes the plan to --plan-out when given', async () => {
    rig = await createRig(sampleKeys(), ALL_RULES);
    const run = await rig.remediate({ planOut: 'review/plan.json' });
    expect(run.code).toBe(0);
    const plan = JSON.parse(await readFile(join(rig.dir, 'review', 'plan.json'), 'utf8')) as { keys: unknown[] };
    expect(plan.keys).toHaveLength(3);
  });

  it('plans at most maxDeletes keys, the worst first, and lists the rest as held back', async () => {
    const keys = [
      key('a-expired', { expiresTime: daysFromNow(-5) }),
      key('b-unused', { lastUsedAt: daysFromNow(-100), createdAt: daysFromNow(-120) }),
      key('c-unused', { lastUsedAt: daysFromNow(-150), createdAt: daysFromNow(-160) }),
      key('d-expired', { expiresTime: daysFromNow(-9) }),
    ];
    rig = await createRig(keys, { remediation: { rules: ['expired', 'unused'], maxDeletes: 2 }, rules: { severity: { expired: 'high' } } });
    const { plan, run } = await rig.plan();
    expect(plan.keys.map((k) => k.id)).toEqual(['a-expired', 'd-expired']);
    expect(plan.heldBack.map((k) => [k.id, k.reason])).toEqual([
      ['b-unused', 'over-max-deletes'],
      ['c-unused', 'over-max-deletes'],
    ]);
    expect(plan.candidates).toBe(4);
    expect(run.stdout).toContain('Held back (not in the plan): 2');
  });

  it('never plans a key that any active suppression names, whatever rule it is for', async () => {
    rig = await createRig(sampleKeys(), {
      ...ALL_RULES,
      suppressions: [
        { rule: 'missing-cidr', credential: 'unused-1', reason: 'batch job, owner asked to keep' },
        { rule: 'never-used', credential: 'never-used-1@acme.conductor.one/pcc', reason: 'standby key' },
        { rule: 'expired', credential: 'expired-1', reason: 'lapsed', expires: '2020-01-01' },
      ],
    });
    const { plan } = await rig.plan();
    // never-used-1's only finding is suppressed, so it is not even a candidate; unused-1 is held back
    // by a suppression of another rule; the expired suppression of expired-1 no longer applies.
    expect(plan.keys.map((k) => k.id)).toEqual(['expired-1']);
    expect(plan.heldBack.map((k) => [k.id, k.reason])).toEqual([['unused-1', 'suppressed']]);
    expect(plan.heldBack[0]!.detail).toContain('batch job, owner asked to keep');
  });

  it('escapes API text in the printed table', async () => {
    rig = await createRig([key('evil', { expiresTime: daysFromNow(-3), displayName: 'evil\u001b[31m\r\nFAKE LINE\u202e' })], ALL_RULES);
    const { run } = await rig.plan();
    expect(run.stdout).not.toContain('\u001b');
    expect(run.stdout).not.toContain('\u202e');
    expect(run.stdout).not.toMatch(/^FAKE LINE/m);
    expect(run.stdout).toContain('evil [31m FAKE LINE');
  });
});

describe('remediate --apply', () => {
  it('deletes exactly the planned keys and nothing else, and records each outcome', async () => {
    rig = await createRig(sampleKeys(), ALL_RULES);
    const { path } = await rig.plan();
    const run = await rig.apply(path);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(rig.deletedIds().sort()).toEqual(['expired-1', 'never-used-1', 'unused-1']);
    expect(rig.listedIds().sort()).toEqual(['fresh-1', 'fresh-2']);
    for (const req of rig.sim.requestsTo('delete_personal_client')) {
      expect(req.body).toBe('{}');
      expect(req.headers['content-type']).toBe('application/json');
    }

    const [record] = await rig.records();
    expect(record!.summary).toEqual({ planned: 3, deleted: 3, skipped: 0, failed: 0 });
    expect(record!.keys.map((k) => [k.id, k.outcome.status])).toEqual([
      ['never-used-1', 'deleted'],
      ['unused-1', 'deleted'],
      ['expired-1', 'deleted'],
    ]);
    expect(run.logs.filter((line) => line.msg === 'remediation: key deleted').map((line) => line.credentialId)).toEqual([
      'never-used-1',
      'unused-1',
      'expired-1',
    ]);
    expect(run.stdout).toContain('3 deleted, 0 skipped, 0 failed of 3 planned');

    // Applying the same plan again deletes nothing more: the keys are gone.
    const again = await rig.apply(path);
    expect(again.code).toBe(0);
    expect(rig.deletedIds()).toHaveLength(3);
    expect(again.stdout).toContain('no longer exists');
  });

  it('skips a key used between plan and apply, and says so', async () => {
    const keys = sampleKeys();
    rig = await createRig(keys, ALL_RULES);
    const { path, plan } = await rig.plan();
    const before = plan.keys.find((k) => k.id === 'unused-1')!.lastUsedAt;
    const usedAt = '2026-11-27T08:00:00.000Z';
    rig.sim.setPersonalClients(keys.map((k) => (k.id === 'unused-1' ? { ...k, lastUsedAt: usedAt } : k)));

    const run = await rig.apply(path);
    expect(run.code).toBe(0);
    expect(rig.deletedIds().sort()).toEqual(['expired-1', 'never-used-1']);
    const [record] = await rig.records();
    const skipped = record!.keys.find((k) => k.id === 'unused-1')!;
    expect(skipped.outcome).toEqual({ status: 'skipped', reason: `used since the plan: lastUsedAt changed from ${before} to ${usedAt}` });
    expect(run.stdout).toContain('skipped  key unused-1 (unused-1@acme.conductor.one/pcc): used since the plan');
  });

  it('skips a key that vanished or whose expiry changed', async () => {
    const keys = sampleKeys();
    rig = await createRig(keys, ALL_RULES);
    const { path } = await rig.plan();
    rig.sim.setPersonalClients(
      keys.filter((k) => k.id !== 'never-used-1').map((k) => (k.id === 'expired-1' ? { ...k, expiresTime: '2030-01-01T00:00:00Z' } : k)),
    );
    const run = await rig.apply(path);
    expect(run.code).toBe(0);
    expect(rig.deletedIds()).toEqual(['unused-1']);
    const outcomes = Object.fromEntries((await rig.records())[0]!.keys.map((k) => [k.id, k.outcome]));
    expect(outcomes['never-used-1']).toEqual({ status: 'skipped', reason: 'no longer exists' });
    expect(outcomes['expired-1']).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/^expiresTime changed from .* to 2030-01-01T00:00:00.000Z$/) });
  });

  it('skips a key a suppression names by the time of the apply', async () => {
    rig = await createRig(sampleKeys(), ALL_RULES);
    const { path } = await rig.plan();
    await rig.writeConfig({ ...ALL_RULES, suppressions: [{ rule: 'unused', credential: 'unused-1', reason: 'owner objected' }] });
    const run = await rig.apply(path);
    expect(run.code).toBe(0);
    expect(rig.deletedIds().sort()).toEqual(['expired-1', 'never-used-1']);
    expect(run.stdout).toContain('a suppression now names this key (rule unused: owner objected)');
  });

  it('goes on after a delete fails with 500: the others are deleted, the failure recorded, exit 3', async () => {
    rig = await createRig(sampleKeys(), ALL_RULES);
    const { path } = await rig.plan();
    rig.sim.injectFault({ kind: 'status', status: 500, route: 'delete_personal_client', credentialId: 'unused-1', times: 10 });
    const run = await rig.apply(path);
    expect(run.code).toBe(3);
    expect(rig.listedIds().sort()).toEqual(['fresh-1', 'fresh-2', 'unused-1']);
    const [record] = await rig.records();
    expect(record!.summary).toEqual({ planned: 3, deleted: 2, skipped: 0, failed: 1 });
    const failed = record!.keys.find((k) => k.id === 'unused-1')!.outcome;
    expect(failed).toMatchObject({ status: 'failed', code: 'C1_HTTP_ERROR', error: expect.stringContaining('HTTP 500') });
    // Retried like the listing (maxRetries 1 → 2 attempts) before giving up.
    expect(rig.sim.requestsTo('delete_personal_client').filter((req) => req.path.endsWith('/unused-1'))).toHaveLength(2);
    expect(run.stdout).toContain('FAILED   key unused-1');
  });

  it('retries a 429 and refreshes an expired token before deleting', async () => {
    rig = await createRig(sampleKeys(), { ...ALL_RULES, remediation: { rules: ['unused'] } });
    const { path } = await rig.plan();
    rig.sim.injectFault({ kind: 'status', status: 429, retryAfter: 0, route: 'delete_personal_client', credentialId: 'unused-1' });
    rig.sim.injectFault({ kind: 'expire-tokens', route: 'delete_personal_client', credentialId: 'unused-1' });
    const tokensBefore = rig.sim.requestsTo('token').length;
    const run = await rig.apply(path);
    expect(run.code).toBe(0);
    expect(rig.listedIds()).not.toContain('unused-1');
    expect((await rig.records())[0]!.keys[0]!.outcome).toMatchObject({ status: 'deleted' });
    // 429, then the retry hits the revoked token (401), then the retry with a fresh token succeeds.
    expect(rig.sim.requestsTo('delete_personal_client').map((req) => req.path)).toEqual(Array(3).fill('/api/v1/iam/personal_clients/unused-1'));
    // One token for the listing, one for the deletes, one fresh after the 401.
    expect(rig.sim.requestsTo('token').length - tokensBefore).toBe(3);
  });

  it('reports a 403 per key in plain words', async () => {
    rig = await createRig(sampleKeys(), ALL_RULES);
    const { path } = await rig.plan();
    rig.sim.injectFault({ kind: 'status', status: 403, route: 'delete_personal_client', credentialId: 'expired-1', message: 'permission denied' });
    const run = await rig.apply(path);
    expect(run.code).toBe(3);
    const outcome = (await rig.records())[0]!.keys.find((k) => k.id === 'expired-1')!.outcome;
    expect(outcome).toEqual({ status: 'failed', code: 'C1_FORBIDDEN', error: `${FORBIDDEN_EXPLANATION} (C1 said: permission denied)` });
    expect(run.stdout).toContain("C1 refused: this key may not delete that user's key");
    expect(rig.deletedIds().sort()).toEqual(['expired-1', 'never-used-1', 'unused-1']);
    expect(rig.listedIds()).toContain('expired-1');
  });

  describe('refuses, deleting nothing and fetching nothing', () => {
    async function refusal(edit: (plan: Record<string, unknown>) => void, reseal: boolean): Promise<{ code: number; stderr: string }> {
      rig = await createRig(sampleKeys(), ALL_RULES);
      const { path, plan } = await rig.plan();
      const content = plan as unknown as Record<string, unknown>;
      edit(content);
      if (reseal) content.sha256 = planDigest(content);
      await writeFile(path, JSON.stringify(content));
      const requestsBefore = rig.sim.requests.length;
      const run = await rig.apply(path);
      expect(rig.deletedIds()).toEqual([]);
      expect(rig.sim.requests.length).toBe(requestsBefore);
      expect(await rig.records()).toEqual([]);
      expect(run.stderr).toContain('nothing was deleted');
      return run;
    }

    it('an edited plan (hash mismatch)', async () => {
      const run = await refusal((plan) => {
        (plan.keys as { id: string }[])[0]!.id = 'fresh-1';
      }, false);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('does not match its sha256');
    });

    it('a plan for another tenant', async () => {
      const run = await refusal((plan) => {
        plan.tenant = 'other.conductor.one';
      }, true);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('made for tenant "other.conductor.one"');
    });

    it('a plan for another scope', async () => {
      const run = await refusal((plan) => {
        plan.scope = 'tenant';
      }, true);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('made for scope "tenant"');
    });

    it('a file that is not a plan', async () => {
      rig = await createRig(sampleKeys(), ALL_RULES);
      const notAPlan = join(rig.dir, 'report.json');
      await writeFile(notAPlan, JSON.stringify({ schemaVersion: 1, findings: [] }));
      const run = await rig.apply(notAPlan);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('it is not a remediation plan');
      const missing = await rig.apply(join(rig.dir, 'nope.json'));
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('there is no such file');
      expect(rig.sim.requests).toHaveLength(0);
    });
  });

  it('refuses a plan older than 24 hours (only the clock moves)', async () => {
    rig = await createRig(sampleKeys(), ALL_RULES);
    const clock = manualClock();
    const { path } = await rig.plan(clock.clock);
    const requests = rig.sim.requests.length;
    clock.advance(24 * 3_600_000 + 60_000);
    const run = await rig.apply(path, clock.clock);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('it was made 24 hours ago');
    expect(rig.sim.requests.length).toBe(requests);
    expect(rig.deletedIds()).toEqual([]);
  });

  it('waits for no one: while another run holds the state directory it exits 3, names the holder and deletes nothing', async () => {
    rig = await createRig(sampleKeys(), ALL_RULES);
    const { path } = await rig.plan();
    const held = await acquireRunLock(rig.stateDir, { command: 'audit' });
    try {
      const run = await rig.apply(path);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/audit/);
      expect(run.stderr).toContain(String(process.pid));
      expect(rig.deletedIds()).toEqual([]);
      expect(await rig.records()).toEqual([]);
    } finally {
      await held.release();
    }
  });

  it('deletes nothing and writes no record when the keys cannot be listed again (exit 3)', async () => {
    rig = await createRig(sampleKeys(), ALL_RULES);
    const { path } = await rig.plan();
    rig.sim.injectFault({ kind: 'status', status: 503, route: 'personal_clients', times: 5 });
    const run = await rig.apply(path);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('HTTP 503');
    expect(rig.deletedIds()).toEqual([]);
    expect(await rig.records()).toEqual([]);
  });

  it('refuses --plan-out together with --apply', async () => {
    rig = await createRig(sampleKeys(), ALL_RULES);
    const run = await rig.remediate({ apply: 'x.json', planOut: 'y.json' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('give only one of them');
  });
});
