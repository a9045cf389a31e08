/**
 * Personal clients with FIXED dates, as the C1 simulator serves them, and the
 * fixed `--as-of` times the tests use. The findings of these keys do not
 * change between T0 and T0 + 8 days: they come from time-independent rules
 * (no-expiry, missing-cidr, broad-cidr, broad-roles, long-lived), and every
 * key was used recently enough that `unused` cannot fire.
 */

export const T0 = '2026-11-26T07:00:00.000Z';
const DAY_MS = 24 * 60 * 60 * 1000;

/** T0 shifted by whole days plus minutes, as an RFC 3339 `--as-of`. */
export function afterT0(days: number, minutes = 0): string {
  return new Date(Date.parse(T0) + days * DAY_MS + minutes * 60_000).toISOString();
}

export const ROLE_BASIC_USER = '2Dsim0BasicUser00000000000';
export const ROLE_LOG_READER = '2Dsim0SystemLogReader00000';

export interface RawKey {
  id: string;
  clientId: string;
  displayName: string;
  userId: string;
  createdAt: string;
  updatedAt: string;
  lastUsedAt: string;
  expiresTime?: string;
  allowSourceCidr: string[];
  scopedRoles: string[];
}

function key(name: string, fields: Omit<RawKey, 'id' | 'clientId' | 'userId' | 'updatedAt'> & { id: string }): RawKey {
  return { clientId: `${name}@acme.conductor.one/pcc`, userId: 'sim-user-1', updatedAt: fields.createdAt, ...fields };
}

/** no-expiry (high) + broad-cidr (high; critical once widened to /0). */
export function deployBot(allowSourceCidr: string[] = ['10.0.0.0/8']): RawKey {
  return key('deploy-bot', {
    id: 'pc-deploy',
    displayName: 'Deploy bot',
    createdAt: '2026-06-01T09:00:00Z',
    lastUsedAt: '2026-11-25T08:00:00Z',
    allowSourceCidr,
    scopedRoles: [ROLE_BASIC_USER],
  });
}

/** missing-cidr (medium) + broad-roles (high); `fixed` gives it a narrow range and a scoped role: no findings. */
export function reportsJob(fixed = false): RawKey {
  return key('reports-job', {
    id: 'pc-reports',
    displayName: 'Nightly reports',
    createdAt: '2026-09-01T09:00:00Z',
    lastUsedAt: '2026-11-25T03:00:00Z',
    expiresTime: '2027-06-01T00:00:00Z',
    allowSourceCidr: fixed ? ['198.51.100.0/24'] : [],
    scopedRoles: fixed ? [ROLE_LOG_READER] : [],
  });
}

/** long-lived (low) only: below the default minSeverity, so in the report but never mailed. */
export function legacySync(): RawKey {
  return key('legacy-sync', {
    id: 'pc-legacy',
    displayName: 'Legacy sync',
    createdAt: '2026-01-10T09:00:00Z',
    lastUsedAt: '2026-11-24T12:00:00Z',
    expiresTime: '2027-12-31T00:00:00Z',
    allowSourceCidr: ['203.0.113.0/24'],
    scopedRoles: [ROLE_LOG_READER],
  });
}

/** No findings at all. */
export function cleanKey(): RawKey {
  return key('clean-key', {
    id: 'pc-clean',
    displayName: 'Clean key',
    createdAt: '2026-09-01T09:00:00Z',
    lastUsedAt: '2026-11-25T10:00:00Z',
    expiresTime: '2027-06-01T00:00:00Z',
    allowSourceCidr: ['203.0.113.7'],
    scopedRoles: [ROLE_BASIC_USER],
  });
}

/** A key that appears later: no-expiry (high) + missing-cidr (medium). */
export function newRobot(id = 'pc-new', name = 'new-robot', displayName = 'New robot'): RawKey {
  return key(name, {
    id,
    displayName,
    createdAt: '2026-11-20T09:00:00Z',
    lastUsedAt: '2026-11-25T09:00:00Z',
    allowSourceCidr: [],
    scopedRoles: [ROLE_BASIC_USER],
  });
}

export function baseKeys(): RawKey[] {
  return [deployBot(), reportsJob(), legacySync(), cleanKey()];
}

export const clientIdOf = (name: string): string => `${name}@acme.conductor.one/pcc`;
