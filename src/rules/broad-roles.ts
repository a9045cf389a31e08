import { API_KEYS_PAGE, ROLES_DOCS_URL } from './docs.js';
import { quote } from './format.js';
import type { RoleInfo, Rule, RuleMeta } from './types.js';

export const meta: RuleMeta = {
  id: 'broad-roles',
  title: 'Key carries broad permissions',
  defaultSeverity: 'high',
  firesWhen: "`scopedRoles` unset, null or empty (the key carries all its owner's permissions), or it holds a role listed in `broadRoles.roles` (by ID, or by name/display name once roles are resolved)",
  options: '`rules.broadRoles.roles` (`["Super Administrator"]`)',
  fields: ['scopedRoles'],
  risk: 'A key without scoped roles acts with all of its owner\'s permissions, and a key scoped to a role listed as broad can do far more than a typical integration needs; a leaked secret then gives that much access.',
  remediation: `Create a replacement key in ${API_KEYS_PAGE} with the narrowest scope that works (for example "Read-only to system logs" or "Basic user" instead of "Full permissions"), move consumers to it, then delete this key.`,
  reference: ROLES_DOCS_URL,
};

export type RoleMatchKind = 'id' | 'name' | 'displayName';

export interface BroadRoleMatch {
  roleId: string;
  /** The `broadRoles.roles` entry that matched. */
  configured: string;
  matchedBy: RoleMatchKind;
  name: string | null;
  displayName: string | null;
}

/**
 * Fires when the key has no scoped roles (it then carries all of its owner's
 * permissions), or when one of its roles is listed in `broadRoles.roles`.
 * A listed entry matches a role by its id exactly, or — when roles could be
 * resolved — by its name or display name, ignoring case and surrounding
 * spaces (names are typed by people into the config).
 */
export const broadRoles: Rule = {
  meta,
  evaluate(key, { options, roles }) {
    if (key.scopedRoles === null) {
      return {
        message: "has no scoped roles, so it carries all of its owner's permissions (Full permissions)",
        evidence: { reason: 'unscoped', scopedRoles: null },
      };
    }
    let matches: BroadRoleMatch[] | null = null;
    for (const roleId of key.scopedRoles) {
      const match = matchRole(roleId, options.broadRoles.roles, roles.get(roleId));
      if (match !== null) (matches ??= []).push(match);
    }
    if (matches === null) return null;
    return {
      message: `is scoped to broad ${matches.length === 1 ? 'role' : 'roles'} ${matches.map(describeMatch).join('; ')}`,
      evidence: {
        reason: 'broad-role',
        scopedRoles: key.scopedRoles,
        matches,
        broadRoles: options.broadRoles.roles,
      },
    };
  },
};

export function matchRole(roleId: string, configured: readonly string[], role: RoleInfo | undefined): BroadRoleMatch | null {
  for (const entry of configured) {
    if (entry === roleId) return found(roleId, entry, 'id', role);
  }
  if (role === undefined) return null;
  // The role's own names are normalised once, when first compared.
  let name: string | undefined;
  let displayName: string | undefined;
  for (const entry of configured) {
    const wanted = normalizeName(entry);
    if (wanted === '') continue;
    if ((name ??= normalizeName(role.name)) === wanted) return found(roleId, entry, 'name', role);
    if ((displayName ??= normalizeName(role.displayName)) === wanted) return found(roleId, entry, 'displayName', role);
  }
  return null;
}

function found(roleId: string, configured: string, matchedBy: RoleMatchKind, role: RoleInfo | undefined): BroadRoleMatch {
  return { roleId, configured, matchedBy, name: role?.name || null, displayName: role?.displayName || null };
}

function normalizeName(value: string): string {
  return value.trim().toLowerCase();
}

function describeMatch(match: BroadRoleMatch): string {
  const label = match.displayName ?? match.name ?? match.roleId;
  const how = match.matchedBy === 'id' ? 'id' : match.matchedBy === 'name' ? 'name' : 'display name';
  return `${quote(label)} (role id ${quote(match.roleId)}, matched by ${how})`;
}
