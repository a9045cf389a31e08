import { describe, expect, it } from 'vitest';
import type { Suppression } from '../../src/config/types.js';
import {
  applySuppressions,
  expiredSuppressions,
  isSuppressionActive,
  matchSuppression,
  suppressionWarnings,
  unusedSuppressions,
} from '../../src/lifecycle/suppressions.js';
import type { Finding } from '../../src/rules/types.js';

const NOW = new Date('2026-11-26T10:00:00.000Z');
const later = (ms: number) => new Date(NOW.getTime() + ms);

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    fingerprint: 'f1',
    ruleId: 'no-expiry',
    severity: 'high',
    credentialId: 'pc-1',
    clientId: 'otter@acme.conductor.one/pcc',
    displayName: 'deploy bot',
    owner: null,
    title: 'Key never expires',
    message: 'never expires',
    evidence: {},
    risk: 'r',
    remediation: 'm',
    reference: 'https://example.invalid/',
    firstSeenAt: NOW.toISOString(),
    ...overrides,
  };
}

function suppression(overrides: Partial<Suppression> = {}): Suppression {
  return { rule: 'no-expiry', credential: 'pc-1', reason: 'accepted', expires: null, ...overrides };
}

describe('isSuppressionActive', () => {
  it.each([
    ['no expiry', null, true],
    ['expires 1 ms after now', later(1), true],
    ['expires exactly now', NOW, false],
    ['expired yesterday', later(-86_400_000), false],
  ])('%s → %s', (_name, expires, active) => {
    expect(isSuppressionActive(suppression({ expires }), NOW)).toBe(active);
  });
});

describe('matchSuppression', () => {
  it('matches by key id or clientId, and returns the first active match', () => {
    const byClientId = suppression({ credential: 'otter@acme.conductor.one/pcc', reason: 'by client id' });
    const ended = suppression({ reason: 'ended', expires: NOW });
    const byId = suppression({ reason: 'by id' });
    expect(matchSuppression(finding(), [ended, byClientId, byId], NOW)).toBe(byClientId);
    expect(matchSuppression(finding(), [ended, byId], NOW)).toBe(byId);
    expect(matchSuppression(finding(), [ended], NOW)).toBeNull();
  });

  it('needs the same rule, and never matches an empty credential to an empty clientId', () => {
    expect(matchSuppression(finding(), [suppression({ rule: 'unused' })], NOW)).toBeNull();
    expect(matchSuppression(finding({ clientId: '' }), [suppression({ credential: '' })], NOW)).toBeNull();
  });
});

describe('applySuppressions', () => {
  it('moves covered findings with reason and expiry', () => {
    const kept = finding({ ruleId: 'unused', fingerprint: 'f2' });
    const result = applySuppressions([finding(), kept], [suppression({ expires: later(60_000) })], NOW);
    expect(result.findings).toEqual([kept]);
    expect(result.suppressed).toEqual([{ ...finding(), reason: 'accepted', suppressionExpires: later(60_000).toISOString() }]);
  });
});

describe('stale suppressions', () => {
  const active = suppression({ reason: 'active' });
  const ended = suppression({ reason: 'ended', expires: NOW });
  const orphan = suppression({ credential: 'pc-gone', reason: 'orphan' });

  it('lists ended suppressions', () => {
    expect(expiredSuppressions([active, ended, orphan], NOW)).toEqual([ended]);
  });

  it('lists active suppressions that covered nothing', () => {
    expect(unusedSuppressions([active, ended, orphan], [finding()], NOW)).toEqual([orphan]);
    expect(unusedSuppressions([active], [], NOW)).toEqual([active]);
  });
});

describe('suppressionWarnings', () => {
  it('warns about expired suppressions and about ones that matched nothing, not about working ones', () => {
    const now = new Date('2026-11-26T10:00:00Z');
    const finding = { ruleId: 'unused', credentialId: 'key-1', clientId: 'c@acme.conductor.one/pcc' } as Finding;
    const working = { rule: 'unused', credential: 'key-1', reason: 'ok', expires: null };
    const expired = { rule: 'unused', credential: 'key-2', reason: 'old', expires: new Date('2026-11-01T00:00:00Z') };
    const orphan = { rule: 'no-expiry', credential: 'key-1', reason: 'typo', expires: null };
    const warnings = suppressionWarnings([working, expired, orphan], [finding], now);
    expect(warnings.map((w) => [w.credentialId, w.field])).toEqual([
      ['key-2', 'suppressions'],
      ['key-1', 'suppressions'],
    ]);
    expect(warnings[0]?.message).toContain('expired on 2026-11-01');
    expect(warnings[1]?.message).toContain('"no-expiry"');
  });
});
