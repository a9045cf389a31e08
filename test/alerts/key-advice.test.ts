import { describe, expect, it } from 'vitest';
import { keyAdvice, type AdviceFinding } from '../../src/alerts/key-advice.js';
import { ruleById, RULES } from '../../src/rules/index.js';

/** The finding of a real rule: its own remediation and reference. */
function fired(ruleId: string): AdviceFinding {
  const rule = ruleById(ruleId);
  if (!rule) throw new Error(`no rule ${ruleId}`);
  return { ruleId, remediation: rule.meta.remediation, reference: rule.meta.reference };
}

const POLICY = { maxLifetimeDays: 90 };
const EXPIRY = 'an expiry at most 90 days away';
const IPS = '"Limit source IPs" listing only the valid addresses or narrow CIDRs';
const SCOPE = 'the narrowest scope that works';

interface Row {
  rules: string[];
  starts: string;
  has: string[];
  hasNot: string[];
}

const TABLE: Row[] = [
  { rules: ['no-expiry'], starts: 'Create a replacement key', has: [EXPIRY, 'move its users to it, then delete this key.'], hasNot: [IPS, SCOPE, 'before it expires'] },
  { rules: ['long-lived'], starts: 'Create a replacement key', has: [EXPIRY], hasNot: [IPS] },
  { rules: ['expiring-soon'], starts: 'Create a replacement key', has: [EXPIRY, 'then delete this key before it expires.'], hasNot: [IPS] },
  { rules: ['expired'], starts: 'Delete this key', has: ['it no longer works', `If something still needs API access, create a replacement key`, EXPIRY, 'hand it to that consumer'], hasNot: [IPS] },
  { rules: ['missing-cidr'], starts: 'Create a replacement key', has: [IPS], hasNot: [EXPIRY, SCOPE] },
  { rules: ['broad-cidr', 'invalid-cidr'], starts: 'Create a replacement key', has: [IPS], hasNot: [EXPIRY] },
  { rules: ['broad-roles'], starts: 'Create a replacement key', has: [SCOPE], hasNot: [EXPIRY, IPS] },
  { rules: ['no-expiry', 'missing-cidr', 'broad-roles'], starts: 'Create a replacement key', has: [`${EXPIRY}, ${IPS}`, `and ${SCOPE}`], hasNot: [] },
  { rules: ['expired', 'broad-cidr'], starts: 'Delete this key', has: [EXPIRY, IPS], hasNot: [SCOPE] },
  { rules: ['owner-inactive'], starts: 'Create a replacement key owned by an active user', has: ['move its users to it'], hasNot: [EXPIRY] },
  { rules: ['owner-inactive', 'no-expiry'], starts: 'Create a replacement key owned by an active user', has: [`with ${EXPIRY}`], hasNot: [] },
  { rules: ['unused'], starts: 'Confirm nothing depends on this key any more, then delete it', has: [], hasNot: ['replacement'] },
  { rules: ['never-used'], starts: 'Ask the owner whether this key is still planned for use', has: [], hasNot: ['replacement'] },
  { rules: ['unused', 'never-used'], starts: 'Confirm nothing depends on this key', has: [], hasNot: ['Ask the owner'] },
  { rules: ['unused', 'no-expiry', 'missing-cidr'], starts: 'Confirm something still depends on this key; if nothing does, delete it', has: ['Otherwise create a replacement key', EXPIRY, IPS], hasNot: [] },
];

describe('keyAdvice: one "what to do" per key from the rules that fired', () => {
  it.each(TABLE)('$rules', ({ rules, starts, has, hasNot }) => {
    const advice = keyAdvice(rules.map(fired), POLICY);
    expect(advice.text.startsWith(starts), advice.text).toBe(true);
    for (const part of has) expect(advice.text).toContain(part);
    for (const part of hasNot) expect(advice.text).not.toContain(part);
    // Never more than one replacement key, however many rules call for one.
    expect(advice.text.match(/create a replacement key/gi)?.length ?? 0).toBeLessThanOrEqual(1);
  });

  it('lists each documentation page once, in finding order, with every rule it explains', () => {
    const advice = keyAdvice([fired('broad-roles'), fired('no-expiry'), fired('missing-cidr'), fired('unused')], POLICY);
    expect(advice.references).toEqual([
      { url: ruleById('broad-roles')!.meta.reference, ruleIds: ['broad-roles'] },
      { url: ruleById('no-expiry')!.meta.reference, ruleIds: ['no-expiry', 'missing-cidr'] },
      { url: ruleById('unused')!.meta.reference, ruleIds: ['unused'] },
    ]);
  });

  it('keeps the own advice of a rule it does not know, once, after the combined advice', () => {
    const future = { ruleId: 'future-rule', remediation: 'Do the future thing.', reference: 'https://example.com/future' };
    const advice = keyAdvice([fired('no-expiry'), future, { ...future, ruleId: 'future-rule-2' }], POLICY);
    expect(advice.text).toMatch(/^Create a replacement key .*then delete this key\. Do the future thing\.$/);
    expect(advice.text.match(/Do the future thing/g)).toHaveLength(1);
  });

  it('says nothing for no findings', () => {
    expect(keyAdvice([], POLICY)).toEqual({ text: '', references: [] });
  });

  it('covers every rule of the catalogue, so no known rule falls back to its separate advice', () => {
    expect(RULES.length).toBeGreaterThanOrEqual(11);
    for (const id of RULES.map((rule) => rule.meta.id)) {
      const advice = keyAdvice([fired(id)], POLICY);
      expect(advice.text, id).not.toBe('');
      expect(advice.text, id).not.toContain(ruleById(id)!.meta.remediation);
    }
  });
});
