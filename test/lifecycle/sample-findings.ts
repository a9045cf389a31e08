import type { Finding, SuppressedFinding } from '../../src/rules/types.js';

export const T0 = new Date('2026-11-26T07:00:00.000Z');
export const DAY_MS = 86_400_000;

export function daysAfter(start: Date, days: number, extraMs = 0): Date {
  return new Date(start.getTime() + days * DAY_MS + extraMs);
}

/** A finding with believable defaults; `fingerprint` is what tests usually vary. */
export function finding(overrides: Partial<Finding> = {}): Finding {
  const ruleId = overrides.ruleId ?? 'no-expiry';
  const credentialId = overrides.credentialId ?? 'cred-1';
  return {
    fingerprint: `${ruleId}:${credentialId}`,
    ruleId,
    severity: 'high',
    credentialId,
    clientId: `otter-${credentialId}@acme.conductor.one/pcc`,
    displayName: `Key ${credentialId}`,
    owner: null,
    title: 'Key never expires',
    message: 'the key has no expiry date',
    evidence: {},
    risk: 'A key without expiry stays usable forever if it leaks.',
    remediation: 'Create a replacement key with an expiry date and delete this one.',
    reference: 'https://www.conductorone.com/docs/',
    firstSeenAt: '',
    ...overrides,
  };
}

export function suppressedFinding(overrides: Partial<SuppressedFinding> = {}): SuppressedFinding {
  return { ...finding(overrides), reason: 'break-glass key, reviewed', suppressionExpires: null, ...overrides };
}
