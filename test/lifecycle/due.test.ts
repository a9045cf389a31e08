import { describe, expect, it } from 'vitest';
import { markAlerted, selectDue } from '../../src/lifecycle/due.js';
import { trackFindings } from '../../src/lifecycle/track.js';
import { emptyState, type DueReason, type LifecycleState } from '../../src/lifecycle/types.js';
import type { Finding } from '../../src/rules/types.js';
import type { Severity } from '../../src/severity.js';
import { daysAfter, finding, suppressedFinding, T0 } from './sample-findings.js';

const policy = { minSeverity: 'medium' as Severity, renotifyAfterDays: 7 };

/** State in which `alerted` was last alerted at T0 with `severity`. */
function alertedAt(severity: Severity, alerted: Finding = finding()): LifecycleState {
  const tracked = trackFindings(emptyState(), [{ ...alerted, severity }], [], T0);
  return markAlerted(tracked.state, [{ ...alerted, severity }], T0);
}

interface Case {
  name: string;
  state: LifecycleState;
  severity: Severity;
  now: Date;
  expected: DueReason | null;
}

const cases: Case[] = [
  { name: 'new finding at minSeverity', state: emptyState(), severity: 'medium', now: T0, expected: 'new' },
  { name: 'new finding below minSeverity', state: emptyState(), severity: 'low', now: T0, expected: null },
  { name: 'tracked but never alerted (was below threshold)', state: trackFindings(emptyState(), [finding({ severity: 'low' })], [], T0).state, severity: 'high', now: daysAfter(T0, 1), expected: 'new' },
  { name: 'same severity inside the renotify window', state: alertedAt('high'), severity: 'high', now: daysAfter(T0, 3), expected: null },
  { name: 'exactly renotifyAfterDays later', state: alertedAt('high'), severity: 'high', now: daysAfter(T0, 7), expected: null },
  { name: 'just past renotifyAfterDays', state: alertedAt('high'), severity: 'high', now: daysAfter(T0, 7, 1), expected: 'renotify' },
  { name: 'alerted "in the future" (a run with a later --as-of)', state: alertedAt('high'), severity: 'high', now: daysAfter(T0, 0, -1), expected: 'renotify' },
  { name: 'severity rose', state: alertedAt('medium'), severity: 'high', now: daysAfter(T0, 1), expected: 'severity-raised' },
  { name: 'severity dropped', state: alertedAt('critical'), severity: 'high', now: daysAfter(T0, 1), expected: null },
  { name: 'dropped below minSeverity long after', state: alertedAt('high'), severity: 'low', now: daysAfter(T0, 30), expected: null },
];

describe('selectDue', () => {
  it.each(cases)('$name → $expected', ({ state, severity, now, expected }) => {
    const due = selectDue(state, [finding({ severity })], now, policy);
    if (expected === null) expect(due).toEqual([]);
    else expect(due.map((entry) => entry.dueReason)).toEqual([expected]);
  });

  it('never selects suppressed findings: only open findings are passed in', () => {
    const suppressed = suppressedFinding({ severity: 'critical' });
    const tracked = trackFindings(emptyState(), [], [suppressed], T0);
    expect(selectDue(tracked.state, tracked.findings, T0, policy)).toEqual([]);
  });

  it('returns the highest severity first and keeps the finding fields', () => {
    const medium = finding({ credentialId: 'm', severity: 'medium' });
    const critical = finding({ credentialId: 'c', severity: 'critical' });
    const due = selectDue(emptyState(), [medium, critical], T0, policy);
    expect(due.map((entry) => entry.credentialId)).toEqual(['c', 'm']);
    expect(due[0]).toMatchObject({ ...critical, dueReason: 'new' });
  });
});

describe('markAlerted', () => {
  it('records time and severity for the due findings only, and sets lastDigestAt', () => {
    const x = finding({ credentialId: 'x' });
    const y = finding({ credentialId: 'y' });
    const tracked = trackFindings(emptyState(), [x, y], [], T0);
    const marked = markAlerted(tracked.state, [x], daysAfter(T0, 1));
    expect(marked.findings[x.fingerprint]).toMatchObject({ lastAlertedAt: daysAfter(T0, 1).toISOString(), lastAlertedSeverity: 'high' });
    expect(marked.findings[y.fingerprint]).toMatchObject({ lastAlertedAt: null, lastAlertedSeverity: null });
    expect(marked.lastDigestAt).toBe(daysAfter(T0, 1).toISOString());
  });

  it('a failed delivery (state saved without markAlerted) leaves the findings due; after success they are not due again', () => {
    const x = finding({ credentialId: 'x' });
    const run1 = trackFindings(emptyState(), [x], [], T0);
    expect(selectDue(run1.state, run1.findings, T0, policy)).toHaveLength(1);
    // Delivery failed: the pipeline saves run1.state as is.

    const y = finding({ credentialId: 'y', severity: 'critical' });
    const run2 = trackFindings(run1.state, [x, y], [], daysAfter(T0, 1));
    const due2 = selectDue(run2.state, run2.findings, daysAfter(T0, 1), policy);
    expect(due2.map((entry) => [entry.credentialId, entry.dueReason])).toEqual([
      ['y', 'new'],
      ['x', 'new'],
    ]);
    const delivered = markAlerted(run2.state, due2, daysAfter(T0, 1));

    const run3 = trackFindings(delivered, [x, y], [], daysAfter(T0, 2));
    expect(selectDue(run3.state, run3.findings, daysAfter(T0, 2), policy)).toEqual([]);
  });
});
