import { composeDigest, type MailMessage } from '../alerts/compose.js';
import { composeFailureNotice } from '../alerts/failure-notice.js';
import { createMailer } from '../alerts/transport.js';
import type { AppConfig } from '../config/types.js';
import type { Logger } from '../logger.js';
import {
  markAlerted,
  markFailureNoticeSent,
  recordFailure,
  selectDue,
  type DueFinding,
} from '../lifecycle/due.js';
import type { LifecycleState } from '../lifecycle/state.js';
import type { AuditReport } from '../report/types.js';

export interface DigestPlan {
  due: DueFinding[];
  /** The message to send; null when nothing is due or email is not configured. */
  message: MailMessage | null;
}

/** Decides what this run should email, without sending anything (so --dry-run can show it). */
export function planDigest(
  config: AppConfig,
  state: LifecycleState,
  report: AuditReport,
  reportPath: string | null,
  now: Date,
): DigestPlan {
  const due = selectDue(state, report.findings, now, config.alerts);
  const email = config.alerts.email;
  if (due.length === 0 || !email.smtpUrl || !email.from) return { due, message: null };
  const message = composeDigest({
    tenant: report.tenant,
    due,
    resolvedSinceAlert: state.resolvedSinceAlert,
    runId: report.runId,
    asOf: report.asOf,
    reportPath,
    from: email.from,
    to: email.to,
  });
  return { due, message };
}

export type DeliveryResult = { state: LifecycleState; delivered: boolean; error: Error | null };

/**
 * Sends the digest. State advances only once the SMTP server accepted it, so
 * a failed delivery leaves every due finding due for the next run.
 */
export async function deliverDigest(
  config: AppConfig,
  state: LifecycleState,
  plan: DigestPlan,
  now: Date,
  logger: Logger,
): Promise<DeliveryResult> {
  if (!plan.message) return { state, delivered: false, error: null };
  const mailer = createMailer(config.alerts.email, logger);
  if (!mailer) return { state, delivered: false, error: null };
  try {
    const sent = await mailer.send(plan.message);
    logger.info({ messageId: sent.messageId, due: plan.due.length, recipients: sent.accepted.length }, 'alert digest delivered');
    return { state: markAlerted(state, plan.due, now), delivered: true, error: null };
  } catch (err) {
    logger.error({ error: safeError(err), due: plan.due.length }, 'alert digest not delivered; it will be retried by the next run');
    return { state, delivered: false, error: err as Error };
  } finally {
    mailer.close();
  }
}

/**
 * Records a failed audit and sends one failure notice per streak of
 * consecutive failures. Never throws: the audit has failed already, and the
 * notice must not mask why.
 */
export async function noticeFailure(
  config: AppConfig,
  state: LifecycleState,
  failure: { tenant: string; message: string; runId: string; startedAt: Date },
  logger: Logger,
): Promise<LifecycleState> {
  const recorded = recordFailure(state, failure.message, failure.startedAt);
  const email = config.alerts.email;
  if (!recorded.noticeDue || !email.smtpUrl || !email.from) return recorded.state;
  const mailer = createMailer(email, logger);
  if (!mailer) return recorded.state;
  try {
    await mailer.send(
      composeFailureNotice({
        tenant: failure.tenant,
        error: failure.message,
        startedAt: failure.startedAt.toISOString(),
        runId: failure.runId,
        from: email.from,
        to: email.to,
      }),
    );
    logger.info('audit failure notice delivered');
    return markFailureNoticeSent(recorded.state, failure.startedAt);
  } catch (err) {
    logger.error({ error: safeError(err) }, 'audit failure notice not delivered; the next failed run tries again');
    return recorded.state;
  } finally {
    mailer.close();
  }
}

/** Log form of an error: code and message only (messages are secret-free by construction). */
export function safeError(err: unknown): { code?: string; message: string } {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? { code, message: err.message } : { message: err.message };
  }
  return { message: String(err) };
}
