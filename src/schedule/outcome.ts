import type { AuditOutcome } from '../audit/types.js';
import { EXIT, HygieneError } from '../errors.js';
import type { Logger } from '../logger.js';

/**
 * `runAudit` promises never to throw; if it does anyway (a bug), the
 * schedule treats it as a failed audit rather than dying with it.
 */
export function outcomeFromThrown(err: unknown, startedAt: Date, finishedAt: Date): AuditOutcome {
  const error = err instanceof Error ? err : new Error(String(err));
  return { exitCode: EXIT.auditFailed, status: 'failed', report: null, reportPath: null, error, startedAt, finishedAt };
}

/** One log line per finished audit, at a level matching how it went, with the next fire time. */
export function logOutcome(logger: Logger, outcome: AuditOutcome, nextRunAt: Date | null): void {
  const summary = outcome.report?.summary;
  const fields = {
    status: outcome.status,
    exitCode: outcome.exitCode,
    durationSeconds: Math.max(0, outcome.finishedAt.getTime() - outcome.startedAt.getTime()) / 1000,
    reportPath: outcome.reportPath,
    findings: summary?.findings ?? null,
    keysScanned: summary?.clientsScanned ?? null,
    // Only the code and message: both are written to be safe to print; causes may not be.
    error: outcome.error
      ? { code: outcome.error instanceof HygieneError ? outcome.error.code : null, message: outcome.error.message }
      : null,
    nextRunAt: nextRunAt?.toISOString() ?? null,
  };
  switch (outcome.status) {
    case 'ok':
    case 'findings':
      logger.info(fields, 'scheduled run done');
      return;
    case 'alert-failed':
      logger.warn(fields, 'scheduled run done, but alert delivery failed; the next run retries it');
      return;
    case 'failed':
      logger.error(fields, 'scheduled run failed; the schedule continues');
      return;
  }
}
