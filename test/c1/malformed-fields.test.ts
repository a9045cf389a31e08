import { afterEach, describe, expect, test } from 'vitest';
import { normalizeKeys } from '../../src/keys/normalize.js';
import { evaluateKeys } from '../../src/rules/evaluate.js';
import type { RoleInfo } from '../../src/rules/types.js';
import { NOW, ruleOptions, rulesConfig } from '../helpers/keys.js';
import { startRig, type TestRig } from '../helpers/simulator.js';

/**
 * A key with one wrong-typed field must still reach the rules: listing,
 * normalisation and evaluation together, as an audit runs them.
 */

let rig: TestRig;
afterEach(async () => {
  await rig.close();
});

const ADMIN_ROLE: RoleInfo = { id: 'role-admin', name: 'admin', displayName: 'Admin' };

async function audit(personalClients: unknown[]) {
  rig = await startRig({ personalClients });
  const listing = await rig.client().listPersonalClients();
  const normalized = normalizeKeys(listing.items, NOW);
  const { findings } = evaluateKeys(normalized.active, {
    now: NOW,
    rules: rulesConfig({ options: ruleOptions({ broadRoles: { roles: ['admin'] } }) }),
    roles: new Map([[ADMIN_ROLE.id, ADMIN_ROLE]]),
    suppressions: [],
  });
  const rulesFor = (id: string) => findings.filter((finding) => finding.credentialId === id).map((finding) => finding.ruleId).sort();
  return { listing, normalized, findings, rulesFor };
}

const clean = {
  createdAt: '2026-10-01T00:00:00Z',
  expiresTime: '2027-01-01T00:00:00Z',
  lastUsedAt: '2026-11-25T00:00:00Z',
  allowSourceCidr: ['203.0.113.0/24'],
  scopedRoles: ['role-readonly'],
};

describe('a personal client with a wrong-typed field', () => {
  test('userId of the wrong type: the key is audited and its other risks found', async () => {
    const { listing, normalized, rulesFor } = await audit([{ id: 'odd-user', ...clean, userId: 7, allowSourceCidr: ['0.0.0.0/0'] }]);
    expect(listing.skipped).toEqual([]);
    expect(listing.warnings).toEqual([expect.objectContaining({ credentialId: 'odd-user', field: 'userId' })]);
    expect(normalized.active[0]).toMatchObject({ id: 'odd-user', userId: null, invalidFields: [] });
    expect(rulesFor('odd-user')).toEqual(['broad-cidr']);
  });

  test('a null among allowSourceCidr entries: invalid-cidr reports it and the /0 beside it is still judged', async () => {
    const { findings, rulesFor } = await audit([{ id: 'odd-cidr', ...clean, allowSourceCidr: ['0.0.0.0/0', null] }]);
    expect(rulesFor('odd-cidr')).toEqual(['broad-cidr', 'invalid-cidr']);
    expect(findings.find((finding) => finding.ruleId === 'broad-cidr')?.severity).toBe('critical');
    expect(findings.find((finding) => finding.ruleId === 'invalid-cidr')?.evidence).toEqual({ invalid: ['null'], validCount: 1 });
  });

  test('allowSourceCidr that is a string, not a list: one invalid entry, not "no limit"', async () => {
    const { rulesFor } = await audit([{ id: 'cidr-string', ...clean, allowSourceCidr: '10.0.0.0/8' }]);
    expect(rulesFor('cidr-string')).toEqual(['invalid-cidr']);
  });

  test('expiresTime of the wrong type: rules reading it are skipped, not run as if it were unset', async () => {
    // Without an expiry this key would be reported by no-expiry; a number is not "no expiry".
    const { normalized, rulesFor } = await audit([{ id: 'odd-expiry', ...clean, expiresTime: 12345, allowSourceCidr: ['10.0.0.0/8'] }]);
    expect(normalized.active[0]?.invalidFields).toEqual(['expiresTime']);
    expect(rulesFor('odd-expiry')).toEqual(['broad-cidr']);
  });

  test('scopedRoles with a non-string entry: broad-roles is skipped rather than judged on part of the list', async () => {
    const { normalized, rulesFor } = await audit([
      { id: 'odd-roles', ...clean, scopedRoles: ['role-admin', 5], allowSourceCidr: ['10.0.0.0/8'] },
      { id: 'roles-string', ...clean, scopedRoles: 'role-admin' },
      { id: 'plain-admin', ...clean, scopedRoles: ['role-admin'] },
    ]);
    expect(normalized.active.map((key) => key.invalidFields)).toEqual([['scopedRoles'], ['scopedRoles'], []]);
    expect(rulesFor('odd-roles')).toEqual(['broad-cidr']);
    expect(rulesFor('roles-string')).toEqual([]);
    expect(rulesFor('plain-admin')).toEqual(['broad-roles']);
  });
});
