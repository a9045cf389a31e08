import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { assemble } from '../audit/run-audit.js';
import type { Clock } from '../clock.js';
import type { AppConfig } from '../config/types.js';
import type { Logger } from '../logger.js';
import { RULES } from '../rules/index.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { writePlanFile } from './plan-file.js';
import { sealPlan } from './plan-hash.js';
import { scopeOf } from './scope.js';
import { selectForDeletion } from './select.js';
import { PLAN_KIND, type RemediationPlan } from './types.js';

/** The plan lists held-back keys for review up to this many; the rest are counted. */
const HELD_BACK_LISTED_MAX = 200;

export interface MakePlanRequest {
  config: AppConfig;
  /** `--plan-out FILE` (relative to `cwd`), or null for `<report dir>/remediation-plan-<ts>.json`. */
  planOut: string | null;
  cwd: string;
}

export interface MakePlanDeps {
  logger: Logger;
  clock: Clock;
}

export type MakePlanResult =
  | { kind: 'no-rules' }
  | { kind: 'planned'; plan: RemediationPlan; path: string; notes: string[] };

/**
 * `remediate` without `--apply`: the audit's own stages up to the report
 * object (fetch, normalise, evaluate, track against the state read-only), then
 * the selection, sealed and written as a plan. No report, no state change, no
 * alert, and nothing deleted. With no `remediation.rules` it does not even
 * reach C1: nothing could be planned.
 */
export async function makePlan(request: MakePlanRequest, deps: MakePlanDeps): Promise<MakePlanResult> {
  const { config } = request;
  const { rules, maxDeletes } = config.remediation;
  if (rules.length === 0) return { kind: 'no-rules' };

  const now = deps.clock();
  const runId = randomUUID();
  const logger = deps.logger.child({ runId });
  logger.info({ rules, maxDeletes }, 'remediation plan: auditing read-only');
  const { report } = await assemble(
    { config, asOf: null, dryRun: true, failOn: null },
    { runId, startedAt: now, now, logger, clock: deps.clock },
  );
  const selection = selectForDeletion(report, { rules, maxDeletes, suppressions: config.suppressions, now });

  const plan = sealPlan({
    kind: PLAN_KIND,
    schemaVersion: 1,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    planId: runId,
    createdAt: now.toISOString(),
    tenant: report.tenant,
    scope: scopeOf(config),
    config: { source: config.source, rules: [...rules], maxDeletes },
    candidates: selection.candidates,
    keys: selection.keys,
    heldBack: selection.heldBack.slice(0, HELD_BACK_LISTED_MAX),
    heldBackMore: Math.max(0, selection.heldBack.length - HELD_BACK_LISTED_MAX),
  });
  const path = await writePlanFile(plan, {
    reportDir: config.report.dir,
    planOut: request.planOut === null ? null : resolve(request.cwd, request.planOut),
  });
  logger.info({ path, planned: plan.keys.length, heldBack: selection.heldBack.length, candidates: selection.candidates }, 'remediation plan written; nothing was deleted');
  return { kind: 'planned', plan, path, notes: ruleNotes(config) };
}

/** Configured rules that cannot fire here, so an empty plan is not misread as "all clean". */
function ruleNotes(config: AppConfig): string[] {
  const notes: string[] = [];
  for (const id of config.remediation.rules) {
    if (config.rules.disabled.includes(id)) {
      notes.push(`rule ${id} is in remediation.rules but disabled in rules.disabled, so it plans nothing`);
    } else if (!RULES.some((rule) => rule.meta.id === id)) {
      notes.push(`rule ${id} is in remediation.rules but not in this version's rule catalogue, so it plans nothing`);
    }
  }
  return notes;
}
