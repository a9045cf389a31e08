import { broadCidr } from './broad-cidr.js';
import { broadRoles } from './broad-roles.js';
import { expired } from './expired.js';
import { expiringSoon } from './expiring-soon.js';
import { invalidCidr } from './invalid-cidr.js';
import { longLived } from './long-lived.js';
import { missingCidr } from './missing-cidr.js';
import { neverUsed } from './never-used.js';
import { noExpiry } from './no-expiry.js';
import { ownerInactive } from './owner-inactive.js';
import type { Rule } from '../../../src/rules/types.js';
import { unused } from './unused.js';

/**
 * The rule catalogue, in the order of the contract's rules table. The report,
 * docs and config validation all read it (config via `RULE_IDS`, which a test
 * keeps equal to these ids).
 */
export const RULES: readonly Rule[] = [
  expired,
  expiringSoon,
  noExpiry,
  unused,
  neverUsed,
  missingCidr,
  broadCidr,
  invalidCidr,
  broadRoles,
  longLived,
  ownerInactive,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((rule) => rule.meta.id === id);
}

/** The title of a rule, or its id for one no longer in the catalogue (remembered from an older version). */
export function ruleTitle(id: string): string {
  return ruleById(id)?.meta.title ?? id;
}
