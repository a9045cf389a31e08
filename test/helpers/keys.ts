import type { AppConfig } from '../../src/config/types.js';
import type { CidrEntry, NormalizedKey } from '../../src/keys/types.js';
import type { RoleInfo, RuleContext, RuleOptions } from '../../src/rules/types.js';

/** The fixed "now" of rule tests: the rule engine never reads the clock. */
export const NOW = new Date('2026-11-26T10:00:00.000Z');
export const DAY = 86_400_000;

/** NOW shifted by a number of milliseconds (negative = in the past). */
export function at(offsetMs: number): Date {
  return new Date(NOW.getTime() + offsetMs);
}

/** The contract's default rule options. */
export function ruleOptions(overrides: Partial<RuleOptions> = {}): RuleOptions {
  return {
    expiringSoon: { days: 14, urgentDays: 3 },
    unused: { days: 90, neverUsedGraceDays: 7 },
    broadCidr: { minPrefixV4: 16, minPrefixV6: 48 },
    broadRoles: { roles: [] },
    longLived: { maxDays: 365 },
    ...overrides,
  };
}

export function rulesConfig(overrides: Partial<AppConfig['rules']> = {}): AppConfig['rules'] {
  return { options: ruleOptions(), disabled: [], severity: {}, ...overrides };
}

export function ruleContext(overrides: Partial<RuleContext> = {}): RuleContext {
  return { now: NOW, options: ruleOptions(), roles: new Map<string, RoleInfo>(), ...overrides };
}

/** A parsed allowSourceCidr entry, for tests that do not go through normalisation. */
export function cidr(text: string, version: 4 | 6, prefix: number): CidrEntry {
  return { raw: text, version, prefix, cidr: text };
}

/**
 * A clean key by default: used yesterday, created 30 days ago, expiring in
 * 60 days (within a 365-day lifetime), limited to one /24, scoped to a role.
 * No rule fires for it at NOW with default options; each test changes only
 * what it is about.
 */
export function buildKey(overrides: Partial<NormalizedKey> = {}): NormalizedKey {
  return {
    id: 'key-1',
    clientId: 'calm-heron-1@acme.conductor.one/pcc',
    displayName: 'deploy bot',
    userId: 'user-1',
    createdAt: at(-30 * DAY),
    updatedAt: at(-30 * DAY),
    deletedAt: null,
    expiresTime: at(60 * DAY),
    lastUsedAt: at(-1 * DAY),
    allowSourceCidr: { valid: [cidr('203.0.113.0/24', 4, 24)], invalid: [] },
    scopedRoles: ['role-readonly-logs'],
    invalidFields: [],
    owner: null,
    ...overrides,
  };
}
