import { API_KEYS_PAGE, KEY_USAGE_DOCS_URL } from './docs.js';
import { isExpired } from './expired.js';
import { quote } from './format.js';
import type { Rule, RuleMeta } from '../../../src/rules/types.js';

export const meta: RuleMeta = {
  id: 'owner-inactive',
  title: 'Key owner is disabled, deleted or unknown',
  defaultSeverity: 'high',
  firesWhen:
    "the key is not expired and its owner's `status` is `DISABLED` or `DELETED`, or the owner lookup did not return the owner at all (runs only when the lookup itself succeeded)",
  options: '—',
  fields: ['userId', 'owner'],
  needsOwners: true,
  risk: 'The classic leftover: someone left or was removed, and their API key stays behind. Nobody watches or rotates it any more, whoever holds a copy may keep using it as long as C1 honours it, and if the account is ever re-enabled the key comes back with it.',
  remediation: `Delete the key in ${API_KEYS_PAGE}. If a service still depends on it, create a replacement key owned by an active user, move the consumer to it, then delete this key.`,
  reference: KEY_USAGE_DOCS_URL,
};

const INACTIVE_STATUSES: ReadonlyMap<string, string> = new Map([
  ['DISABLED', 'is disabled'],
  ['DELETED', 'is deleted'],
]);

/**
 * Reads the owner the source attached to the key. The engine runs it only
 * when the owner lookup succeeded, so a key with a `userId` and no owner
 * means C1 did not return that user: deleted for good, or never known. A key
 * without any `userId` has nobody to look up and is left alone.
 */
export const ownerInactive: Rule = {
  meta,
  evaluate(key, { now }) {
    if (isExpired(key, now) || key.userId === null) return null;
    const owner = key.owner;
    if (owner === null) {
      return {
        message: `belongs to user ${quote(key.userId)}, whom C1's user lookup did not return (deleted or unknown)`,
        evidence: { reason: 'not-found', userId: key.userId, ownerStatus: null },
      };
    }
    const state = INACTIVE_STATUSES.get(owner.status);
    if (state === undefined) return null;
    return {
      message: `belongs to ${describeOwner(owner)}, whose C1 account ${state}`,
      evidence: { reason: owner.status.toLowerCase(), userId: owner.id, ownerStatus: owner.status, ownerEmail: owner.email },
    };
  },
};

function describeOwner(owner: { id: string; email: string | null; displayName: string | null }): string {
  const name = owner.displayName ?? owner.email ?? owner.id;
  const email = owner.email !== null && owner.email !== name ? ` <${owner.email}>` : '';
  return `${quote(name)}${email}`;
}
