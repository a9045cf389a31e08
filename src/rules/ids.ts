/**
 * The ids of every rule in the catalogue. They live apart from the rules
 * themselves so the config schema can validate ids without importing the rule
 * implementations (which would make config depend on rules and back).
 * The catalogue (`src/rules/index.ts`) must hold exactly these ids.
 */
export const RULE_IDS = [
  'expired',
  'expiring-soon',
  'no-expiry',
  'unused',
  'never-used',
  'missing-cidr',
  'broad-cidr',
  'invalid-cidr',
  'broad-roles',
  'long-lived',
  'owner-inactive',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

export function isRuleId(value: unknown): value is RuleId {
  return typeof value === 'string' && (RULE_IDS as readonly string[]).includes(value);
}
