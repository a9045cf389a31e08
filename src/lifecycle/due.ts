import { createHash } from 'node:crypto';
import { DAY_MS } from '../clock.js';
import { isAtLeast, severityRank, type Severity } from '../severity.js';
import type { Finding } from '../rules/types.js';
import type { ResolvedFinding } from '../report/types.js';
import {
  channelRecord,
  withChannelRecord,
  type AlertedEntry,
  type ChannelRecord,
  type DueFinding,
  type DueReason,
  type LifecycleState,
} from './types.js';

// The failure-streak helpers live in their own module; re-exported so callers find all alert decisions here.
export { failureNoticeDue, markFailureNoticeSent, recordFailure, recordSuccess } from './failure-streak.js';
export type { DueFinding, DueReason } from './types.js';

export interface AlertPolicy {
  minSeverity: Severity;
  renotifyAfterDays: number;
}

/**
 * Which of `findings` are due on the channel whose record is `record`. Pure.
 *
 * Due when severity ≥ `minSeverity` AND one of: never told to this channel
 * ('new'), higher than when last told ('severity-raised'), or last told MORE
 * than `renotifyAfterDays` × 24h ago ('renotify'; exactly at the boundary is
 * not due yet). Pass only open findings, and only those the channel is for
 * (an owner's channel: that owner's findings). Returned highest severity first.
 */
export function selectDue(record: ChannelRecord, findings: readonly Finding[], now: Date, policy: AlertPolicy): DueFinding[] {
  const renotifyAfterMs = policy.renotifyAfterDays * DAY_MS;
  const due: DueFinding[] = [];
  for (const finding of findings) {
    if (!isAtLeast(finding.severity, policy.minSeverity)) continue;
    const entry = Object.hasOwn(record.alerted, finding.fingerprint) ? record.alerted[finding.fingerprint] : undefined;
    const reason = dueReason(entry, finding.severity, now, renotifyAfterMs);
    if (reason !== null) due.push({ ...finding, dueReason: reason });
  }
  // Array.prototype.sort is stable, so equal severities keep the caller's order.
  return due.sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
}

function dueReason(entry: AlertedEntry | undefined, severity: Severity, now: Date, renotifyAfterMs: number): DueReason | null {
  if (!entry) return 'new';
  if (severityRank(severity) > severityRank(entry.severity)) return 'severity-raised';
  const sinceAlertMs = now.getTime() - Date.parse(entry.at);
  // An alert "in the future" was recorded by a run with a later --as-of; without
  // this it would silence reminders until that date comes.
  if (sinceAlertMs > renotifyAfterMs || sinceAlertMs < 0) return 'renotify';
  return null;
}

/**
 * What a message names, as a short hash: the same due findings at the same
 * severities and the same resolved ones give the same key, so a message that
 * failed and is retried unchanged keeps its delivery id.
 */
export function contentKey(due: readonly Finding[], resolved: readonly ResolvedFinding[]): string {
  const hash = createHash('sha256');
  for (const finding of [...due].sort((a, b) => compareText(a.fingerprint, b.fingerprint))) hash.update(`d ${finding.fingerprint} ${finding.severity}\n`);
  for (const entry of [...resolved].sort((a, b) => compareText(a.fingerprint, b.fingerprint))) hash.update(`r ${entry.fingerprint}\n`);
  return hash.digest('hex').slice(0, 32);
}

/**
 * The delivery id of a message about to be sent on a channel: the pending
 * one when the content is unchanged (a retry), else `fresh`. Returns the
 * state with that message recorded as pending. Pure.
 */
export function planPending(
  state: LifecycleState,
  channelId: string,
  key: string,
  fresh: () => string,
): { state: LifecycleState; deliveryId: string } {
  const record = channelRecord(state, channelId);
  if (record.pending !== null && record.pending.contentKey === key) return { state, deliveryId: record.pending.deliveryId };
  const deliveryId = fresh();
  return { state: withChannelRecord(state, channelId, { ...record, pending: { deliveryId, contentKey: key } }), deliveryId };
}

/**
 * Records that a digest naming `due` was ACCEPTED by the channel's receiver:
 * those findings get this time and severity, the resolved queue it mentioned
 * is cleared, the pending message is done. Call only after delivery
 * succeeded; after a failed delivery save the state without this, so the
 * same findings are due again next run on that channel alone. Pure.
 */
export function markDelivered(state: LifecycleState, channelId: string, due: readonly Finding[], now: Date): LifecycleState {
  const nowIso = now.toISOString();
  const record = channelRecord(state, channelId);
  const alerted = new Map(Object.entries(record.alerted));
  for (const finding of due) {
    if (!Object.hasOwn(state.findings, finding.fingerprint)) continue;
    alerted.set(finding.fingerprint, { at: nowIso, severity: finding.severity });
  }
  return withChannelRecord(state, channelId, {
    ...record,
    alerted: Object.fromEntries(alerted),
    resolvedSinceDelivery: [],
    lastDeliveryAt: nowIso,
    pending: null,
  });
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
