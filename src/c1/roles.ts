import type { RoleInfo } from '../rules/types.js';

/**
 * Roles from `GET /api/v1/iam/roles`, reduced to what rules need to match
 * `scopedRoles` IDs by name. Roles only add names to findings, so a malformed
 * one (not an object, or without a non-empty string `id`) is skipped (and
 * counted) rather than failing the audit; a name that is not a string counts
 * as malformed too, a missing or null one as empty.
 */
export function checkRoles(items: readonly unknown[]): { roles: RoleInfo[]; skipped: number } {
  const roles: RoleInfo[] = [];
  let skipped = 0;
  for (const item of items) {
    const role = checkRole(item);
    if (role === null) skipped += 1;
    else roles.push(role);
  }
  return { roles, skipped };
}

function checkRole(item: unknown): RoleInfo | null {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return null;
  const { id, name, displayName } = item as { id?: unknown; name?: unknown; displayName?: unknown };
  if (typeof id !== 'string' || id.length === 0) return null;
  const names = [name, displayName].map((value) => (value === undefined || value === null ? '' : value));
  const [roleName, roleDisplayName] = names;
  if (typeof roleName !== 'string' || typeof roleDisplayName !== 'string') return null;
  return { id, name: roleName, displayName: roleDisplayName };
}
