import type { ResolvedFinding } from '../report/types.js';
import type { Finding } from '../rules/types.js';
import type { Severity } from '../severity.js';

/** Bumped when the shape changes; a file with another version is treated as corrupt (moved aside). */
export const STATE_VERSION = 1;

/** What the state remembers about one fingerprint between runs. All times are ISO strings. */
export interface TrackedFinding {
  ruleId: string;
  credentialId: string;
  clientId: string;
  displayName: string;
  severity: Severity;
  firstSeenAt: string;
  lastSeenAt: string;
  /** When a digest naming this finding was last ACCEPTED by the SMTP server; null = never. */
  lastAlertedAt: string | null;
  /** The severity it had in that digest, to notice a rise. */
  lastAlertedSeverity: Severity | null;
}

/** A run of consecutive failed audits; one failure notice per streak. */
export interface FailureStreak {
  startedAt: string;
  /** Secret-free message of the latest failure. */
  lastError: string;
  /** When the failure notice was accepted by the SMTP server; null = not yet delivered. */
  noticeSentAt: string | null;
}

export interface LifecycleState {
  version: typeof STATE_VERSION;
  /** By fingerprint; open findings and suppressed ones (tracked, never due). */
  findings: Record<string, TrackedFinding>;
  /** Alerted findings that have gone since, to be mentioned once in the next digest. */
  resolvedSinceAlert: ResolvedFinding[];
  failureStreak: FailureStreak | null;
  lastDigestAt: string | null;
}

export type DueReason = 'new' | 'severity-raised' | 'renotify';

/** A finding that belongs in this run's digest, and why. */
export type DueFinding = Finding & { dueReason: DueReason };

export function emptyState(): LifecycleState {
  return { version: STATE_VERSION, findings: {}, resolvedSinceAlert: [], failureStreak: null, lastDigestAt: null };
}
