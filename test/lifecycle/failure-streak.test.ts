import { describe, expect, it } from 'vitest';
import { failureNoticeDue, markFailureNoticeSent, recordFailure, recordSuccess } from '../../src/lifecycle/due.js';
import { emptyState, type LifecycleState } from '../../src/lifecycle/types.js';
import { daysAfter, T0 } from './sample-findings.js';

let ids = 0;
const fresh = (): string => `id-${++ids}`;

/** Plans the notice for `channel` and, when `accepted`, records it as sent; returns the state and the delivery id (null = not due). */
function notice(state: LifecycleState, channel: string, accepted: boolean, at: Date): { state: LifecycleState; deliveryId: string | null } {
  const due = failureNoticeDue(state, channel, fresh);
  if (due === null) return { state, deliveryId: null };
  return { state: accepted ? markFailureNoticeSent(due.state, channel, at) : due.state, deliveryId: due.deliveryId };
}

describe('failure streak, per channel', () => {
  it('makes the first failure notice due on each channel and the second not, once that channel accepted it', () => {
    const first = recordFailure(emptyState(), 'C1 answered 503', T0);
    expect(first.failureStreak).toEqual({ startedAt: T0.toISOString(), lastError: 'C1 answered 503' });
    const toEmail = notice(first, 'email', true, T0);
    expect(toEmail.deliveryId).not.toBeNull();
    const toSlack = notice(toEmail.state, 'slack', true, T0);
    expect(toSlack.deliveryId).not.toBeNull();
    expect(toSlack.deliveryId).not.toBe(toEmail.deliveryId);

    const second = recordFailure(toSlack.state, 'C1 timed out', daysAfter(T0, 1));
    expect(second.failureStreak).toEqual({ startedAt: T0.toISOString(), lastError: 'C1 timed out' });
    expect(failureNoticeDue(second, 'email', fresh)).toBeNull();
    expect(failureNoticeDue(second, 'slack', fresh)).toBeNull();
  });

  it('retries an undelivered notice on the next failure, on that channel alone, with the same delivery id', () => {
    const first = recordFailure(emptyState(), 'boom', T0);
    const toEmail = notice(first, 'email', true, T0);
    const toWebhook = notice(toEmail.state, 'webhook', false, T0);
    const second = recordFailure(toWebhook.state, 'boom again', daysAfter(T0, 1));
    expect(failureNoticeDue(second, 'email', fresh)).toBeNull();
    expect(failureNoticeDue(second, 'webhook', fresh)?.deliveryId).toBe(toWebhook.deliveryId);
    expect(second.failureStreak?.startedAt).toBe(T0.toISOString());
  });

  it('starts a new streak (and a new notice, under a new id) after a success', () => {
    const sent = notice(recordFailure(emptyState(), 'boom', T0), 'email', true, T0);
    const healed = recordSuccess(sent.state);
    expect(healed.failureStreak).toBeNull();
    const again = recordFailure(healed, 'boom', daysAfter(T0, 2));
    expect(again.failureStreak?.startedAt).toBe(daysAfter(T0, 2).toISOString());
    const next = failureNoticeDue(again, 'email', fresh);
    expect(next).not.toBeNull();
    expect(next?.deliveryId).not.toBe(sent.deliveryId);
  });

  it('markFailureNoticeSent and recordSuccess are no-ops without a streak; nothing is due without one', () => {
    const state = emptyState();
    expect(markFailureNoticeSent(state, 'email', T0)).toBe(state);
    expect(recordSuccess(state)).toBe(state);
    expect(failureNoticeDue(state, 'email', fresh)).toBeNull();
  });
});
