import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { tenantOf } from '../audit/run-audit.js';
import { c1ClientFor, collectFromC1 } from '../audit/collect.js';
import type { C1Client } from '../c1/client.js';
import type { Clock } from '../clock.js';
import { requireCredentials } from '../config/load.js';
import type { AppConfig } from '../config/types.js';
import { HygieneError } from '../errors.js';
import { normalizeKeys } from '../keys/normalize.js';
import type { NormalizedKey } from '../keys/types.js';
import type { Logger } from '../logger.js';
import { redactSecrets } from '../redact.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { skipReason, type CurrentKey } from './compare.js';
import { readVerifiedPlan } from './plan-file.js';
import { writeRecordFile } from './record.js';
import { scopeOf } from './scope.js';
import { RECORD_KIND, type KeyOutcome, type KeyResult, type PlannedKey, type RemediationPlan, type RemediationRecord } from './types.js';
import { acquireRunLock } from '../lock/run-lock.js';

export interface ApplyRequest {
  config: AppConfig;
  /** `--apply PLAN`, relative to `cwd`. */
  planPath: string;
  cwd: string;
}

export interface ApplyDeps {
  logger: Logger;
  /** Real time: the plan's age, the record's times, the C1 token. */
  clock: Clock;
  /**
   * Takes the state directory's run lock (one audit, schedule tick or apply
   * at a time), held from the re-listing to the record; it throws when
   * another run holds it. Default: `acquireRunLock` of `src/lock/run-lock.ts`.
   */
  acquireRunLock?: (stateDir: string, options: { command: string }) => Promise<{ release(): Promise<void> | void }>;
}

export interface ApplyResult {
  plan: RemediationPlan;
  record: RemediationRecord;
  /** Where the record was written; null when writing it failed (then `recordError` says why). */
  recordPath: string | null;
  recordError: Error | null;
}

/** Said for a 403 in words a person can act on: whether C1 allows this at all is not documented. */
export const FORBIDDEN_EXPLANATION =
  "C1 refused: this key may not delete that user's key — deleting other users' keys needs an admin key, and C1 does not document whether it allows it";

/**
 * `remediate --apply PLAN`: refuses a plan that is not exactly as reviewed
 * (see `readVerifiedPlan`), then deletes each planned key that still exists
 * unchanged, and records what happened to every one of them.
 *
 * Throws REMEDIATION_PLAN_REFUSED (exit 2) before anything is fetched or
 * deleted, or a C1 error (exit 3) when the keys cannot be listed again (then
 * nothing is deleted either). Once deleting has begun it does not throw: a
 * failed delete is that key's outcome, and the others go on.
 */
export async function applyPlan(request: ApplyRequest, deps: ApplyDeps): Promise<ApplyResult> {
  const { config } = request;
  const planPath = resolve(request.cwd, request.planPath);
  const plan = await readVerifiedPlan(planPath, { now: deps.clock(), tenant: tenantOf(config), scope: scopeOf(config) });
  const lock = await (deps.acquireRunLock ?? acquireRunLock)(config.state.dir, { command: 'remediate --apply' });
  try {
    return await executePlan(plan, planPath, config, deps);
  } finally {
    await lock.release();
  }
}

async function executePlan(plan: RemediationPlan, planPath: string, config: AppConfig, deps: ApplyDeps): Promise<ApplyResult> {
  const runId = randomUUID();
  const logger = deps.logger.child({ runId, planId: plan.planId });
  const startedAt = deps.clock();
  logger.info({ plan: planPath, planned: plan.keys.length, tenant: plan.tenant, scope: plan.scope }, 'applying remediation plan');

  const results: KeyResult[] = [];
  if (plan.keys.length > 0) {
    const credentials = requireCredentials(config);
    // The same source stage as the audit, so the keys are listed (and read) exactly as the plan saw them.
    const collected = await collectFromC1(config, credentials, { logger, clock: deps.clock });
    const now = deps.clock();
    const listed = normalizeKeys(collected.items, now);
    const current = currentKeys(listed.active, listed.deleted);
    const client = c1ClientFor(config, credentials, { logger, clock: deps.clock });
    const secrets = secretTexts(config);
    try {
      for (const planned of plan.keys) {
        const outcome = await settle(planned, current.get(planned.id) ?? { active: null, deletedAt: null }, client, config, now, secrets);
        logOutcome(logger, planned, outcome);
        results.push({ id: planned.id, clientId: planned.clientId, displayName: planned.displayName, owner: planned.owner, outcome });
      }
    } finally {
      await client.close();
    }
  }

  const record = buildRecord(plan, planPath, results, runId, startedAt, deps.clock());
  let recordPath: string | null = null;
  let recordError: Error | null = null;
  try {
    recordPath = await writeRecordFile(record, config.report.dir);
  } catch (error) {
    recordError = error as Error;
    logger.error({ error: recordError.message }, 'the remediation record could not be written; the log lines above are the record of what was done');
  }
  logger.info({ ...record.summary, record: recordPath }, 'remediation plan applied');
  return { plan, record, recordPath, recordError };
}

/** Decides and, if the key is unchanged, deletes. Never throws. */
async function settle(
  planned: PlannedKey,
  current: CurrentKey,
  client: C1Client,
  config: AppConfig,
  now: Date,
  secrets: string[],
): Promise<KeyOutcome> {
  const reason = skipReason(planned, current, config.suppressions, now);
  if (reason !== null) return { status: 'skipped', reason };
  try {
    const { attempts } = await client.deletePersonalClient(planned.id);
    return { status: 'deleted', attempts };
  } catch (error) {
    if (error instanceof HygieneError && error.code === 'C1_NOT_FOUND') {
      const attempts = Number(error.details.attempts ?? 1);
      return {
        status: 'skipped',
        reason:
          attempts > 1
            ? `no longer exists (C1 answered 404 to a repeated DELETE; an earlier attempt that failed may have deleted it)`
            : 'no longer exists (C1 answered 404 to the DELETE)',
      };
    }
    if (error instanceof HygieneError && error.code === 'C1_FORBIDDEN') {
      const c1Message = typeof error.details.c1Message === 'string' ? ` (C1 said: ${error.details.c1Message})` : '';
      return { status: 'failed', code: error.code, error: redactSecrets(`${FORBIDDEN_EXPLANATION}${c1Message}`, secrets) };
    }
    const message = error instanceof Error ? error.message : String(error);
    const code = error instanceof HygieneError ? error.code : null;
    return { status: 'failed', code, error: redactSecrets(message, secrets) };
  }
}

function currentKeys(active: readonly NormalizedKey[], deleted: readonly NormalizedKey[]): Map<string, CurrentKey> {
  const byId = new Map<string, CurrentKey>();
  for (const key of deleted) byId.set(key.id, { active: null, deletedAt: key.deletedAt });
  for (const key of active) byId.set(key.id, { active: key, deletedAt: null });
  return byId;
}

/** The configured secrets, for a last redaction pass over error texts that end up in the record and the mail. */
function secretTexts(config: AppConfig): string[] {
  const credentials = config.credentials;
  if (credentials === null) return [];
  return [credentials.kind === 'client-key' ? credentials.clientSecret.reveal() : credentials.accessToken.reveal()];
}

function logOutcome(logger: Logger, key: PlannedKey, outcome: KeyOutcome): void {
  const about = { credentialId: key.id, clientId: key.clientId };
  switch (outcome.status) {
    case 'deleted':
      logger.info({ ...about, attempts: outcome.attempts }, 'remediation: key deleted');
      return;
    case 'skipped':
      logger.warn({ ...about, reason: outcome.reason }, 'remediation: key skipped');
      return;
    case 'failed':
      logger.error({ ...about, code: outcome.code, error: outcome.error }, 'remediation: key not deleted');
      return;
  }
}

function buildRecord(
  plan: RemediationPlan,
  planPath: string,
  keys: KeyResult[],
  runId: string,
  startedAt: Date,
  finishedAt: Date,
): RemediationRecord {
  const count = (status: KeyOutcome['status']): number => keys.filter((key) => key.outcome.status === status).length;
  return {
    kind: RECORD_KIND,
    schemaVersion: 1,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    runId,
    planId: plan.planId,
    planPath,
    planSha256: plan.sha256,
    tenant: plan.tenant,
    scope: plan.scope,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    summary: { planned: plan.keys.length, deleted: count('deleted'), skipped: count('skipped'), failed: count('failed') },
    keys,
  };
}
