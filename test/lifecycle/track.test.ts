import { describe, expect, it } from 'vitest';
import { markDelivered } from '../../src/lifecycle/due.js';
import { trackFindings } from '../../src/lifecycle/track.js';
import { channelRecord, emptyState, type LifecycleState } from '../../src/lifecycle/types.js';
import type { Finding } from '../../src/rules/types.js';
import { daysAfter, finding, suppressedFinding, T0 } from './sample-findings.js';

const a = finding({ credentialId: 'a' });
const b = finding({ credentialId: 'b', ruleId: 'unused', severity: 'medium' });

const markAlerted = (state: LifecycleState, due: Finding[], now: Date, channel = 'email'): LifecycleState => markDelivered(state, channel, due, now);
const queue = (state: LifecycleState, channel = 'email'): string[] => channelRecord(state, channel).resolvedSinceDelivery.map((entry) => entry.fingerprint);

describe('trackFindings', () => {
  it('stamps new fingerprints with now and keeps firstSeenAt of known ones', () => {
    const first = trackFindings(emptyState(), [a], [], T0);
    expect(first.findings[0]?.firstSeenAt).toBe(T0.toISOString());
    expect(first.state.findings[a.fingerprint]).toMatchObject({
      firstSeenAt: T0.toISOString(),
      lastSeenAt: T0.toISOString(),
    });
    expect(first.state.channels).toEqual({});

    const later = daysAfter(T0, 3);
    const second = trackFindings(first.state, [a, b], [], later);
    expect(second.findings.map((f) => f.firstSeenAt)).toEqual([T0.toISOString(), later.toISOString()]);
    expect(second.state.findings[a.fingerprint]?.lastSeenAt).toBe(later.toISOString());
    expect(second.resolved).toEqual([]);
  });

  it('does not modify the state it is given', () => {
    const before = trackFindings(emptyState(), [a], [], T0).state;
    const snapshot = structuredClone(before);
    trackFindings(before, [b], [], daysAfter(T0, 1));
    expect(before).toEqual(snapshot);
  });

  it('updates the tracked severity and display name', () => {
    const first = trackFindings(emptyState(), [a], [], T0);
    const raised = trackFindings(first.state, [{ ...a, severity: 'critical', displayName: 'Renamed' }], [], daysAfter(T0, 1));
    expect(raised.state.findings[a.fingerprint]).toMatchObject({ severity: 'critical', displayName: 'Renamed' });
  });

  it('keeps, unresolved, a remembered finding this run did not look for', () => {
    const first = trackFindings(emptyState(), [a, b], [], T0);
    const second = trackFindings(first.state, [a], [], daysAfter(T0, 1), (previous) => previous.ruleId !== 'unused');
    expect(second.resolved).toEqual([]);
    expect(second.state.findings[b.fingerprint]).toEqual(first.state.findings[b.fingerprint]);
  });

  it('reports gone fingerprints as resolved and forgets them', () => {
    const first = trackFindings(emptyState(), [a, b], [], T0);
    const second = trackFindings(first.state, [a], [], daysAfter(T0, 1));
    expect(second.resolved).toEqual([
      { fingerprint: b.fingerprint, ruleId: 'unused', credentialId: 'b', clientId: b.clientId, displayName: b.displayName, firstSeenAt: T0.toISOString() },
    ]);
    expect(Object.keys(second.state.findings)).toEqual([a.fingerprint]);
    // Never alerted, so nothing to tell recipients about.
    expect(second.state.channels).toEqual({});
  });

  it('does not count a suppressed finding as resolved, keeps its history, and stamps its firstSeenAt', () => {
    const first = trackFindings(emptyState(), [a], [], T0);
    const alerted = markAlerted(first.state, [a], T0);
    const second = trackFindings(alerted, [], [suppressedFinding({ credentialId: 'a' })], daysAfter(T0, 1));
    expect(second.resolved).toEqual([]);
    expect(second.suppressed[0]?.firstSeenAt).toBe(T0.toISOString());
    expect(channelRecord(second.state, 'email').alerted[a.fingerprint]).toEqual({ at: T0.toISOString(), severity: 'high' });
    expect(queue(second.state)).toEqual([]);
  });

  it('queues an alerted finding that is gone once on each channel that was told about it, until that channel delivers', () => {
    const first = trackFindings(emptyState(), [a, b], [], T0);
    const alerted = markAlerted(markAlerted(first.state, [a, b], T0), [a], T0, 'owner:u1');

    const gone = trackFindings(alerted, [b], [], daysAfter(T0, 1));
    expect(queue(gone.state)).toEqual([a.fingerprint]);
    expect(queue(gone.state, 'owner:u1')).toEqual([a.fingerprint]);
    expect(Object.hasOwn(channelRecord(gone.state, 'email').alerted, a.fingerprint)).toBe(false);

    const stillGone = trackFindings(gone.state, [b], [], daysAfter(T0, 2));
    expect(stillGone.resolved).toEqual([]);
    expect(queue(stillGone.state)).toEqual([a.fingerprint]);

    const cleared = markAlerted(stillGone.state, [], daysAfter(T0, 2));
    expect(queue(cleared)).toEqual([]);
    // The owner's channel did not deliver: its queue stays.
    expect(queue(cleared, 'owner:u1')).toEqual([a.fingerprint]);
  });

  it('drops a channel record that holds nothing any more', () => {
    const alerted = markAlerted(trackFindings(emptyState(), [a], [], T0).state, [a], T0, 'owner:u1');
    const gone = trackFindings(alerted, [], [], daysAfter(T0, 1));
    const told = markAlerted(gone.state, [], daysAfter(T0, 1), 'owner:u1');
    expect(Object.keys(trackFindings(told, [], [], daysAfter(T0, 2)).state.channels)).toEqual([]);
  });

  it('takes a finding off the resolved queue when it comes back', () => {
    const alerted = markAlerted(trackFindings(emptyState(), [a], [], T0).state, [a], T0);
    const gone = trackFindings(alerted, [], [], daysAfter(T0, 1));
    expect(queue(gone.state)).toHaveLength(1);
    const back = trackFindings(gone.state, [a], [], daysAfter(T0, 2));
    expect(queue(back.state)).toEqual([]);
    expect(back.state.findings[a.fingerprint]).toMatchObject({ firstSeenAt: daysAfter(T0, 2).toISOString() });
    expect(Object.hasOwn(channelRecord(back.state, 'email').alerted, a.fingerprint)).toBe(false);
  });

  it('treats a fingerprint named __proto__ as data', () => {
    const odd = finding({ fingerprint: '__proto__' });
    const tracked = trackFindings(emptyState(), [odd], [], T0);
    expect(Object.keys(tracked.state.findings)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(tracked.state.findings)).toBe(Object.prototype);
  });
});
