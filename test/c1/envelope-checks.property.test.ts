import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseListPage } from '../../src/c1/list-page.js';
import { checkRoles } from '../../src/c1/roles.js';
import { HygieneError } from '../../src/errors.js';

/*
 * The list envelope and the roles are checked by hand (they run on every
 * audit, which loads no schema library for them). These zod schemas are the
 * rules they were written from: on any JSON at all, both must agree.
 */
const envelopeSchema = z.object({ list: z.array(z.unknown()).nullish(), nextPageToken: z.string().nullish() });
const roleSchema = z.object({
  id: z.string().min(1),
  name: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  displayName: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
});

/** Objects with the checked fields present or not, holding any JSON or the right type. */
const envelopeArb = fc.oneof(
  fc.jsonValue(),
  fc.record(
    {
      list: fc.oneof(fc.array(fc.jsonValue(), { maxLength: 3 }), fc.jsonValue()),
      nextPageToken: fc.oneof(fc.string(), fc.constant(null), fc.jsonValue()),
      other: fc.jsonValue(),
    },
    { requiredKeys: [] },
  ),
);
const roleArb = fc.oneof(
  fc.jsonValue(),
  fc.record(
    {
      id: fc.oneof(fc.string(), fc.constant(''), fc.jsonValue()),
      name: fc.oneof(fc.string(), fc.constant(null), fc.jsonValue()),
      displayName: fc.oneof(fc.string(), fc.constant(null), fc.jsonValue()),
      description: fc.jsonValue(),
    },
    { requiredKeys: [] },
  ),
);

function pageOutcome(body: unknown): unknown {
  try {
    return parseListPage(body, 'personal_clients');
  } catch (error) {
    expect(error).toBeInstanceOf(HygieneError);
    return { field: (error as HygieneError).details.field };
  }
}

function schemaPageOutcome(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { field: null };
  const result = envelopeSchema.safeParse(body);
  if (!result.success) return { field: String(result.error.issues[0]?.path[0]) };
  return { items: result.data.list ?? [], nextPageToken: result.data.nextPageToken ?? '' };
}

describe('hand-written checks of C1 list data agree with their schemas (property)', () => {
  it('a list envelope: the same items and token, or a refusal naming the same field', () => {
    fc.assert(
      fc.property(envelopeArb, (body) => {
        expect(pageOutcome(body)).toEqual(schemaPageOutcome(body));
      }),
      { numRuns: 500 },
    );
  });

  it('roles: the same roles kept, with the same names, and the same count skipped', () => {
    fc.assert(
      fc.property(fc.array(roleArb, { maxLength: 6 }), (items) => {
        const kept = items.map((item) => roleSchema.safeParse(item)).filter((result) => result.success);
        expect(checkRoles(items)).toEqual({ roles: kept.map((result) => result.data), skipped: items.length - kept.length });
      }),
      { numRuns: 500 },
    );
  });

  it('examples: a role with null names keeps empty ones; a numeric name or an empty id is skipped', () => {
    const { roles, skipped } = checkRoles([{ id: 'r1', name: null }, { id: 'r2', name: 7 }, { id: '' }, ['r3'], { id: 'r4', name: 'n', displayName: 'd', x: 1 }]);
    expect(roles).toEqual([
      { id: 'r1', name: '', displayName: '' },
      { id: 'r4', name: 'n', displayName: 'd' },
    ]);
    expect(skipped).toBe(3);
  });
});
