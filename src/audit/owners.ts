import type { KeyWarning, Owner } from '../keys/types.js';

/** Quoted ids are untrusted API text: JSON quoting keeps them on one line, the cut keeps them short. */
const MAX_QUOTED_ID_LENGTH = 64;
/**
 * Warnings of each kind named one by one; the rest are counted in one more.
 * A tenant where thousands of owners are gone must not bury the report's
 * other warnings (each such key still has its `owner-inactive` finding).
 */
const MAX_NAMED_WARNINGS = 50;

/**
 * Gives every key its owner, as looked up by user id, in place (the keys are
 * the scan's own, and a tenant's worth of copies would double what the audit
 * holds), and says which owners stayed unknown: one warning per user id C1
 * did not return (naming it and how many keys it owns), and one per key in
 * tenant scope that names no owner at all. When the lookup failed as a whole,
 * every owner is null and the source already warned once.
 */
export function assignOwners(
  keys: readonly { id: string; userId: string | null; owner: Owner | null }[],
  lookup: { owners: ReadonlyMap<string, Owner>; ownersResolved: boolean; scope: 'self' | 'tenant' },
): KeyWarning[] {
  const unresolved = new Map<string, number>();
  const ownerless: string[] = [];
  for (const key of keys) {
    if (key.userId === null) {
      if (lookup.scope === 'tenant') ownerless.push(key.id);
      continue;
    }
    const owner = lookup.owners.get(key.userId) ?? null;
    if (owner === null && lookup.ownersResolved) unresolved.set(key.userId, (unresolved.get(key.userId) ?? 0) + 1);
    key.owner = owner;
  }

  const warnings: KeyWarning[] = [];
  const userWarnings = [...unresolved].map(
    ([userId, count]): KeyWarning => ({
      credentialId: null,
      field: 'owner',
      message: `user ${quote(userId)} (owner of ${count} key${count === 1 ? '' : 's'}) was not returned by C1's user lookup (deleted or unknown); the owner is null`,
    }),
  );
  warnings.push(...userWarnings.slice(0, MAX_NAMED_WARNINGS));
  if (userWarnings.length > MAX_NAMED_WARNINGS) {
    const more = userWarnings.length - MAX_NAMED_WARNINGS;
    warnings.push({ credentialId: null, field: 'owner', message: `and ${more} more user${more === 1 ? '' : 's'} not returned by C1's user lookup; their keys have no owner` });
  }
  for (const id of ownerless.slice(0, MAX_NAMED_WARNINGS)) {
    warnings.push({ credentialId: id, field: 'userId', message: `key ${quote(id)} names no owner (no userId); its owner is unknown` });
  }
  if (ownerless.length > MAX_NAMED_WARNINGS) {
    const more = ownerless.length - MAX_NAMED_WARNINGS;
    warnings.push({ credentialId: null, field: 'userId', message: `and ${more} more key${more === 1 ? '' : 's'} name no owner (no userId)` });
  }
  return warnings;
}

function quote(value: string): string {
  return JSON.stringify(value.length > MAX_QUOTED_ID_LENGTH ? `${value.slice(0, MAX_QUOTED_ID_LENGTH)}…` : value);
}
