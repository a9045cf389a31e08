import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stateJsonChunks, WHOLE_RECORD_ENTRIES } from '../../src/lifecycle/state-json.js';
import { emptyChannelRecord, emptyState, type LifecycleState } from '../../src/lifecycle/types.js';
import { SEVERITIES } from '../../src/severity.js';

const text = fc.string({ unit: 'binary', maxLength: 12 });
const severity = fc.constantFrom(...SEVERITIES);
const tracked = fc.record({
  ruleId: text,
  credentialId: text,
  clientId: text,
  displayName: text,
  severity,
  firstSeenAt: text,
  lastSeenAt: text,
});
const resolved = fc.record({
  fingerprint: text,
  ruleId: text,
  severity,
  title: text,
  credentialId: text,
  clientId: text,
  displayName: text,
  firstSeenAt: text,
});
const channel = fc.record({
  alerted: fc.dictionary(text, fc.record({ at: text, severity }), { maxKeys: 30 }),
  resolvedSinceDelivery: fc.array(resolved, { maxLength: 3 }),
  lastDeliveryAt: fc.option(text),
  pending: fc.option(fc.record({ deliveryId: text, contentKey: text })),
  failureNotice: fc.option(fc.record({ streakStartedAt: text, deliveryId: text, sentAt: fc.option(text) })),
});
const state: fc.Arbitrary<LifecycleState> = fc.record({
  version: fc.constant(2 as const),
  findings: fc.dictionary(text, tracked, { maxKeys: 40 }),
  channels: fc.dictionary(text, channel, { maxKeys: 4 }),
  failureStreak: fc.option(fc.record({ startedAt: text, lastError: text })),
});

describe('the state file text', () => {
  it('is exactly JSON.stringify of the state, whatever its text holds (quotes, control characters, lone surrogates)', () => {
    fc.assert(
      fc.property(state, (value) => {
        const written = [...stateJsonChunks(value)].join('');
        expect(written).toBe(`${JSON.stringify(value)}\n`);
        expect(JSON.parse(written)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('comes in pieces, so a state of many findings is never one string', () => {
    const big = emptyState();
    const alerted: Record<string, { at: string; severity: 'high' }> = {};
    // Past the size a record is written whole at, and not a whole number of batches.
    for (let i = 0; i < 2 * WHOLE_RECORD_ENTRIES + 500; i++) {
      big.findings[`fp-${i}`] = { ruleId: 'no-expiry', credentialId: `k${i}`, clientId: `c${i}`, displayName: `key ${i}`, severity: 'high', firstSeenAt: 't', lastSeenAt: 't' };
      alerted[`fp-${i}`] = { at: 't', severity: 'high' };
    }
    big.channels.email = { ...emptyChannelRecord(), alerted };
    const chunks = [...stateJsonChunks(big)];
    const whole = chunks.join('');
    expect(whole).toBe(`${JSON.stringify(big)}\n`);
    expect(Math.max(...chunks.map((chunk) => chunk.length))).toBeLessThan(whole.length / 4);
  });
});
