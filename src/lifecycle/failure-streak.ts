import type { LifecycleState } from './types.js';

/**
 * One failure notice per run of consecutive failed audits. Pure functions
 * over the lifecycle state. The streak starts with the first failure and ends
 * with the next success; the notice is due while the streak has no delivered
 * notice, so a notice that could not be delivered is retried by the next
 * failing run.
 */

export function recordFailure(state: LifecycleState, errorMessage: string, now: Date): { state: LifecycleState; noticeDue: boolean } {
  const streak = state.failureStreak;
  if (streak === null) {
    return {
      state: { ...state, failureStreak: { startedAt: now.toISOString(), lastError: errorMessage, noticeSentAt: null } },
      noticeDue: true,
    };
  }
  return {
    state: { ...state, failureStreak: { ...streak, lastError: errorMessage } },
    noticeDue: streak.noticeSentAt === null,
  };
}

/** After the SMTP server accepted the failure notice. No-op without a streak. */
export function markFailureNoticeSent(state: LifecycleState, now: Date): LifecycleState {
  if (state.failureStreak === null) return state;
  return { ...state, failureStreak: { ...state.failureStreak, noticeSentAt: now.toISOString() } };
}

/** A successful audit ends the streak, so the next failure notices again. */
export function recordSuccess(state: LifecycleState): LifecycleState {
  return state.failureStreak === null ? state : { ...state, failureStreak: null };
}
