import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PersonalClientChecker } from '../../src/c1/personal-clients.js';
import { parseListPage } from '../../src/c1/list-page.js';
import { HygieneError } from '../../src/errors.js';
import { parseCidrEntry } from '../../src/keys/cidr.js';
import { normalizeKeys } from '../../src/keys/normalize.js';
import type { CidrEntry, KeyField, NormalizedKey } from '../../src/keys/types.js';
import { evaluateKeys } from '../../src/rules/evaluate.js';
import { RULES } from '../../src/rules/index.js';
import { NOW, ruleContext, ruleOptions } from '../helpers/keys.js';

/**
 * Everything the API sends is untrusted: whatever JSON arrives, the listing
 * checker and the normaliser must not throw (a bad key is a warning), and no
 * rule may throw on any key the normaliser can produce.
 */
const FIELDS = ['id', 'clientId', 'displayName', 'userId', 'createdAt', 'updatedAt', 'deletedAt', 'expiresTime', 'lastUsedAt', 'allowSourceCidr', 'scopedRoles'];
const dateText = fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.constantFrom('', '0001-01-01T00:00:00Z', '1970-01-01T00:00:00Z'), fc.string());
const cidrText = fc.oneof(fc.constantFrom('0.0.0.0/0', '::/0', '10.0.0.0/8', '::ffff:0:0/95', '::/80', '1.2.3.4', 'fe80::1%eth0', '10.0.0.0/08'), fc.string());
/** Items that look like personal clients, with any JSON in any field, plus any JSON at all. */
const itemArb = fc.oneof(
  fc.jsonValue(),
  fc.record(
    Object.fromEntries(
      FIELDS.map((field) => [
        field,
        field === 'allowSourceCidr' || field === 'scopedRoles'
          ? fc.oneof(fc.array(fc.oneof(cidrText, fc.jsonValue())), fc.jsonValue())
          : field.endsWith('At') || field === 'expiresTime'
            ? fc.oneof(dateText, fc.jsonValue())
            : fc.oneof(fc.string(), fc.jsonValue()),
      ]),
    ),
    { requiredKeys: [] },
  ),
);

describe('untrusted listing data (property)', () => {
  it('a page envelope of any JSON value is parsed or refused with C1_BAD_RESPONSE, never anything else', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (body) => {
        try {
          const page = parseListPage(body, 'personal_clients');
          expect(Array.isArray(page.items)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(HygieneError);
          expect((error as HygieneError).code).toBe('C1_BAD_RESPONSE');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the checker and the normaliser never throw on any items, and account for every item', () => {
    fc.assert(
      fc.property(fc.array(itemArb, { maxLength: 8 }), (items) => {
        const checker = new PersonalClientChecker();
        checker.addPage(items);
        const { clients, skipped } = checker.result;
        expect(clients.length + skipped.length).toBe(items.length);
        const normalized = normalizeKeys(clients, NOW);
        expect(normalized.active.length + normalized.deleted.length).toBe(clients.length);
        // And the rules never throw on what came out of it.
        const evaluation = evaluateKeys(normalized.active, {
          now: NOW,
          rules: { options: ruleOptions(), disabled: [], severity: {} },
          roles: new Map(),
          suppressions: [],
        });
        expect(Array.isArray(evaluation.findings)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

const dateOrNull = fc.option(fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }), { nil: null });
const entries = fc.array(cidrText, { maxLength: 5 }).map((texts) => {
  const valid: CidrEntry[] = [];
  const invalid: string[] = [];
  for (const text of texts) {
    const parsed = parseCidrEntry(text);
    if (parsed.ok) valid.push(parsed.entry);
    else invalid.push(text);
  }
  return { valid, invalid };
});
const keyArb: fc.Arbitrary<NormalizedKey> = fc.record({
  id: fc.string({ minLength: 1 }),
  clientId: fc.string(),
  displayName: fc.string(),
  userId: fc.option(fc.string(), { nil: null }),
  createdAt: dateOrNull,
  updatedAt: dateOrNull,
  deletedAt: dateOrNull,
  expiresTime: dateOrNull,
  lastUsedAt: dateOrNull,
  allowSourceCidr: fc.option(entries, { nil: null }),
  scopedRoles: fc.option(fc.array(fc.string(), { minLength: 1 }), { nil: null }),
  invalidFields: fc.subarray<KeyField>(['createdAt', 'updatedAt', 'deletedAt', 'expiresTime', 'lastUsedAt', 'allowSourceCidr', 'scopedRoles']),
  owner: fc.option(fc.record({ id: fc.string(), email: fc.option(fc.string(), { nil: null }), displayName: fc.option(fc.string(), { nil: null }), status: fc.string() }), { nil: null }),
});

describe('rules on any normalised key (property)', () => {
  it('no rule throws, and a hit always carries a message', () => {
    let hits = 0;
    fc.assert(
      fc.property(keyArb, fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }), (key, now) => {
        for (const rule of RULES) {
          const hit = rule.evaluate(key, ruleContext({ now }));
          if (hit !== null) {
            hits += 1;
            expect(typeof hit.message).toBe('string');
          }
        }
      }),
      { numRuns: 500 },
    );
    expect(hits).toBeGreaterThan(0);
  });
});
