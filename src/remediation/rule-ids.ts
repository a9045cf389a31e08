/**
 * The rules whose findings may put a key into a remediation plan: the ones
 * that say a key is dead weight (expired, unused, never used, or its owner is
 * gone), never ones that say a key is merely risky and still in use. A fixed
 * list apart from the catalogue, so the config can name `owner-inactive`
 * wherever that rule is not in the catalogue yet.
 */
export const REMEDIABLE_RULE_IDS = ['expired', 'unused', 'never-used', 'owner-inactive'] as const;

export type RemediableRuleId = (typeof REMEDIABLE_RULE_IDS)[number];

/** `remediation.maxDeletes` when the config does not set it. */
export const DEFAULT_MAX_DELETES = 10;
