import { randomUUID } from 'node:crypto';
import { tenantFor } from '../c1/api-url.js';
import type { Clock } from '../clock.js';
import { requireCredentials } from '../config/load.js';
import type { AppConfig } from '../config/types.js';
import { EXIT, HygieneError, type ExitCode } from '../errors.js';
import { normalizeKeys } from '../keys/normalize.js';
import { loadState, saveState, type LifecycleState } from '../lifecycle/state.js';
import { recordSuccess } from '../lifecycle/due.js';
import { suppressionWarnings } from '../lifecycle/suppressions.js';
import { trackFindings } from '../lifecycle/track.js';
import type { Logger } from '../logger.js';
import { renderSummary } from '../report/summary.js';
import type { AuditReport } from '../report/types.js';
import { writeReport } from '../report/write.js';
import { evaluateKeys, evaluationCoverage, ruleCatalogue } from '../rules/evaluate.js';
import { isAtLeast, type Severity } from '../severity.js';
import { deliverDigest, noticeFailure, planDigest, safeError, type DeliveryResult } from './alerting.js';
import { buildReport } from './build-report.js';
import { collectFromC1 } from './collect.js';
import type { AuditOutcome } from './types.js';

export interface AuditRequest {
  config: AppConfig;
  /** Evaluate as if now were this time (`--as-of`); null = the clock's now. */
  asOf: Date | null;
  /** Report to stdout only: no report file, no email, no state change. */
  dryRun: boolean;
  /** Exit 1 when a finding at or above this severity exists. */
  failOn: Severity | null;
}

export interface AuditDependencies {
  logger: Logger;
  /** Real time: run timestamps and the C1 token's validity. `asOf` never reaches the token. */
  clock: Clock;
  /** Where the human summary (or, for --dry-run, the report JSON) goes. */
  print: (text: string) => void;
}

/**
 * One audit: fetch → normalise → evaluate → lifecycle → report → alert.
 * Never throws; every ending is an outcome with the contract's exit code.
 */
export async function runAudit(request: AuditRequest, deps: AuditDependencies): Promise<AuditOutcome> {
  const startedAt = deps.clock();
  const now = request.asOf ?? startedAt;
  const runId = randomUUID();
  const logger = deps.logger.child({ runId });
  const { config } = request;
  logger.info({ asOf: now.toISOString(), dryRun: request.dryRun, config: config.source ?? 'defaults and environment' }, 'audit started');

  let report: AuditReport;
  let state: LifecycleState;
  try {
    ({ report, state } = await assemble(request, { runId, startedAt, now, logger, clock: deps.clock }));
  } catch (err) {
    return failed(err, request, { runId, startedAt, logger, clock: deps.clock });
  }

  logWarnings(report, logger);

  if (request.dryRun) {
    const plan = planDigest(config, state, report, null, now);
    const wouldSend = plan.message ? { to: plan.message.to, subject: plan.message.subject, text: plan.message.text } : null;
    deps.print(`${JSON.stringify({ ...report, dryRun: { alert: wouldSend, due: plan.due.length } }, null, 2)}\n`);
    logger.info({ findings: report.findings.length, wouldAlert: plan.due.length }, 'dry run finished; nothing written or sent');
    return outcome(failOnExit(report, request.failOn, EXIT.ok), report, null, null, startedAt, deps.clock());
  }

  let reportPath: string;
  try {
    reportPath = (await writeReport(report, { ...config.report, logger })).path;
  } catch (err) {
    return failed(err, request, { runId, startedAt, logger, clock: deps.clock });
  }

  const plan = planDigest(config, state, report, reportPath, now);
  let delivery: DeliveryResult;
  try {
    // Saved before sending: an alert must never go out unless its delivery
    // can be recorded, or every run would send it again.
    if (plan.message) await saveState(config.state.dir, state);
    delivery = await deliverDigest(config, state, plan, now, logger);
    state = recordSuccess(delivery.state);
    await saveState(config.state.dir, state);
  } catch (err) {
    logger.error({ error: safeError(err) }, 'alert state could not be saved; alerts not recorded as delivered are sent by a later run');
    delivery = { state, delivered: false, error: err as Error };
  }

  deps.print(renderSummary(report, { reportPath }));
  if (plan.due.length > 0 && !plan.message) {
    logger.debug({ due: plan.due.length }, 'findings are due for alerting but email is not configured (SMTP_URL, ALERT_EMAIL_TO, ALERT_EMAIL_FROM)');
  }
  const base = delivery.error ? EXIT.alertDeliveryFailed : EXIT.ok;
  const exitCode = base === EXIT.ok ? failOnExit(report, request.failOn, base) : base;
  logger.info({ exitCode, findings: report.findings.length, reportPath, alerted: delivery.delivered ? plan.due.length : 0 }, 'audit finished');
  return outcome(exitCode, report, reportPath, delivery.error, startedAt, deps.clock());
}

/**
 * Everything up to the report object: fetch, normalise, evaluate, and diff
 * against the remembered findings. Writes nothing; throws on failure. With
 * `dryRun` the state is only read, never repaired (`remediate` plans this way).
 */
export async function assemble(
  { config, dryRun }: AuditRequest,
  context: { runId: string; startedAt: Date; now: Date; logger: Logger; clock: Clock },
): Promise<{ report: AuditReport; state: LifecycleState }> {
  const { now } = context;
  const credentials = requireCredentials(config);
  const collected = await collectFromC1(config, credentials, { logger: context.logger, clock: context.clock });
  const normalized = normalizeKeys(collected.items, now);
  const evaluated = evaluateKeys(normalized.active, {
    now,
    rules: config.rules,
    roles: collected.roles,
    suppressions: config.suppressions,
  });
  const previous = await loadState(config.state.dir, context.logger, context.clock, { readOnly: dryRun });
  const covered = evaluationCoverage(normalized.active, config.rules, {
    listingComplete: collected.listingComplete,
    partialRules: new Set(collected.rolesResolved ? [] : ['broad-roles']),
  });
  const tracked = trackFindings(previous, evaluated.findings, evaluated.suppressed, now, (previous) =>
    covered(previous.ruleId, previous.credentialId),
  );
  const report = buildReport({
    runId: context.runId,
    tenant: tenantOf(config),
    asOf: now,
    startedAt: context.startedAt,
    finishedAt: context.clock(),
    scanned: normalized.active,
    deletedCount: normalized.deleted.length,
    skippedCount: collected.rejected.length,
    findings: tracked.findings,
    suppressed: tracked.suppressed,
    resolved: tracked.resolved,
    warnings: [
      ...collected.rejected,
      ...collected.warnings,
      ...normalized.warnings,
      ...suppressionWarnings(config.suppressions, [...evaluated.findings, ...evaluated.suppressed], now),
    ],
    rules: ruleCatalogue(config.rules),
  });
  return { report, state: tracked.state };
}

/**
 * One log line points operators at the data problems; each is in the report,
 * the first few in the summary, and the listing's own ones were logged as found.
 */
function logWarnings(report: AuditReport, logger: Logger): void {
  if (report.warnings.length === 0) return;
  const fields = [...new Set(report.warnings.map((warning) => warning.field))];
  logger.warn({ warnings: report.warnings.length, fields }, 'the report lists data warnings: findings may be incomplete for those keys');
}

/** The tenant named in reports and mails: the host in the client ID, else the API URL's. */
export function tenantOf(config: AppConfig): string {
  return config.c1.apiUrl ? tenantFor(config.c1.clientId, config.c1.apiUrl) : (config.c1.clientId ?? 'unknown tenant');
}

function failOnExit(report: AuditReport, failOn: Severity | null, otherwise: ExitCode): ExitCode {
  if (failOn && report.findings.some((finding) => isAtLeast(finding.severity, failOn))) {
    return EXIT.findingsAtOrAboveFailOn;
  }
  return otherwise;
}

async function failed(
  err: unknown,
  request: AuditRequest,
  context: { runId: string; startedAt: Date; logger: Logger; clock: Clock },
): Promise<AuditOutcome> {
  const error = err instanceof Error ? err : new Error(String(err));
  const exitCode = err instanceof HygieneError ? err.exitCode : EXIT.auditFailed;
  context.logger.error({ error: safeError(error) }, 'audit failed');
  // A configuration problem is the operator's to fix now, not a streak to be mailed about.
  if (exitCode === EXIT.auditFailed && !request.dryRun) {
    const { config } = request;
    try {
      const state = await loadState(config.state.dir, context.logger, context.clock);
      const next = await noticeFailure(
        config,
        state,
        {
          tenant: tenantOf(config),
          message: error.message,
          runId: context.runId,
          startedAt: context.startedAt,
        },
        context.logger,
      );
      await saveState(config.state.dir, next);
    } catch (stateErr) {
      context.logger.error({ error: safeError(stateErr) }, 'could not record the failed audit in the alert state');
    }
  }
  return outcome(exitCode, null, null, error, context.startedAt, context.clock());
}

function outcome(
  exitCode: ExitCode,
  report: AuditReport | null,
  reportPath: string | null,
  error: Error | null,
  startedAt: Date,
  finishedAt: Date,
): AuditOutcome {
  const status =
    exitCode === EXIT.ok
      ? 'ok'
      : exitCode === EXIT.findingsAtOrAboveFailOn
        ? 'findings'
        : exitCode === EXIT.alertDeliveryFailed
          ? 'alert-failed'
          : 'failed';
  return { exitCode, status, report, reportPath, error, startedAt, finishedAt };
}
