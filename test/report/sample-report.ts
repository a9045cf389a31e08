import type { AuditReport } from '../../src/report/types.js';
import type { Finding } from '../../src/rules/types.js';
import { finding } from '../lifecycle/sample-findings.js';

export function sampleReport(overrides: Partial<AuditReport> = {}, findings: Finding[] = [finding()]): AuditReport {
  return {
    schemaVersion: 1,
    tool: { name: 'c1-credential-hygiene', version: '0.1.0' },
    runId: 'run-1',
    asOf: '2026-11-26T21:33:16.000Z',
    startedAt: '2026-11-26T21:33:16.123Z',
    finishedAt: '2026-11-26T21:33:17.456Z',
    tenant: 'acme.conductor.one',
    summary: {
      clientsScanned: 3,
      clientsSkipped: 0,
      clientsDeleted: 0,
      findings: findings.length,
      suppressed: 0,
      resolved: 0,
      bySeverity: { critical: 0, high: findings.length, medium: 0, low: 0, info: 0 },
      byRule: { 'no-expiry': findings.length },
    },
    clients: [],
    findings,
    suppressed: [],
    resolved: [],
    warnings: [],
    rules: [],
    ...overrides,
  };
}
