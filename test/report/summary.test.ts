import { describe, expect, it } from 'vitest';
import { renderSummary } from '../../src/report/summary.js';
import { finding } from '../lifecycle/sample-findings.js';
import { sampleReport } from './sample-report.js';

const findings = [
  finding({ fingerprint: 'f-low', ruleId: 'long-lived', severity: 'low', displayName: 'Old key', message: 'lives 400 days' }),
  finding({ fingerprint: 'f-crit', ruleId: 'broad-cidr', severity: 'critical', displayName: 'Wide open', message: 'allows every address (0.0.0.0/0)' }),
  finding({ fingerprint: 'f-high', ruleId: 'no-expiry', severity: 'high', displayName: 'Forever', message: 'never expires' }),
  finding({ fingerprint: 'f-med', ruleId: 'unused', severity: 'medium', displayName: 'Idle', message: 'unused for 120 days' }),
];

const report = sampleReport(
  {
    summary: {
      clientsScanned: 7,
      clientsSkipped: 1,
      clientsDeleted: 0,
      findings: 4,
      suppressed: 2,
      resolved: 3,
      bySeverity: { critical: 1, high: 1, medium: 1, low: 1, info: 0 },
      byRule: {},
    },
    warnings: [{ credentialId: 'x', field: 'createdAt', message: 'not a timestamp' }],
  },
  findings,
);

describe('renderSummary', () => {
  it('names the tenant, key counts, all five severities in order, and the counts of suppressed, resolved and warnings', () => {
    const text = renderSummary(report, { reportPath: '/var/reports/report-1.json' });
    expect(text).toContain('acme.conductor.one');
    expect(text).toContain('Keys: 7 scanned, 1 skipped');
    expect(text).toContain('Findings: 4 (critical 1, high 1, medium 1, low 1, info 0)');
    expect(text).toContain('Suppressed: 2, resolved since last run: 3, warnings: 1');
    expect(text).toContain('  warning: x createdAt: not a timestamp');
    expect(text).toContain('Report: /var/reports/report-1.json');
  });

  it('shows the first three warnings and counts the rest', () => {
    const warnings = Array.from({ length: 5 }, (_, i) => ({ credentialId: `k${i}`, field: 'lastUsedAt', message: `bad ${i}` }));
    const text = renderSummary({ ...report, warnings });
    expect(text).toContain('warning: k2 lastUsedAt: bad 2');
    expect(text).not.toContain('bad 3');
    expect(text).toContain('… and 2 more warnings in the report');
  });

  it('lists the worst findings first and says how many more there are', () => {
    const text = renderSummary(report, { worst: 2 });
    const lines = text.split('\n');
    const worst = lines.slice(lines.indexOf('Worst findings:') + 1, lines.indexOf('Worst findings:') + 4);
    expect(worst[0]).toBe('  [critical] Wide open (otter-cred-1@acme.conductor.one/pcc) broad-cidr: allows every address (0.0.0.0/0)');
    expect(worst[1]).toMatch(/^ {2}\[high\] Forever /);
    expect(worst[2]).toBe('  … and 2 more');
    expect(text).not.toContain('Report:');
  });

  it('says the report was not written when reportPath is null', () => {
    expect(renderSummary(report, { reportPath: null })).toContain('Report: not written');
  });

  it('strips control characters so a display name cannot move the cursor or fake lines', () => {
    const hostile = sampleReport({}, [
      finding({ displayName: 'evil\u001b[2J\u001b[H\r\nFindings: 0 (all clear)\u0007\u202e', clientId: 'c\u0000id' }),
    ]);
    const text = renderSummary(hostile);
    // eslint-disable-next-line no-control-regex -- looking for exactly those characters
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
    expect(text.split('\n').filter((line) => line.startsWith('Findings:'))).toHaveLength(1);
    expect(text).toContain('evil [2J [H Findings: 0 (all clear)');
  });

  it('cuts very long values', () => {
    const long = sampleReport({}, [finding({ displayName: 'x'.repeat(10_000) })]);
    const line = renderSummary(long).split('\n').find((candidate) => candidate.startsWith('  [high]'));
    expect(line).toBeDefined();
    expect(line!.length).toBeLessThan(400);
    expect(line).toContain('x…');
  });
});
