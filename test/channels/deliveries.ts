import type { DigestDelivery, FailureNoticeDelivery } from '../../src/channels/types.js';
import type { DueFinding } from '../../src/lifecycle/types.js';
import { finding } from '../lifecycle/sample-findings.js';

export function dueFinding(overrides: Partial<DueFinding> = {}): DueFinding {
  return { ...finding(overrides), dueReason: 'new', ...overrides };
}

export function digestDelivery(overrides: Partial<DigestDelivery> = {}): DigestDelivery {
  return {
    deliveryId: 'd-7f3c2a1b-0e4d-4c8a-9b6f-2d1e0c9b8a7f',
    tenant: 'acme.conductor.one',
    runId: 'run-0001',
    asOf: '2026-11-26T07:00:00.000Z',
    due: [
      dueFinding({ ruleId: 'broad-cidr', credentialId: 'cred-1', severity: 'critical', title: 'Allowed source range too broad', message: 'allows 0.0.0.0/0' }),
      dueFinding({ ruleId: 'no-expiry', credentialId: 'cred-2', severity: 'high' }),
      dueFinding({ ruleId: 'missing-cidr', credentialId: 'cred-2', severity: 'medium', title: 'No source IP limit', dueReason: 'renotify' }),
    ],
    resolved: [],
    reportLocation: '/var/lib/c1-hygiene/reports/report-20261126T070000.000Z.json',
    ...overrides,
  };
}

export function failureNotice(overrides: Partial<FailureNoticeDelivery> = {}): FailureNoticeDelivery {
  return {
    deliveryId: 'f-0b1c2d3e-4f50-4617-8283-94a5b6c7d8e9',
    tenant: 'acme.conductor.one',
    runId: 'run-0002',
    startedAt: '2026-11-27T07:00:00.000Z',
    error: 'C1 refused the credentials for POST /auth/v1/token (HTTP 401)',
    ...overrides,
  };
}

/** `count` due findings on `count` different keys, worst first as the lifecycle hands them over. */
export function manyDue(count: number, text = 'x'): DueFinding[] {
  const severities = ['critical', 'high', 'medium'] as const;
  return Array.from({ length: count }, (_, i) =>
    dueFinding({
      credentialId: `cred-${i}`,
      severity: severities[Math.floor((i * severities.length) / count)] ?? 'medium',
      displayName: `${text.repeat(50)} key ${i}`,
      message: text.repeat(900),
      remediation: text.repeat(900),
    }),
  );
}
