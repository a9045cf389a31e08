import { describe, expect, it } from 'vitest';
import type { Suppression } from '../../src/config/types.js';
import type { NormalizedKey } from '../../src/keys/types.js';
import { RULES } from '../../src/rules/index.js';
import { evaluateKeys, evaluationCoverage, fingerprint, type EvaluationInput } from '../../src/rules/evaluate.js';
import type { RoleInfo, Rule } from '../../src/rules/types.js';
import { DAY, NOW, at, buildKey, cidr, ruleOptions, rulesConfig } from '../helpers/keys.js';

function run(keys: NormalizedKey[], overrides: Partial<EvaluationInput> = {}) {
  return evaluateKeys(keys, {
    now: NOW,
    rules: rulesConfig(),
    roles: new Map<string, RoleInfo>(),
    suppressions: [],
    ...overrides,
  });
}

const ruleIds = (result: ReturnType<typeof run>) => result.findings.map((f) => f.ruleId).sort();

/** Fires for every key, reading no field; stands for a rule added in the future. */
const alwaysFires: Rule = {
  meta: {
    id: 'always',
    title: 'Always',
    defaultSeverity: 'info',
    firesWhen: 'always',
    options: '—',
    fields: ['displayName'],
    risk: 'none',
    remediation: 'none',
    reference: 'https://example.invalid/',
  },
  evaluate: () => ({ message: 'always', evidence: {} }),
};

describe('evaluateKeys', () => {
  it('finds nothing for the clean default key', () => {
    expect(run([buildKey()])).toEqual({ findings: [], suppressed: [] });
  });

  it('builds a complete finding', () => {
    const { findings } = run([buildKey({ expiresTime: null })]);
    expect(findings).toEqual([
      {
        fingerprint: fingerprint('no-expiry', 'key-1'),
        ruleId: 'no-expiry',
        severity: 'high',
        credentialId: 'key-1',
        clientId: 'calm-heron-1@acme.conductor.one/pcc',
        displayName: 'deploy bot',
        owner: null,
        title: 'Key never expires',
        message: 'never expires (created 2026-10-27); it stays valid until someone deletes it',
        evidence: { expiresTime: null, createdAt: '2026-10-27T10:00:00.000Z' },
        risk: expect.any(String),
        remediation: expect.stringContaining('C1'),
        reference: expect.stringMatching(/^https:\/\//),
        firstSeenAt: NOW.toISOString(),
      },
    ]);
  });

  it('runs every rule on every key', () => {
    const risky = buildKey({
      id: 'risky',
      expiresTime: null,
      lastUsedAt: null,
      createdAt: at(-30 * DAY),
      allowSourceCidr: { valid: [cidr('0.0.0.0/0', 4, 0)], invalid: ['banana'] },
      scopedRoles: null,
    });
    const result = run([risky, buildKey({ id: 'other', lastUsedAt: at(-100 * DAY) })]);
    expect(result.findings.filter((f) => f.credentialId === 'risky').map((f) => f.ruleId).sort()).toEqual(
      ['broad-cidr', 'broad-roles', 'invalid-cidr', 'never-used', 'no-expiry'].sort(),
    );
    expect(result.findings.filter((f) => f.credentialId === 'other').map((f) => f.ruleId)).toEqual(['unused']);
  });

  it('skips disabled rules', () => {
    const key = buildKey({ expiresTime: null, scopedRoles: null });
    expect(ruleIds(run([key]))).toEqual(['broad-roles', 'no-expiry']);
    expect(ruleIds(run([key], { rules: rulesConfig({ disabled: ['no-expiry'] }) }))).toEqual(['broad-roles']);
  });

  describe('severity', () => {
    it('uses a configured override instead of the default', () => {
      const { findings } = run([buildKey({ expiresTime: null })], { rules: rulesConfig({ severity: { 'no-expiry': 'critical' } }) });
      expect(findings[0]?.severity).toBe('critical');
    });

    it('raises to the escalation when it is higher than the configured severity', () => {
      const urgent = buildKey({ expiresTime: at(DAY) });
      expect(run([urgent]).findings[0]?.severity).toBe('high');
      const lowered = rulesConfig({ severity: { 'expiring-soon': 'low' } });
      expect(run([urgent], { rules: lowered }).findings[0]?.severity).toBe('high');
      expect(run([buildKey({ expiresTime: at(10 * DAY) })], { rules: lowered }).findings[0]?.severity).toBe('low');
    });

    it('never lowers a configured severity above the escalation', () => {
      const raised = rulesConfig({ severity: { 'expiring-soon': 'critical' } });
      expect(run([buildKey({ expiresTime: at(DAY) })], { rules: raised }).findings[0]?.severity).toBe('critical');
    });

    it('makes a /0 range critical', () => {
      const key = buildKey({ allowSourceCidr: { valid: [cidr('::/0', 6, 0)], invalid: [] } });
      expect(run([key]).findings.map((f) => [f.ruleId, f.severity])).toEqual([['broad-cidr', 'critical']]);
    });
  });

  describe('an invalid field', () => {
    it('skips only the rules reading it', () => {
      // expiresTime was garbage: null, but not "unset", so no-expiry must not fire.
      const key = buildKey({ expiresTime: null, invalidFields: ['expiresTime'], lastUsedAt: at(-100 * DAY) });
      expect(ruleIds(run([key]))).toEqual(['unused']);
    });

    it('skips a rule reading several fields when one of them is invalid', () => {
      const key = buildKey({ lastUsedAt: null, createdAt: null, invalidFields: ['createdAt'], expiresTime: null });
      // never-used reads createdAt; no-expiry does not.
      expect(ruleIds(run([key]))).toEqual(['no-expiry']);
      const garbageLastUse = buildKey({ lastUsedAt: null, invalidFields: ['lastUsedAt'] });
      expect(ruleIds(run([garbageLastUse]))).toEqual([]);
    });
  });

  describe('an expired key', () => {
    const expiredKey = buildKey({
      expiresTime: at(0),
      createdAt: at(-800 * DAY),
      lastUsedAt: at(-400 * DAY),
      allowSourceCidr: null,
      scopedRoles: null,
    });

    it('reports only `expired`, even for rules added later', () => {
      const catalogue = [alwaysFires, ...RULES];
      expect(run([buildKey()], { catalogue }).findings.map((f) => f.ruleId)).toEqual(['always']);
      expect(run([expiredKey], { catalogue }).findings.map((f) => f.ruleId)).toEqual(['expired']);
    });

    it('reports nothing else when `expired` is disabled', () => {
      expect(run([expiredKey], { rules: rulesConfig({ disabled: ['expired'] }) }).findings).toEqual([]);
    });

    it('is no longer expired 1 ms earlier', () => {
      const stillValid = { ...expiredKey, expiresTime: at(1) };
      expect(ruleIds(run([stillValid]))).toEqual(
        ['broad-roles', 'expiring-soon', 'long-lived', 'missing-cidr', 'unused'].sort(),
      );
    });
  });

  describe('fingerprint', () => {
    it('is stable, short hex and independent of severity and message', () => {
      expect(fingerprint('unused', 'key-1')).toBe(fingerprint('unused', 'key-1'));
      expect(fingerprint('unused', 'key-1')).toMatch(/^[0-9a-f]{20}$/);
      const soon = run([buildKey({ expiresTime: at(10 * DAY) })]).findings[0];
      const urgent = run([buildKey({ expiresTime: at(DAY) })]).findings[0];
      expect(soon?.severity).not.toBe(urgent?.severity);
      expect(soon?.message).not.toBe(urgent?.message);
      expect(soon?.fingerprint).toBe(urgent?.fingerprint);
    });

    it('differs by rule and by key, without ambiguity at the separator', () => {
      const prints = new Set([
        fingerprint('unused', 'key-1'),
        fingerprint('unused', 'key-2'),
        fingerprint('never-used', 'key-1'),
        fingerprint('a', 'bc'),
        fingerprint('ab', 'c'),
      ]);
      expect(prints.size).toBe(5);
    });
  });

  it('orders findings by severity, then display name, then rule, then key', () => {
    const keys = [
      buildKey({ id: 'k-b', displayName: 'beta', expiresTime: null, scopedRoles: null }),
      buildKey({ id: 'k-a', displayName: 'alpha', lastUsedAt: at(-100 * DAY), allowSourceCidr: null }),
      buildKey({ id: 'k-z', displayName: 'alpha', allowSourceCidr: { valid: [cidr('0.0.0.0/0', 4, 0)], invalid: [] } }),
      buildKey({ id: 'k-y', displayName: 'alpha', lastUsedAt: at(-100 * DAY) }),
    ];
    const order = (result: ReturnType<typeof run>) => result.findings.map((f) => `${f.severity} ${f.displayName} ${f.ruleId} ${f.credentialId}`);
    const expected = [
      'critical alpha broad-cidr k-z',
      'high beta broad-roles k-b',
      'high beta no-expiry k-b',
      'medium alpha missing-cidr k-a',
      'medium alpha unused k-a',
      'medium alpha unused k-y',
    ];
    expect(order(run(keys))).toEqual(expected);
    expect(order(run([...keys].reverse()))).toEqual(expected);
  });

  describe('suppressions', () => {
    const key = buildKey({ id: 'pc-7', clientId: 'otter@acme.conductor.one/pcc', expiresTime: null, scopedRoles: null });
    const suppression = (overrides: Partial<Suppression>): Suppression => ({
      rule: 'no-expiry',
      credential: 'pc-7',
      reason: 'break-glass key, reviewed quarterly',
      expires: null,
      ...overrides,
    });

    it('moves a finding matched by key id to `suppressed`', () => {
      const result = run([key], { suppressions: [suppression({ expires: at(DAY) })] });
      expect(result.findings.map((f) => f.ruleId)).toEqual(['broad-roles']);
      expect(result.suppressed).toEqual([
        expect.objectContaining({
          ruleId: 'no-expiry',
          credentialId: 'pc-7',
          fingerprint: fingerprint('no-expiry', 'pc-7'),
          reason: 'break-glass key, reviewed quarterly',
          suppressionExpires: at(DAY).toISOString(),
        }),
      ]);
    });

    it('matches by clientId too, and without expiry', () => {
      const result = run([key], { suppressions: [suppression({ credential: 'otter@acme.conductor.one/pcc' })] });
      expect(result.suppressed.map((f) => [f.ruleId, f.suppressionExpires])).toEqual([['no-expiry', null]]);
    });

    it('does not match another rule or another key', () => {
      const result = run([key], {
        suppressions: [suppression({ rule: 'unused' }), suppression({ credential: 'pc-8' })],
      });
      expect(result.suppressed).toEqual([]);
      expect(result.findings).toHaveLength(2);
    });

    it('no longer applies at exactly its expiry, nor after', () => {
      for (const expires of [NOW, at(-DAY)]) {
        const result = run([key], { suppressions: [suppression({ expires })] });
        expect(result.suppressed).toEqual([]);
        expect(result.findings.map((f) => f.ruleId)).toContain('no-expiry');
      }
    });
  });

  it('resolves broad roles through the roles map', () => {
    const roles = new Map<string, RoleInfo>([['r1', { id: 'r1', name: 'super_admin', displayName: 'Super Administrator' }]]);
    const rules = rulesConfig({ options: ruleOptions({ broadRoles: { roles: ['Super Administrator'] } }) });
    const key = buildKey({ scopedRoles: ['r1'] });
    expect(ruleIds(run([key], { rules, roles }))).toEqual(['broad-roles']);
    expect(ruleIds(run([key], { rules }))).toEqual([]);
  });
});

describe('evaluationCoverage', () => {
  const broken = buildKey({ id: 'broken', lastUsedAt: null, invalidFields: ['lastUsedAt'] });
  const fine = buildKey({ id: 'fine' });
  const covered = evaluationCoverage([broken, fine], rulesConfig({ disabled: ['long-lived'] }));

  it('says a rule was looked for on a key it ran on', () => {
    expect(covered('unused', 'fine')).toBe(true);
    expect(covered('no-expiry', 'broken')).toBe(true);
  });

  it('says no for a disabled rule, an unknown rule, and a rule whose field did not parse', () => {
    expect(covered('long-lived', 'fine')).toBe(false);
    expect(covered('retired-rule', 'fine')).toBe(false);
    expect(covered('unused', 'broken')).toBe(false);
    expect(covered('never-used', 'broken')).toBe(false);
  });

  it('says yes for a key that is gone: its findings are really resolved', () => {
    expect(covered('unused', 'deleted-key')).toBe(true);
  });
});

describe('evaluationCoverage with gaps in what the run could see', () => {
  const fine = buildKey({ id: 'fine' });

  it('keeps findings of absent keys when the listing had unidentifiable items', () => {
    const covered = evaluationCoverage([fine], rulesConfig(), { listingComplete: false, partialRules: new Set() });
    expect(covered('unused', 'absent-key')).toBe(false);
    expect(covered('unused', 'fine')).toBe(true);
  });

  it('keeps findings of a rule that could only partly run', () => {
    const covered = evaluationCoverage([fine], rulesConfig(), { listingComplete: true, partialRules: new Set(['broad-roles']) });
    expect(covered('broad-roles', 'fine')).toBe(false);
    expect(covered('missing-cidr', 'fine')).toBe(true);
  });
});
