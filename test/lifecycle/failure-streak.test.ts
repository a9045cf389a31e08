import { describe, expect, it } from 'vitest';
import { markFailureNoticeSent, recordFailure, recordSuccess } from '../../src/lifecycle/due.js';
import { emptyState } from '../../src/lifecycle/types.js';
import { daysAfter, T0 } from './sample-findings.js';

describe('failure streak', () => {
  it('makes the first failure notice due and the second not, once the notice was delivered', () => {
    const first = recordFailure(emptyState(), 'C1 answered 503', T0);
    expect(first.noticeDue).toBe(true);
    expect(first.state.failureStreak).toEqual({ startedAt: T0.toISOString(), lastError: 'C1 answered 503', noticeSentAt: null });

    const sent = markFailureNoticeSent(first.state, T0);
    const second = recordFailure(sent, 'C1 timed out', daysAfter(T0, 1));
    expect(second.noticeDue).toBe(false);
    expect(second.state.failureStreak).toEqual({ startedAt: T0.toISOString(), lastError: 'C1 timed out', noticeSentAt: T0.toISOString() });
  });

  it('retries an undelivered notice on the next failure', () => {
    const first = recordFailure(emptyState(), 'boom', T0);
    // Delivery failed: no markFailureNoticeSent.
    const second = recordFailure(first.state, 'boom again', daysAfter(T0, 1));
    expect(second.noticeDue).toBe(true);
    expect(second.state.failureStreak?.startedAt).toBe(T0.toISOString());
  });

  it('starts a new streak (and a new notice) after a success', () => {
    const sent = markFailureNoticeSent(recordFailure(emptyState(), 'boom', T0).state, T0);
    const healed = recordSuccess(sent);
    expect(healed.failureStreak).toBeNull();
    const again = recordFailure(healed, 'boom', daysAfter(T0, 2));
    expect(again.noticeDue).toBe(true);
    expect(again.state.failureStreak?.startedAt).toBe(daysAfter(T0, 2).toISOString());
  });

  it('markFailureNoticeSent and recordSuccess are no-ops without a streak', () => {
    const state = emptyState();
    expect(markFailureNoticeSent(state, T0)).toBe(state);
    expect(recordSuccess(state)).toBe(state);
  });
});
