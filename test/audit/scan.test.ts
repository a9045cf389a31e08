import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIELDS_KEPT_FOR_OWNER_RULES, KeyScan, type OwnerResolution } from '../../src/audit/scan.js';
import { assignOwners } from '../../src/audit/owners.js';
import { PersonalClientChecker } from '../../src/c1/personal-clients.js';
import type { Suppression } from '../../src/config/types.js';
import { normalizeKeys } from '../../src/keys/normalize.js';
import type { NormalizedKey, Owner, RawPersonalClient } from '../../src/keys/types.js';
import type { ReportClient } from '../../src/report/types.js';
import { evaluateKeys } from '../../src/rules/evaluate.js';
import { RULES } from '../../src/rules/index.js';
import type { RoleInfo } from '../../src/rules/types.js';
import { DAY, NOW, rulesConfig, ruleOptions } from '../helpers/keys.js';

/**
 * The page-by-page scan must come to exactly what judging the whole listing
 * at once did (the audit's previous pipeline, kept here as the oracle):
 * normalise everything, attach owners, run every rule, list each key.
 */

const USERS = ['u1', 'u2', 'u3', 'u4'];
const ROLES = new Map<string, RoleInfo>([['r-admin', { id: 'r-admin', name: 'Super Administrator', displayName: 'Super Administrator' }]]);
const RULE_SETTINGS = rulesConfig({ options: ruleOptions({ broadRoles: { roles: ['Super Administrator'] } }) });

const date = fc.oneof(
  fc.integer({ min: -800, max: 800 }).map((days) => new Date(NOW.getTime() + days * DAY).toISOString()),
  fc.constantFrom('', '0001-01-01T00:00:00Z', 'yesterday', '2026-02-30T00:00:00Z'),
);
const rawKey = (id: string): fc.Arbitrary<RawPersonalClient> =>
  fc.record(
    {
      id: fc.constant(id),
      clientId: fc.constantFrom(`${id}@acme.conductor.one/pcc`, ''),
      displayName: fc.constantFrom('CI key', 'laptop', '', 'zeta'),
      userId: fc.constantFrom(...USERS, 'gone-user', ''),
      createdAt: date,
      deletedAt: fc.oneof(fc.constant(''), date),
      expiresTime: fc.oneof(fc.constant(''), date),
      lastUsedAt: fc.oneof(fc.constant(''), date),
      allowSourceCidr: fc.array(fc.constantFrom('0.0.0.0/0', '10.0.0.0/8', '203.0.113.7', 'not-an-ip', '::/0', '2001:db8::/64'), { maxLength: 3 }),
      scopedRoles: fc.array(fc.constantFrom('r-admin', 'r-reader', ' '), { maxLength: 2 }),
    },
    { requiredKeys: ['id'] },
  );
const listing = fc.integer({ min: 0, max: 40 }).chain((count) => fc.tuple(...Array.from({ length: count }, (_, i) => rawKey(`key-${i}`))));
const owners = fc.record({
  statuses: fc.array(fc.constantFrom('ENABLED', 'DISABLED', 'DELETED', 'MISSING'), { minLength: USERS.length, maxLength: USERS.length }),
  ownersResolved: fc.boolean(),
  scope: fc.constantFrom('self' as const, 'tenant' as const),
});
const suppressions = fc.array(
  fc.record({
    rule: fc.constantFrom(...RULES.map((rule) => rule.meta.id)),
    credential: fc.integer({ min: 0, max: 40 }).map((i) => `key-${i}`),
    reason: fc.constant('accepted'),
    expires: fc.constant(null),
  }),
  { maxLength: 3 },
);

function resolution(spec: { statuses: string[]; ownersResolved: boolean; scope: 'self' | 'tenant' }): OwnerResolution {
  const found = new Map<string, Owner>();
  if (spec.ownersResolved) {
    USERS.forEach((id, i) => {
      const status = spec.statuses[i]!;
      if (status !== 'MISSING') found.set(id, { id, email: `${id}@acme.example`, displayName: `User ${id}`, status });
    });
  }
  return { owners: found, ownersResolved: spec.ownersResolved, scope: spec.scope };
}

/** The whole-listing pipeline the scan replaced. */
function judgeAtOnce(items: RawPersonalClient[], owned: OwnerResolution, suppressed: Suppression[]) {
  const normalized = normalizeKeys(items, NOW);
  const ownerWarnings = assignOwners(normalized.active, owned);
  const evaluated = evaluateKeys(normalized.active, { now: NOW, rules: RULE_SETTINGS, roles: ROLES, suppressions: suppressed, ownersResolved: owned.ownersResolved });
  const fired = new Map<string, string[]>();
  for (const finding of evaluated.findings) fired.set(finding.credentialId, [...(fired.get(finding.credentialId) ?? []), finding.ruleId]);
  const clients = normalized.active.map((key) => listed(key, fired.get(key.id) ?? []));
  return {
    clients,
    findings: evaluated.findings,
    suppressed: evaluated.suppressed,
    deletedCount: normalized.deleted.length,
    warnings: [...normalized.warnings, ...ownerWarnings],
  };
}

function listed(key: NormalizedKey, findings: string[]): ReportClient {
  return {
    id: key.id,
    clientId: key.clientId,
    displayName: key.displayName,
    userId: key.userId,
    owner: key.owner,
    createdAt: key.createdAt?.toISOString() ?? null,
    expiresTime: key.expiresTime?.toISOString() ?? null,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    allowSourceCidr: key.allowSourceCidr ? [...key.allowSourceCidr.valid.map((entry) => entry.raw), ...key.allowSourceCidr.invalid] : [],
    scopedRoles: key.scopedRoles ?? [],
    invalidFields: [...key.invalidFields],
    findings,
  };
}

function judgeByPages(items: RawPersonalClient[], pageSizes: number[], owned: OwnerResolution, suppressed: Suppression[]) {
  const scan = new KeyScan({ now: NOW, rules: RULE_SETTINGS, suppressions: suppressed });
  let at = 0;
  for (let page = 0; at < items.length; page += 1) {
    const size = pageSizes[page % pageSizes.length]!;
    scan.addPage(items.slice(at, at + size), { roles: ROLES, rolesResolved: true });
    at += size;
  }
  return scan.finish(owned);
}

describe('judging keys page by page', () => {
  it('comes to exactly what judging the whole listing at once did, however the listing is paged', () => {
    fc.assert(
      fc.property(listing, fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 4 }), owners, suppressions, (raw, pageSizes, ownerSpec, suppressed) => {
        const checker = new PersonalClientChecker();
        checker.addPage(raw);
        const items = checker.result.clients;
        const owned = resolution(ownerSpec);
        expect(judgeByPages(items, pageSizes, owned, suppressed)).toEqual(judgeAtOnce(items, owned, suppressed));
      }),
      { numRuns: 150 },
    );
  });

  it('a rule that judges owners reads only what the report keeps of a key', () => {
    const ownerRules = RULES.filter((rule) => rule.meta.needsOwners === true);
    expect(ownerRules.length).toBeGreaterThan(0);
    for (const rule of ownerRules) {
      expect(rule.meta.fields.filter((field) => !FIELDS_KEPT_FOR_OWNER_RULES.has(field)), rule.meta.id).toEqual([]);
    }
  });
});
