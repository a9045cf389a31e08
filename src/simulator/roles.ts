/** An IAM role as `GET /api/v1/iam/roles` returns it. */
export interface SimulatedRole {
  id: string;
  name: string;
  displayName: string;
  description?: string;
  permissions: string[];
  systemBuiltin: boolean;
}

/**
 * Roles shaped like the builtin ones a C1 tenant offers when scoping a
 * personal API key (Full permissions = no scoped roles, plus the three below),
 * and the super administrator role they are derived from. IDs are fixed so
 * sample keys and tests can refer to them.
 */
export const BUILTIN_ROLES: readonly SimulatedRole[] = [
  {
    id: '2Dsim0SuperAdmin00000000000',
    name: 'super-admin',
    displayName: 'Super Administrator',
    description: 'Full access to everything in the tenant.',
    permissions: ['*'],
    systemBuiltin: true,
  },
  {
    id: '2Dsim0ReadOnlyAdmin0000000',
    name: 'read-only-super-admin',
    displayName: 'Read-only Super Administrator',
    description: 'Can see everything in the tenant and change nothing.',
    permissions: ['*:read'],
    systemBuiltin: true,
  },
  {
    id: '2Dsim0BasicUser00000000000',
    name: 'basic-user',
    displayName: 'Basic user',
    description: 'Request access and review own grants.',
    permissions: ['requests:create', 'requests:read:self', 'grants:read:self'],
    systemBuiltin: true,
  },
  {
    id: '2Dsim0SystemLogReader00000',
    name: 'system-log-reader',
    displayName: 'Read-only to system logs',
    description: 'Read the system log and nothing else.',
    permissions: ['systemlog:read'],
    systemBuiltin: true,
  },
];
