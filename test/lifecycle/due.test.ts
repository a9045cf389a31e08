import { describe, expect, it } from 'vitest';
import { contentKey, markDelivered, planPending, selectDue } from '../../src/lifecycle/due.js';
import { trackFindings } from '../../src/lifecycle/track.js';
import { channelRecord, emptyChannelRecord, emptyState, type ChannelRecord, type DueReason } from '../../src/lifecycle/types.js';
import type { Finding } from '../../src/rules/types.js';
import type { Severity } from '../../src/severity.js';
import { daysAfter, finding, suppressedFinding, T0 } from './sample-findings.js';

const policy = { minSeverity: 'medium' as Severity, renotifyAfterDays: 7 };

const CHANNEL = 'email';

/** The channel record in which `alerted` was last alerted at T0 with `severity`. */
function alertedAt(severity: Severity, alerted: Finding = finding()): ChannelRecord {
  const tracked = trackFindings(emptyState(), [{ ...alerted, severity }], [], T0);
  return channelRecord(markDelivered(tracked.state, CHANNEL, [{ ...alerted, severity }], T0), CHANNEL);
}

interface Case {
  name: string;
  state: ChannelRecord;
  severity: Severity;
  now: Date;
  expected: DueReason | null;
}

const cases: Case[] = [
  { name: 'new finding at minSeverity', state: emptyChannelRecord(), severity: 'medium', now: T0, expected: 'new' },
  { name: 'new finding below minSeverity', state: emptyChannelRecord(), severity: 'low', now: T0, expected: null },
  { name: 'tracked but never alerted (was below threshold)', state: channelRecord(trackFindings(emptyState(), [finding({ severity: 'low' })], [], T0).state, CHANNEL), severity: 'high', now: daysAfter(T0, 1), expected: 'new' },
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
    expect(selectDue(channelRecord(tracked.state, CHANNEL), tracked.findings, T0, policy)).toEqual([]);
  });

  it('returns the highest severity first and keeps the finding fields', () => {
    const medium = finding({ credentialId: 'm', severity: 'medium' });
    const critical = finding({ credentialId: 'c', severity: 'critical' });
    const due = selectDue(emptyChannelRecord(), [medium, critical], T0, policy);
    expect(due.map((entry) => entry.credentialId)).toEqual(['c', 'm']);
    expect(due[0]).toMatchObject({ ...critical, dueReason: 'new' });
  });
});

describe('markDelivered', () => {
  it('records time and severity for the due findings only, on that channel only, and sets lastDeliveryAt', () => {
    const x = finding({ credentialId: 'x' });
    const y = finding({ credentialId: 'y' });
    const tracked = trackFindings(emptyState(), [x, y], [], T0);
    const marked = markDelivered(tracked.state, CHANNEL, [x], daysAfter(T0, 1));
    const record = channelRecord(marked, CHANNEL);
    expect(record.alerted[x.fingerprint]).toEqual({ at: daysAfter(T0, 1).toISOString(), severity: 'high' });
    expect(Object.hasOwn(record.alerted, y.fingerprint)).toBe(false);
    expect(record.lastDeliveryAt).toBe(daysAfter(T0, 1).toISOString());
    expect(Object.keys(marked.channels)).toEqual([CHANNEL]);
    expect(selectDue(channelRecord(marked, 'owner:u1'), [x], daysAfter(T0, 1), policy)).toHaveLength(1);
  });

  it('a failed delivery (state saved without markDelivered) leaves the findings due; after success they are not due again', () => {
    const x = finding({ credentialId: 'x' });
    const run1 = trackFindings(emptyState(), [x], [], T0);
    expect(selectDue(channelRecord(run1.state, CHANNEL), run1.findings, T0, policy)).toHaveLength(1);
    // Delivery failed: the pipeline saves run1.state as is.

    const y = finding({ credentialId: 'y', severity: 'critical' });
    const run2 = trackFindings(run1.state, [x, y], [], daysAfter(T0, 1));
    const due2 = selectDue(channelRecord(run2.state, CHANNEL), run2.findings, daysAfter(T0, 1), policy);
    expect(due2.map((entry) => [entry.credentialId, entry.dueReason])).toEqual([
      ['y', 'new'],
      ['x', 'new'],
    ]);
    const delivered = markDelivered(run2.state, CHANNEL, due2, daysAfter(T0, 1));

    const run3 = trackFindings(delivered, [x, y], [], daysAfter(T0, 2));
    expect(selectDue(channelRecord(run3.state, CHANNEL), run3.findings, daysAfter(T0, 2), policy)).toEqual([]);
  });
});

describe('planPending: the delivery id of a retried message', () => {
  const x = finding({ credentialId: 'x' });
  const y = finding({ credentialId: 'y' });
  let counter = 0;
  const fresh = (): string => `delivery-${++counter}`;

  it('keeps the id while the content is unchanged, takes a new one when it changes, and a new one after delivery', () => {
    const state = trackFindings(emptyState(), [x, y], [], T0).state;
    const first = planPending(state, CHANNEL, contentKey([x], []), fresh);
    const retry = planPending(first.state, CHANNEL, contentKey([x], []), fresh);
    expect(retry.deliveryId).toBe(first.deliveryId);
    expect(retry.state).toBe(first.state);

    const changed = planPending(first.state, CHANNEL, contentKey([x, y], []), fresh);
    expect(changed.deliveryId).not.toBe(first.deliveryId);
    expect(planPending(first.state, CHANNEL, contentKey([{ ...x, severity: 'critical' }], []), fresh).deliveryId).not.toBe(first.deliveryId);

    const delivered = markDelivered(changed.state, CHANNEL, [x, y], T0);
    expect(channelRecord(delivered, CHANNEL).pending).toBeNull();
    expect(planPending(delivered, CHANNEL, contentKey([x, y], []), fresh).deliveryId).not.toBe(changed.deliveryId);
  });

  it('the content key ignores order but not what is resolved', () => {
    expect(contentKey([x, y], [])).toBe(contentKey([y, x], []));
    const gone = { fingerprint: 'f', ruleId: 'r', credentialId: 'c', clientId: 'c', displayName: 'd', firstSeenAt: T0.toISOString() };
    expect(contentKey([x], [gone])).not.toBe(contentKey([x], []));
  });
});
