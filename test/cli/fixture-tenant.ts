/**
 * A tenant with fixed dates, evaluated at a fixed --as-of, and the findings
 * each key must get: the CLI tests check the report key by key against it.
 */
export const AS_OF = '2026-11-26T12:00:00Z';

const ROLE_SUPER_ADMIN = 'role-super-admin';
const ROLE_LOGS = 'role-log-reader';

export const FIXTURE_ROLES = [
  { id: ROLE_SUPER_ADMIN, name: 'super_admin', displayName: 'Super Administrator' },
  { id: ROLE_LOGS, name: 'log_reader', displayName: 'Read-only to system logs' },
];

interface FixtureKey {
  raw: Record<string, unknown>;
  /** Rule ids that must fire for it, with their severity. */
  expected: Record<string, string>;
}

function key(id: string, fields: Record<string, unknown>, expected: Record<string, string>): FixtureKey {
  return {
    raw: {
      id,
      clientId: `${id}@acme.conductor.one/pcc`,
      displayName: `key ${id}`,
      userId: 'user-1',
      createdAt: '2026-10-01T00:00:00Z',
      expiresTime: '2027-01-15T00:00:00.000Z',
      lastUsedAt: '2026-11-25T08:30:00.123456Z',
      allowSourceCidr: ['203.0.113.0/24'],
      scopedRoles: [ROLE_LOGS],
      unknownFutureField: { ignored: true },
      ...fields,
    },
    expected,
  };
}

export const FIXTURE_KEYS: FixtureKey[] = [
  key('clean', {}, {}),
  key('clean-single-address', { allowSourceCidr: ['198.51.100.7', '2001:db8::/56'] }, {}),
  key('expiring-urgent', { expiresTime: '2026-11-28T00:00:00Z' }, { 'expiring-soon': 'high' }),
  key('expiring-later', { expiresTime: '2026-12-05T00:00:00.000000000Z' }, { 'expiring-soon': 'medium' }),
  key('expired', { expiresTime: '2026-11-01T00:00:00Z', allowSourceCidr: null, scopedRoles: null }, { expired: 'low' }),
  key('no-expiry', { expiresTime: '0001-01-01T00:00:00Z' }, { 'no-expiry': 'high' }),
  key('unused', { lastUsedAt: '2026-07-01T00:00:00Z', createdAt: '2026-06-01T00:00:00Z' }, { unused: 'medium' }),
  key('never-used', { lastUsedAt: null }, { 'never-used': 'medium' }),
  key('missing-cidr', { allowSourceCidr: [] }, { 'missing-cidr': 'medium' }),
  key('broad-cidr', { allowSourceCidr: ['10.0.0.0/8'] }, { 'broad-cidr': 'high' }),
  key('open-cidr', { allowSourceCidr: ['0.0.0.0/0'] }, { 'broad-cidr': 'critical' }),
  key('invalid-cidr', { allowSourceCidr: ['203.0.113.0/24', 'not-an-address'] }, { 'invalid-cidr': 'medium' }),
  key('full-permissions', { scopedRoles: null }, { 'broad-roles': 'high' }),
  key('super-admin', { scopedRoles: [ROLE_SUPER_ADMIN] }, { 'broad-roles': 'high' }),
  key('long-lived', { expiresTime: '2030-01-01T00:00:00Z' }, { 'long-lived': 'low' }),
  key('garbage-date', { lastUsedAt: 'last tuesday' }, {}),
  // A wrong-typed field makes that field unreadable, not the whole key: the expiry rules skip it, the rest still run.
  key('wrong-type-date', { expiresTime: 12345 }, {}),
  key('deleted', { deletedAt: '2026-11-20T00:00:00Z', expiresTime: null }, {}),
];

/** An item the API should never send: without a usable id it cannot be tracked, so the audit skips it with a warning. */
export const BROKEN_ITEM = { id: 12345, clientId: 'x@acme.conductor.one/pcc', displayName: 'no usable id' };

export function fixtureItems(): unknown[] {
  return [...FIXTURE_KEYS.map((k) => k.raw), BROKEN_ITEM];
}
