import { mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { HygieneError } from '../errors.js';
import { errorCode, errorMessage, writeFileAtomic, writeFileExclusive } from '../fs/atomic-write.js';
import { SEVERITIES } from '../severity.js';
import { hasValidSeal } from './plan-hash.js';
import { PLAN_KIND, type RemediationPlan, type Scope } from './types.js';

/** Plans, like reports, name keys and their owners: owner read/write, group read. */
const FILE_MODE = 0o640;
const DIR_MODE = 0o750;
/** A plan deletes at most 1000 keys; a file far larger than that is not a plan. */
const MAX_PLAN_BYTES = 16 * 1024 * 1024;
/** A plan older than this is refused: the keys it judged may have changed in ways it cannot see. */
export const PLAN_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** A plan "made" later than now by more than this is refused too: the clocks disagree, so its age means nothing. */
const FUTURE_SKEW_MS = 5 * 60 * 1000;

/** Why a plan was refused; in the error's `details.reason`. */
export type RefusalReason = 'unreadable' | 'not-a-plan' | 'edited' | 'invalid' | 'stale' | 'from-the-future' | 'other-tenant' | 'other-scope';

/**
 * Writes the plan: to `planOut` (replacing it atomically) when given, else
 * under a new name `<reportDir>/remediation-plan-<ts>.json` that never
 * replaces an earlier plan. Returns the path.
 */
export async function writePlanFile(plan: RemediationPlan, target: { reportDir: string; planOut: string | null }): Promise<string> {
  const content = `${JSON.stringify(plan, null, 2)}\n`;
  const dir = target.planOut === null ? target.reportDir : dirname(target.planOut);
  try {
    await mkdir(dir, { recursive: true, mode: DIR_MODE });
    if (target.planOut !== null) {
      await writeFileAtomic(target.planOut, content, { mode: FILE_MODE });
      return target.planOut;
    }
    const stamp = fileStamp(plan.createdAt);
    return await writeFileExclusive(dir, (attempt) => numbered(`remediation-plan-${stamp}`, attempt), content, { mode: FILE_MODE });
  } catch (error) {
    const path = target.planOut ?? join(dir, `remediation-plan-${fileStamp(plan.createdAt)}.json`);
    throw new HygieneError('REMEDIATION_WRITE_FAILED', `could not write the remediation plan to ${path}: ${errorMessage(error)}`, {
      details: { path },
    });
  }
}

/** `2026-11-26T21:33:16.123Z` → `20261126T213316.123Z`, as report file names. */
export function fileStamp(iso: string): string {
  return new Date(iso).toISOString().replace(/[-:]/g, '');
}

/** `name.json`, then `name-1.json`, `name-2.json` when taken. */
export function numbered(base: string, attempt: number): string {
  return attempt === 0 ? `${base}.json` : `${base}-${attempt}.json`;
}

export interface PlanExpectations {
  /** Real now; the plan's age is judged against it. */
  now: Date;
  /** The tenant and scope the current configuration works on. */
  tenant: string;
  scope: Scope;
}

/**
 * Reads a plan and refuses it (REMEDIATION_PLAN_REFUSED, exit 2, naming the
 * reason) unless it is a plan of this tool, sealed with the hash of exactly
 * its content, well-formed, at most 24 hours old, and made for this tenant
 * and scope. The seal is checked before anything in the file is believed.
 */
export async function readVerifiedPlan(path: string, expect: PlanExpectations): Promise<RemediationPlan> {
  const text = await readPlanText(path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw refused('not-a-plan', path, 'it is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || (parsed as { kind?: unknown }).kind !== PLAN_KIND) {
    throw refused('not-a-plan', path, `it is not a remediation plan of c1-hygiene (no "kind": "${PLAN_KIND}")`);
  }
  if (!hasValidSeal(parsed as Record<string, unknown>)) {
    throw refused('edited', path, 'its content does not match its sha256: it was changed after it was made. Make a new plan and review that one');
  }
  const checked = planSchema.safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw refused('invalid', path, `it is not a well-formed plan (${issue.path.join('.') || '(top level)'}: ${issue.message})`);
  }
  const plan = checked.data as RemediationPlan;

  const createdAt = Date.parse(plan.createdAt);
  const age = expect.now.getTime() - createdAt;
  if (age > PLAN_MAX_AGE_MS) {
    const hours = Math.floor(age / 3_600_000);
    throw refused('stale', path, `it was made ${hours} hours ago (${plan.createdAt}); a plan is valid for 24 hours. Make a new plan and review that one`);
  }
  if (age < -FUTURE_SKEW_MS) {
    throw refused('from-the-future', path, `it claims to be made at ${plan.createdAt}, later than now (${expect.now.toISOString()}); check the clocks`);
  }
  if (plan.tenant !== expect.tenant) {
    throw refused('other-tenant', path, `it was made for tenant ${JSON.stringify(plan.tenant)}, but this configuration works on ${JSON.stringify(expect.tenant)}`);
  }
  if (plan.scope !== expect.scope) {
    throw refused('other-scope', path, `it was made for scope "${plan.scope}", but this configuration uses scope "${expect.scope}" (c1.scope)`);
  }
  return plan;
}

async function readPlanText(path: string): Promise<string> {
  let handle;
  try {
    handle = await open(path, 'r');
    const { size } = await handle.stat();
    if (size > MAX_PLAN_BYTES) throw refused('not-a-plan', path, `it is ${size} bytes, far larger than any plan`);
    const buffer = Buffer.alloc(Math.min(size, MAX_PLAN_BYTES) + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > MAX_PLAN_BYTES) throw refused('not-a-plan', path, 'it is far larger than any plan');
    return buffer.subarray(0, bytesRead).toString('utf8');
  } catch (error) {
    if (error instanceof HygieneError) throw error;
    const why = errorCode(error) === 'ENOENT' ? 'there is no such file' : errorMessage(error);
    throw refused('unreadable', path, `it cannot be read (${why})`);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

function refused(reason: RefusalReason, path: string, why: string): HygieneError {
  return new HygieneError('REMEDIATION_PLAN_REFUSED', `refusing the plan ${path}: ${why}; nothing was deleted`, {
    details: { reason, path },
  });
}

const isoTime = z.iso.datetime({ offset: true });
const text = z.string();
const owner = z
  .strictObject({ id: text, email: text.nullable(), displayName: text.nullable(), status: text })
  .nullable();

/** The shape `remediate` writes; checked only after the seal verified, so it guards against this tool's own mistakes and old versions. */
const planSchema = z.strictObject({
  kind: z.literal(PLAN_KIND),
  schemaVersion: z.literal(1),
  tool: z.strictObject({ name: text, version: text }),
  planId: text,
  createdAt: isoTime,
  tenant: text,
  scope: z.enum(['self', 'tenant']),
  config: z.strictObject({
    source: text.nullable(),
    rules: z.array(text),
    maxDeletes: z.number().int().min(1).max(1000),
  }),
  candidates: z.number().int().min(0),
  keys: z
    .array(
      z.strictObject({
        id: text.min(1),
        clientId: text,
        displayName: text,
        owner,
        severity: z.enum(SEVERITIES),
        reasons: z
          .array(z.strictObject({ ruleId: text, severity: z.enum(SEVERITIES), fingerprint: text, message: text }))
          .min(1),
        expiresTime: isoTime.nullable(),
        lastUsedAt: isoTime.nullable(),
        createdAt: isoTime.nullable(),
      }),
    )
    .max(1000)
    .refine((keys) => new Set(keys.map((key) => key.id)).size === keys.length, { error: 'a key is listed twice' }),
  heldBack: z.array(
    z.strictObject({
      id: text,
      clientId: text,
      displayName: text,
      reason: z.enum(['suppressed', 'over-max-deletes', 'unreadable-field']),
      detail: text,
    }),
  ),
  heldBackMore: z.number().int().min(0),
  sha256: text,
}).refine((plan) => plan.keys.length <= plan.config.maxDeletes, { error: 'it plans more keys than its own maxDeletes' });
