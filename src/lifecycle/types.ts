import type { ResolvedFinding } from '../report/types.js';
import type { Finding } from '../rules/types.js';
import type { Severity } from '../severity.js';

/**
 * Bumped when the shape changes. Version 1 (one delivery record for the one
 * e-mail list) is migrated on load; any other version is treated as corrupt
 * (moved aside).
 */
export const STATE_VERSION = 2;

/** What the state remembers about one open (or suppressed) fingerprint between runs. All times are ISO strings. */
export interface TrackedFinding {
  ruleId: string;
  credentialId: string;
  clientId: string;
  displayName: string;
  severity: Severity;
  firstSeenAt: string;
  lastSeenAt: string;
}

/** One delivered mention of a finding on one channel. */
export interface AlertedEntry {
  /** When the channel's receiver ACCEPTED a message naming the finding. */
  at: string;
  /** The severity it had in that message, to notice a rise. */
  severity: Severity;
}

/** A message planned for a channel but not yet accepted; retried with the same id while its content is unchanged. */
export interface PendingDelivery {
  deliveryId: string;
  /** Hash of what the message names (due fingerprints with severities, resolved fingerprints). */
  contentKey: string;
}

/** The failure notice of one failure streak on one channel. */
export interface FailureNoticeRecord {
  /** `startedAt` of the streak this notice is about. */
  streakStartedAt: string;
  deliveryId: string;
  /** When the receiver accepted it; null = not delivered yet (retried by the next failing run). */
  sentAt: string | null;
}

/**
 * What one channel (`email`, `owner:<userId>`, `slack`, `webhook`) has been
 * told. Each channel advances only its own record, so a channel that failed is
 * retried alone and the others never repeat.
 */
export interface ChannelRecord {
  /** By fingerprint: open findings this channel was told about. */
  alerted: Record<string, AlertedEntry>;
  /** Findings this channel was told about that have gone since, for its next message. */
  resolvedSinceDelivery: ResolvedFinding[];
  /** When this channel last accepted a digest; null = never. */
  lastDeliveryAt: string | null;
  pending: PendingDelivery | null;
  failureNotice: FailureNoticeRecord | null;
}

/** A run of consecutive failed audits; each channel gets one failure notice per streak. */
export interface FailureStreak {
  startedAt: string;
  /** Secret-free message of the latest failure. */
  lastError: string;
}

export interface LifecycleState {
  version: typeof STATE_VERSION;
  /** By fingerprint; open findings and suppressed ones (tracked, never due). Shared by every channel. */
  findings: Record<string, TrackedFinding>;
  /** By channel id. */
  channels: Record<string, ChannelRecord>;
  failureStreak: FailureStreak | null;
}

export type DueReason = 'new' | 'severity-raised' | 'renotify';

/** A finding that belongs in this run's digest, and why. */
export type DueFinding = Finding & { dueReason: DueReason };

export function emptyState(): LifecycleState {
  return { version: STATE_VERSION, findings: {}, channels: {}, failureStreak: null };
}

export function emptyChannelRecord(): ChannelRecord {
  return { alerted: {}, resolvedSinceDelivery: [], lastDeliveryAt: null, pending: null, failureNotice: null };
}

/** The channel's record, or an empty one (not stored) when it has none yet. */
export function channelRecord(state: LifecycleState, channelId: string): ChannelRecord {
  return Object.hasOwn(state.channels, channelId) ? state.channels[channelId]! : emptyChannelRecord();
}

/** A copy of the state with one channel's record replaced. Pure. */
export function withChannelRecord(state: LifecycleState, channelId: string, record: ChannelRecord): LifecycleState {
  const channels = new Map(Object.entries(state.channels));
  channels.set(channelId, record);
  return { ...state, channels: Object.fromEntries(channels) };
}
