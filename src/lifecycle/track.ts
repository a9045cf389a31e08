import type { ResolvedFinding } from '../report/types.js';
import { ruleTitle } from '../rules/index.js';
import type { Finding, SuppressedFinding } from '../rules/types.js';
import type { LifecycleState, TrackedFinding } from './types.js';

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
 * passed to `selectDue`. A resolved finding is forgotten; if it had been
 * alerted, it is queued in `resolvedSinceAlert` so the next digest can say it
 * is gone. If it comes back before that digest, it is taken off that queue
 * and, being forgotten, is alerted as new.
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
      lastAlertedAt: previous?.lastAlertedAt ?? null,
      lastAlertedSeverity: previous?.lastAlertedSeverity ?? null,
    });
    return { ...finding, firstSeenAt };
  };

  const nextFindings = findings.map(remember);
  const nextSuppressed = suppressed.map(remember);

  const resolved: ResolvedFinding[] = [];
  const newlyResolvedAfterAlert: ResolvedFinding[] = [];
  for (const [fingerprint, previous] of Object.entries(state.findings)) {
    if (tracked.has(fingerprint)) continue;
    if (!wasChecked(previous)) {
      tracked.set(fingerprint, previous);
      continue;
    }
    const gone: ResolvedFinding = {
      fingerprint,
      ruleId: previous.ruleId,
      // A resolved finding keeps the severity it last had and its rule's title.
      severity: previous.severity,
      title: ruleTitle(previous.ruleId),
      credentialId: previous.credentialId,
      clientId: previous.clientId,
      displayName: previous.displayName,
      firstSeenAt: previous.firstSeenAt,
    };
    resolved.push(gone);
    if (previous.lastAlertedAt !== null) newlyResolvedAfterAlert.push(gone);
  }

  const stillQueued = state.resolvedSinceAlert.filter(
    (entry) =>
      !tracked.has(entry.fingerprint) && !newlyResolvedAfterAlert.some((gone) => gone.fingerprint === entry.fingerprint),
  );

  return {
    findings: nextFindings,
    suppressed: nextSuppressed,
    resolved,
    state: {
      ...state,
      findings: Object.fromEntries(tracked),
      resolvedSinceAlert: [...stillQueued, ...newlyResolvedAfterAlert],
    },
  };
}
