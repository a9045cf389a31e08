import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, planDigest } from '../../src/remediation/plan-hash.js';
import type { RemediationPlan } from '../../src/remediation/types.js';
import { ALL_RULES, createRig, sampleKeys, type Rig } from './rig.js';

let rig: Rig;
let plan: RemediationPlan;

beforeAll(async () => {
  rig = await createRig(sampleKeys(), ALL_RULES);
  ({ plan } = await rig.plan());
});

afterAll(async () => {
  await rig.close();
});

describe('the seal of a plan', () => {
  it('ignores key order and white space, and changes with any value', () => {
    const content = plan as unknown as Record<string, unknown>;
    const reordered = Object.fromEntries(Object.entries(content).reverse());
    expect(planDigest(reordered)).toBe(plan.sha256);
    expect(planDigest(JSON.parse(JSON.stringify(content, null, 7)) as Record<string, unknown>)).toBe(plan.sha256);
    expect(planDigest({ ...content, candidates: plan.candidates + 1 })).not.toBe(plan.sha256);
    expect(canonicalJson({ b: [1, { d: null, c: 'x' }], a: true })).toBe('{"a":true,"b":[1,{"c":"x","d":null}]}');
  });

  it('never lets a plan file with arbitrary content delete anything unless its hash verifies', async () => {
    const planPath = join(rig.dir, 'arbitrary-plan.json');
    const deletesBefore = rig.deletedIds().length;
    const sealed = plan as unknown as Record<string, unknown>;

    // Arbitrary JSON, arbitrary JSON dressed up as a plan, and the real plan with one field replaced
    // by arbitrary JSON while the original hash is kept.
    const arbitraryFile = fc.oneof(
      fc.jsonValue().map((value) => value),
      fc
        .dictionary(fc.string(), fc.jsonValue())
        .map((extra): unknown => ({ ...extra, kind: 'c1-hygiene.remediation-plan', sha256: plan.sha256 })),
      fc
        .tuple(fc.constantFrom(...Object.keys(sealed).filter((k) => k !== 'sha256')), fc.jsonValue())
        .map(([field, replacement]): unknown => ({ ...sealed, [field]: replacement })),
    );

    await fc.assert(
      fc.asyncProperty(arbitraryFile, async (value) => {
        const verifies =
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          planDigest(value as Record<string, unknown>) === (value as { sha256?: unknown }).sha256;
        // A replacement equal to the original value leaves the real, sealed plan: not what this property is about.
        fc.pre(!verifies);
        await writeFile(planPath, JSON.stringify(value) ?? 'null');
        const run = await rig.apply(planPath);
        expect(run.code).toBe(2);
        expect(rig.deletedIds().length).toBe(deletesBefore);
      }),
      { numRuns: 120 },
    );
    expect(rig.deletedIds().length).toBe(deletesBefore);
  });

  it('refuses a correctly sealed file whose content is not a well-formed plan, without crashing', async () => {
    const planPath = join(rig.dir, 'resealed-plan.json');
    const deletesBefore = rig.deletedIds().length;
    const sealed = plan as unknown as Record<string, unknown>;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.dictionary(fc.string(), fc.jsonValue()),
          fc
            .tuple(fc.constantFrom('keys', 'createdAt', 'config', 'scope', 'schemaVersion'), fc.jsonValue())
            .map(([field, replacement]) => ({ ...sealed, [field]: replacement })),
        ),
        async (content) => {
          const forged: Record<string, unknown> = { ...content, kind: 'c1-hygiene.remediation-plan' };
          forged.sha256 = planDigest(forged);
          fc.pre(canonicalJson(forged) !== canonicalJson(sealed));
          // `"keys": []` is a well-formed plan that deletes nothing.
          fc.pre(!(Array.isArray(forged.keys) && forged.keys.length === 0));
          await writeFile(planPath, JSON.stringify(forged));
          const run = await rig.apply(planPath);
          expect(run.code).toBe(2);
          expect(run.stderr).toMatch(/not a well-formed plan|made for scope/);
          expect(rig.deletedIds().length).toBe(deletesBefore);
        },
      ),
      { numRuns: 80 },
    );
  });
});
