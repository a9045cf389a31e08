import type { ResolvedFinding } from '../report/types.js';
import { ruleTitle } from '../rules/index.js';
import type { Finding, SuppressedFinding } from '../rules/types.js';
import type { ChannelRecord, LifecycleState, TrackedFinding } from './types.js';

export interface TrackResult {
  /** The input findings with `firstSeenAt` filled from state (`now` for new fingerprints). */
  findings: Finding[];
  suppressed: SuppressedFinding[];
  /** Fingerprints tracked before that are gone now (neither open nor suppressed). */
  resolved: ResolvedFinding[];
  /** The next state; the input state is not modified. */
  state: LifecycleState;
}

/**
 * Diffs this run's findings against the remembered ones. Pure.
 *
 * A suppressed finding is still present (it is not "resolved"), so it keeps
 * its history; it just never becomes due, because only open findings are
 * passed to `selectDue`. A resolved finding is forgotten; every channel that
 * had been told about it queues it in its `resolvedSinceDelivery`, so that
 * channel's next message can say it is gone. If it comes back before that
 * message, it is taken off those queues and, being forgotten, is due as new.
 */
export function trackFindings(
  state: LifecycleState,
  findings: readonly Finding[],
  suppressed: readonly SuppressedFinding[],
  now: Date,
  /**
   * Whether this run could have found the remembered finding again. One it did
   * not look for (its rule is now disabled, or the key's field could not be
   * parsed this time) is kept as it was: absent is not "resolved".
   */
  wasChecked: (previous: TrackedFinding) => boolean = () => true,
): TrackResult {
  const nowIso = now.toISOString();
  // A Map, not an object literal: a fingerprint is API-derived text and must not be able to hit `__proto__`.
  const tracked = new Map<string, TrackedFinding>();

  const remember = <T extends Finding>(finding: T): T => {
    const previous = Object.hasOwn(state.findings, finding.fingerprint) ? state.findings[finding.fingerprint] : undefined;
    const firstSeenAt = previous?.firstSeenAt ?? nowIso;
    tracked.set(finding.fingerprint, {
      ruleId: finding.ruleId,
      credentialId: finding.credentialId,
      clientId: finding.clientId,
      displayName: finding.displayName,
      severity: finding.severity,
      firstSeenAt,
      lastSeenAt: nowIso,
    });
    // Unchanged findings are passed on as they are: a large tenant's worth of copies is not free.
    return firstSeenAt === finding.firstSeenAt ? finding : { ...finding, firstSeenAt };
  };

  const nextFindings = findings.map(remember);
  const nextSuppressed = suppressed.map(remember);

  const resolved = new Map<string, ResolvedFinding>();
  for (const [fingerprint, previous] of Object.entries(state.findings)) {
    if (tracked.has(fingerprint)) continue;
    if (!wasChecked(previous)) {
      tracked.set(fingerprint, previous);
      continue;
    }
    resolved.set(fingerprint, {
      fingerprint,
      ruleId: previous.ruleId,
      // A resolved finding keeps the severity it last had and its rule's title.
      severity: previous.severity,
      title: ruleTitle(previous.ruleId),
      credentialId: previous.credentialId,
      clientId: previous.clientId,
      displayName: previous.displayName,
      firstSeenAt: previous.firstSeenAt,
    });
  }

  const channels = new Map<string, ChannelRecord>();
  for (const [id, record] of Object.entries(state.channels)) {
    const next = trackChannel(record, tracked, resolved);
    if (!isIdle(next)) channels.set(id, next);
  }

  return {
    findings: nextFindings,
    suppressed: nextSuppressed,
    resolved: [...resolved.values()],
    state: { ...state, findings: Object.fromEntries(tracked), channels: Object.fromEntries(channels) },
  };
}

/**
 * One channel's record after the diff: resolved findings it had been told
 * about move from `alerted` to its resolved queue; queued ones that are back
 * leave the queue.
 */
function trackChannel(record: ChannelRecord, tracked: ReadonlyMap<string, TrackedFinding>, resolved: ReadonlyMap<string, ResolvedFinding>): ChannelRecord {
  const newlyResolved: ResolvedFinding[] = [];
  for (const [fingerprint, gone] of resolved) {
    if (Object.hasOwn(record.alerted, fingerprint)) newlyResolved.push(gone);
  }
  let alerted = record.alerted;
  if (newlyResolved.length > 0) {
    const kept = new Map(Object.entries(record.alerted));
    for (const gone of newlyResolved) kept.delete(gone.fingerprint);
    alerted = Object.fromEntries(kept);
  }
  const renewed = new Set(newlyResolved.map((gone) => gone.fingerprint));
  const stillQueued = record.resolvedSinceDelivery.filter((entry) => !tracked.has(entry.fingerprint) && !renewed.has(entry.fingerprint));
  if (newlyResolved.length === 0 && stillQueued.length === record.resolvedSinceDelivery.length) return record;
  return { ...record, alerted, resolvedSinceDelivery: [...stillQueued, ...newlyResolved] };
}

/** A record with nothing in it: dropped, so owners who have left do not accumulate in the state. */
function isIdle(record: ChannelRecord): boolean {
  return (
    record.resolvedSinceDelivery.length === 0 &&
    record.pending === null &&
    record.failureNotice === null &&
    !hasAnyKey(record.alerted)
  );
}

function hasAnyKey(record: Record<string, unknown>): boolean {
  for (const key in record) if (Object.hasOwn(record, key)) return true;
  return false;
}
