import { describe, expect, it } from 'vitest';
import { assignOwners } from '../../src/audit/owners.js';
import type { Owner } from '../../src/keys/types.js';
import { buildKey } from '../helpers/keys.js';

const owner = (id: string): Owner => ({ id, email: `${id}@example.com`, displayName: id, status: 'ENABLED' });

describe('assignOwners', () => {
  it('attaches found owners, warns once per user id not returned, and per key without a userId in tenant scope', () => {
    const keys = [buildKey({ id: 'a', userId: 'u1' }), buildKey({ id: 'b', userId: 'u2' }), buildKey({ id: 'c', userId: 'u2' }), buildKey({ id: 'd', userId: null })];
    const warnings = assignOwners(keys, { owners: new Map([['u1', owner('u1')]]), ownersResolved: true, scope: 'tenant' });
    expect(keys.map((k) => k.owner?.id ?? null)).toEqual(['u1', null, null, null]);
    expect(warnings).toEqual([
      { credentialId: null, field: 'owner', message: 'user "u2" (owner of 2 keys) was not returned by C1\'s user lookup (deleted or unknown); the owner is null' },
      { credentialId: 'd', field: 'userId', message: 'key "d" names no owner (no userId); its owner is unknown' },
    ]);
  });

  it('adds no per-user warning when the lookup failed as a whole (the source said so once)', () => {
    const keys = [buildKey({ userId: 'u1', owner: owner('stale') })];
    expect(assignOwners(keys, { owners: new Map(), ownersResolved: false, scope: 'tenant' })).toEqual([]);
    expect(keys[0]!.owner).toBeNull();
  });

  it('names at most 50 of each kind and counts the rest in one warning', () => {
    const keys = Array.from({ length: 120 }, (_, i) => buildKey({ id: `k${i}`, userId: i < 60 ? `gone-${i}` : null }));
    const warnings = assignOwners(keys, { owners: new Map(), ownersResolved: true, scope: 'tenant' });
    expect(warnings).toHaveLength(102);
    expect(warnings[50]!.message).toBe("and 10 more users not returned by C1's user lookup; their keys have no owner");
    expect(warnings[101]!.message).toBe('and 10 more keys name no owner (no userId)');
  });
});
