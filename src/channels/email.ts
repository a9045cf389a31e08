import { composeDigest, type DigestReport } from '../alerts/compose.js';
import { composeFailureNotice } from '../alerts/failure-notice.js';
import type { Mailer } from '../alerts/transport.js';
import type { MailMessage } from '../alerts/types.js';
import type { Logger } from '../logger.js';
import { reportForMail, reportWithoutReading } from './mail-report.js';
import type { Channel, DigestDelivery, FailureNoticeDelivery } from './types.js';

/** Shown in `--dry-run` previews when no sender is configured, so the composed mail can still be shown. */
export const PLACEHOLDER_SENDER = 'c1-hygiene@sender-not-configured.invalid';

export interface EmailChannelOptions {
  id: string;
  label: string;
  to: readonly string[];
  /** null only for a dry-run preview without e-mail configured. */
  from: string | null;
  /** Who the digest is for, shown in its intro; null for the operators' full digest. */
  ownerName: string | null;
  /** null only for a dry-run preview without e-mail configured. */
  mailer: SharedMailer | null;
  logger: Logger;
  /** `rules.longLived.maxDays`: the expiry the advice asks a replacement key to have. Default 365. */
  maxLifetimeDays?: number;
}

/**
 * An e-mail channel: the full digest to the `alerts.email.to` list, or one
 * owner's digest of their own keys. Composing is pure (`compose`), so the
 * preview is exactly what would be sent.
 */
export class EmailChannel implements Channel {
  readonly id: string;
  readonly label: string;

  constructor(private readonly options: EmailChannelOptions) {
    this.id = options.id;
    this.label = options.label;
  }

  /** The message for `delivery`; `report` is how it carries the report (default: without reading any file, as in a preview). */
  compose(delivery: DigestDelivery, report: DigestReport = reportWithoutReading(delivery)): MailMessage {
    const message = composeDigest({
      tenant: delivery.tenant,
      due: delivery.due,
      resolvedSinceAlert: delivery.resolved,
      runId: delivery.runId,
      asOf: delivery.asOf,
      reportPath: delivery.reportLocation,
      report,
      belowMinSeverity: delivery.belowMinSeverity ?? null,
      ...(this.options.maxLifetimeDays === undefined ? {} : { maxLifetimeDays: this.options.maxLifetimeDays }),
      from: this.options.from ?? PLACEHOLDER_SENDER,
      to: this.options.to,
      ownerName: this.options.ownerName,
    });
    return withDeliveryId(message, delivery.deliveryId);
  }

  async sendDigest(delivery: DigestDelivery): Promise<void> {
    const mailer = this.mailer();
    const report = await reportForMail(delivery);
    if (report.kind === 'not-attached' && delivery.htmlReportPath) {
      this.options.logger.warn({ channel: this.id, reason: report.reason }, 'HTML report not attached to the digest; the mail says where it is');
    }
    const sent = await mailer.send(this.compose(delivery, report));
    this.options.logger.info({ channel: this.id, messageId: sent.messageId, due: delivery.due.length, recipients: sent.accepted.length }, 'alert digest delivered');
  }

  async sendFailureNotice(notice: FailureNoticeDelivery): Promise<void> {
    const message = composeFailureNotice({
      tenant: notice.tenant,
      error: notice.error,
      startedAt: notice.startedAt,
      runId: notice.runId,
      from: this.options.from ?? PLACEHOLDER_SENDER,
      to: this.options.to,
    });
    await this.mailer().send(withDeliveryId(message, notice.deliveryId));
  }

  preview(delivery: DigestDelivery): { to: string[]; from: string; subject: string; text: string } {
    const message = this.compose(delivery);
    return { to: message.to, from: message.from, subject: message.subject, text: message.text };
  }

  close(): void {
    this.options.mailer?.release();
  }

  private mailer(): Mailer {
    if (this.options.mailer === null || this.options.from === null) throw new Error(`${this.label}: e-mail is not configured`);
    return this.options.mailer.mailer;
  }
}

/** The same id on every attempt of the same message, so receivers (and people) can tell a retry from a new alert. */
function withDeliveryId(message: MailMessage, deliveryId: string): MailMessage {
  return { ...message, headers: { ...message.headers, 'X-C1-Hygiene-Delivery': deliveryId } };
}

/**
 * One SMTP mailer used by every e-mail channel of a run (the list and each
 * owner), closed when the last channel releases it.
 */
export class SharedMailer {
  private users = 0;

  constructor(readonly mailer: Mailer) {}

  acquire(): this {
    this.users++;
    return this;
  }

  release(): void {
    this.users--;
    if (this.users === 0) this.mailer.close();
  }
}
