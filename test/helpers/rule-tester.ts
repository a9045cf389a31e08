import { describe, expect, it } from 'vitest';
import type { NormalizedKey } from '../../src/keys/types.js';
import type { Rule, RuleContext, RuleHit } from '../../src/rules/types.js';
import { buildKey, ruleContext } from './keys.js';

/**
 * A table runner in the manner of ESLint's RuleTester: `valid` cases must not
 * fire, `invalid` cases must fire and may pin the message, evidence and
 * escalation.
 */
export interface ValidCase {
  name: string;
  key: Partial<NormalizedKey>;
  context?: Partial<RuleContext>;
}

export interface InvalidCase extends ValidCase {
  /** Exact message, or a pattern it must match. */
  message?: string | RegExp;
  /** Properties the evidence must contain. */
  evidence?: Record<string, unknown>;
  /** Expected escalation; omitted means "no escalation". */
  escalateTo?: RuleHit['escalateTo'];
}

export function testRule(rule: Rule, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  describe(`rule ${rule.meta.id}`, () => {
    it('has complete metadata', () => {
      expect(rule.meta.title).not.toBe('');
      expect(rule.meta.risk.length).toBeGreaterThan(20);
      expect(rule.meta.remediation).toMatch(/C1/);
      expect(rule.meta.reference).toMatch(/^https:\/\//);
      expect(rule.meta.fields.length).toBeGreaterThan(0);
    });

    it.each(cases.valid.map((c) => [c.name, c] as const))('does not fire: %s', (_name, c) => {
      expect(rule.evaluate(buildKey(c.key), ruleContext(c.context))).toBeNull();
    });

    it.each(cases.invalid.map((c) => [c.name, c] as const))('fires: %s', (_name, c) => {
      const hit = rule.evaluate(buildKey(c.key), ruleContext(c.context));
      expect(hit).not.toBeNull();
      if (hit === null) return;
      if (typeof c.message === 'string') expect(hit.message).toBe(c.message);
      else if (c.message) expect(hit.message).toMatch(c.message);
      if (c.evidence) expect(hit.evidence).toMatchObject(c.evidence);
      expect(hit.escalateTo).toBe(c.escalateTo);
      // Evidence goes into a JSON report as is.
      expect(JSON.parse(JSON.stringify(hit.evidence))).toEqual(hit.evidence);
    });
  });
}
