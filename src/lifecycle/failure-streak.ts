import { channelRecord, withChannelRecord, type LifecycleState } from './types.js';

/**
 * One failure notice per run of consecutive failed audits, per channel. Pure
 * functions over the lifecycle state. The streak starts with the first
 * failure and ends with the next success; a channel's notice is due while it
 * has none accepted for the current streak, so a notice one channel could not
 * take is retried by the next failing run, on that channel alone.
 */

export function recordFailure(state: LifecycleState, errorMessage: string, now: Date): LifecycleState {
  const streak = state.failureStreak;
  return {
    ...state,
    failureStreak: streak === null ? { startedAt: now.toISOString(), lastError: errorMessage } : { ...streak, lastError: errorMessage },
  };
}

/**
 * Whether the channel still needs the current streak's notice, and under
 * which delivery id (the same one when an earlier attempt failed). The
 * returned state records the notice as pending. Null when there is no
 * streak or the channel already has its notice.
 */
export function failureNoticeDue(
  state: LifecycleState,
  channelId: string,
  fresh: () => string,
): { state: LifecycleState; deliveryId: string } | null {
  const streak = state.failureStreak;
  if (streak === null) return null;
  const record = channelRecord(state, channelId);
  const notice = record.failureNotice;
  if (notice !== null && notice.streakStartedAt === streak.startedAt) {
    return notice.sentAt === null ? { state, deliveryId: notice.deliveryId } : null;
  }
  const deliveryId = fresh();
  return {
    state: withChannelRecord(state, channelId, { ...record, failureNotice: { streakStartedAt: streak.startedAt, deliveryId, sentAt: null } }),
    deliveryId,
  };
}

/** After the channel's receiver accepted the notice. No-op without a streak or a planned notice. */
export function markFailureNoticeSent(state: LifecycleState, channelId: string, now: Date): LifecycleState {
  const record = channelRecord(state, channelId);
  if (state.failureStreak === null || record.failureNotice === null) return state;
  return withChannelRecord(state, channelId, { ...record, failureNotice: { ...record.failureNotice, sentAt: now.toISOString() } });
}

/** A successful audit ends the streak, so the next failure notices again. */
export function recordSuccess(state: LifecycleState): LifecycleState {
  if (state.failureStreak === null) return state;
  const channels = Object.fromEntries(
    Object.entries(state.channels).map(([id, record]) => [id, record.failureNotice === null ? record : { ...record, failureNotice: null }]),
  );
  return { ...state, failureStreak: null, channels };
}
