import type { RoleInfo } from '../../src/rules/types.js';
import { broadRoles } from '../../src/rules/broad-roles.js';
import { ruleOptions } from '../helpers/keys.js';
import { testRule } from '../helpers/rule-tester.js';

const SUPER_RO: RoleInfo = { id: 'role-super-ro', name: 'super_admin_readonly', displayName: 'Read-only Super Administrator' };
const LOGS: RoleInfo = { id: 'role-logs', name: 'system_log_reader', displayName: 'Read-only to system logs' };
const roles = new Map([SUPER_RO, LOGS].map((role) => [role.id, role]));
const broad = (...entries: string[]) => ruleOptions({ broadRoles: { roles: entries } });

testRule(broadRoles, {
  valid: [
    { name: 'scoped, nothing listed as broad', key: { scopedRoles: ['role-super-ro'] }, context: { roles } },
    {
      name: 'scoped to a role that is not listed',
      key: { scopedRoles: ['role-logs'] },
      context: { roles, options: broad('role-super-ro', 'Read-only Super Administrator') },
    },
    {
      name: 'listed by name, but roles could not be resolved',
      key: { scopedRoles: ['role-super-ro'] },
      context: { options: broad('Read-only Super Administrator') },
    },
    {
      name: 'ids match exactly, not ignoring case',
      key: { scopedRoles: ['role-super-ro'] },
      context: { options: broad('ROLE-SUPER-RO') },
    },
  ],
  invalid: [
    {
      name: 'no scoped roles',
      key: { scopedRoles: null },
      message: "has no scoped roles, so it carries all of its owner's permissions (Full permissions)",
      evidence: { reason: 'unscoped', scopedRoles: null },
    },
    {
      name: 'listed by id (roles unresolved)',
      key: { scopedRoles: ['role-super-ro'] },
      context: { options: broad('role-super-ro') },
      message: 'is scoped to broad role "role-super-ro" (role id "role-super-ro", matched by id)',
      evidence: { reason: 'broad-role', matches: [{ roleId: 'role-super-ro', matchedBy: 'id', configured: 'role-super-ro' }] },
    },
    {
      name: 'listed by display name, ignoring case and spaces',
      key: { scopedRoles: ['role-logs', 'role-super-ro'] },
      context: { roles, options: broad('  read-only SUPER administrator ') },
      message: 'is scoped to broad role "Read-only Super Administrator" (role id "role-super-ro", matched by display name)',
      evidence: { matches: [{ roleId: 'role-super-ro', matchedBy: 'displayName', name: 'super_admin_readonly' }] },
    },
    {
      name: 'listed by name',
      key: { scopedRoles: ['role-super-ro'] },
      context: { roles, options: broad('super_admin_readonly') },
      evidence: { matches: [{ matchedBy: 'name' }] },
    },
    {
      name: 'two broad roles',
      key: { scopedRoles: ['role-super-ro', 'role-logs'] },
      context: { roles, options: broad('role-logs', 'super_admin_readonly') },
      message: /^is scoped to broad roles "Read-only Super Administrator" .*; "Read-only to system logs" .*matched by id\)$/,
    },
  ],
});
