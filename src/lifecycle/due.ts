import { DAY_MS } from '../clock.js';
import { isAtLeast, severityRank, type Severity } from '../severity.js';
import type { Finding } from '../rules/types.js';
import type { DueFinding, DueReason, LifecycleState, TrackedFinding } from './types.js';

// The failure-streak helpers live in their own module; re-exported so callers find all alert decisions here.
export { markFailureNoticeSent, recordFailure, recordSuccess } from './failure-streak.js';
export type { DueFinding, DueReason } from './types.js';


export interface AlertPolicy {
  minSeverity: Severity;
  renotifyAfterDays: number;
}

/**
 * Which open findings belong in this run's digest. Pure.
 *
 * Due when severity ≥ `minSeverity` AND one of: never alerted ('new'), higher
 * than when last alerted ('severity-raised'), or last alerted MORE than
 * `renotifyAfterDays` × 24h ago ('renotify'; exactly at the boundary is not
 * due yet). Pass only open findings: suppressed ones are never due.
 * `state` should be the state after `trackFindings`; a finding it does not
 * know is treated as never alerted. Returned highest severity first.
 */
export function selectDue(state: LifecycleState, findings: readonly Finding[], now: Date, policy: AlertPolicy): DueFinding[] {
  const renotifyAfterMs = policy.renotifyAfterDays * DAY_MS;
  const due: DueFinding[] = [];
  for (const finding of findings) {
    if (!isAtLeast(finding.severity, policy.minSeverity)) continue;
    const reason = dueReason(trackedEntry(state, finding.fingerprint), finding.severity, now, renotifyAfterMs);
    if (reason !== null) due.push({ ...finding, dueReason: reason });
  }
  // Array.prototype.sort is stable, so equal severities keep the caller's order.
  return due.sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
}

function dueReason(entry: TrackedFinding | undefined, severity: Severity, now: Date, renotifyAfterMs: number): DueReason | null {
  if (!entry || entry.lastAlertedAt === null || entry.lastAlertedSeverity === null) return 'new';
  if (severityRank(severity) > severityRank(entry.lastAlertedSeverity)) return 'severity-raised';
  const sinceAlertMs = now.getTime() - Date.parse(entry.lastAlertedAt);
  // An alert "in the future" was recorded by a run with a later --as-of; without
  // this it would silence reminders until that date comes.
  if (sinceAlertMs > renotifyAfterMs || sinceAlertMs < 0) return 'renotify';
  return null;
}

/**
 * Records that a digest naming `due` was ACCEPTED by the SMTP server: those
 * findings get `lastAlertedAt`/`lastAlertedSeverity`, the resolved queue it
 * mentioned is cleared, and `lastDigestAt` is set. Call only after delivery
 * succeeded; after a failed delivery save the state without this, so the same
 * findings are due again next run. Pure.
 */
export function markAlerted(state: LifecycleState, due: readonly Finding[], now: Date): LifecycleState {
  const nowIso = now.toISOString();
  const findings = new Map(Object.entries(state.findings));
  for (const finding of due) {
    const entry = findings.get(finding.fingerprint);
    if (!entry) continue;
    findings.set(finding.fingerprint, { ...entry, lastAlertedAt: nowIso, lastAlertedSeverity: finding.severity });
  }
  return { ...state, findings: Object.fromEntries(findings), resolvedSinceAlert: [], lastDigestAt: nowIso };
}

function trackedEntry(state: LifecycleState, fingerprint: string): TrackedFinding | undefined {
  return Object.hasOwn(state.findings, fingerprint) ? state.findings[fingerprint] : undefined;
}
