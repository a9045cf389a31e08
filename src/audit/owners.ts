import type { KeyWarning, NormalizedKey, Owner } from '../keys/types.js';

/** Quoted ids are untrusted API text: JSON quoting keeps them on one line, the cut keeps them short. */
const MAX_QUOTED_ID_LENGTH = 64;

/**
 * Gives every key its owner, as looked up by user id, and says which owners
 * stayed unknown: one warning per user id C1 did not return (naming it and
 * how many keys it owns), and one per key in tenant scope that names no
 * owner at all. When the lookup failed as a whole, every owner is null and
 * the source already warned once.
 */
export function attachOwners(
  keys: readonly NormalizedKey[],
  lookup: { owners: ReadonlyMap<string, Owner>; ownersResolved: boolean; scope: 'self' | 'tenant' },
): { keys: NormalizedKey[]; warnings: KeyWarning[] } {
  const warnings: KeyWarning[] = [];
  const unresolved = new Map<string, number>();
  const withOwners = keys.map((key) => {
    if (key.userId === null) {
      if (lookup.scope === 'tenant') {
        warnings.push({ credentialId: key.id, field: 'userId', message: `key ${quote(key.id)} names no owner (no userId); its owner is unknown` });
      }
      return key;
    }
    const owner = lookup.owners.get(key.userId) ?? null;
    if (owner === null && lookup.ownersResolved) unresolved.set(key.userId, (unresolved.get(key.userId) ?? 0) + 1);
    return owner === null ? key : { ...key, owner };
  });
  for (const [userId, count] of unresolved) {
    warnings.push({
      credentialId: null,
      field: 'owner',
      message: `user ${quote(userId)} (owner of ${count} key${count === 1 ? '' : 's'}) was not returned by C1's user lookup (deleted or unknown); the owner is null`,
    });
  }
  return { keys: withOwners, warnings };
}

function quote(value: string): string {
  return JSON.stringify(value.length > MAX_QUOTED_ID_LENGTH ? `${value.slice(0, MAX_QUOTED_ID_LENGTH)}…` : value);
}
