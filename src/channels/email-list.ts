import { EMAIL_CHANNEL_ID } from '../lifecycle/state-shape.js';
import { EmailChannel } from './email.js';
import type { ChannelContext, ChannelSet } from './registry.js';

export { EMAIL_CHANNEL_ID };

const NOT_CONFIGURED = 'e-mail is not configured (set SMTP_URL, ALERT_EMAIL_TO and ALERT_EMAIL_FROM)';

/**
 * The operators' full digest to `alerts.email.to`. In a dry run without
 * e-mail configured it is still built, as a preview with a placeholder
 * sender, so a new user sees what the mail would say.
 */
export function emailListChannels({ config, logger, dryRun, smtp }: ChannelContext): ChannelSet {
  const email = config.alerts.email;
  const configured = email.smtpUrl !== null && email.from !== null && email.to.length > 0;
  if (!configured) {
    if (!dryRun) return { targets: [], warnings: [] };
    const preview = new EmailChannel({ id: EMAIL_CHANNEL_ID, label: 'e-mail (not configured)', to: email.to, from: email.from, ownerName: null, mailer: null, logger, maxLifetimeDays: config.rules.options.longLived.maxDays });
    return { targets: [{ channel: preview, covers: null, failureNotices: true, notSentBecause: NOT_CONFIGURED }], warnings: [] };
  }
  const label = `e-mail to ${email.to.length} recipient${email.to.length === 1 ? '' : 's'}`;
  const channel = new EmailChannel({ id: EMAIL_CHANNEL_ID, label, to: email.to, from: email.from, ownerName: null, mailer: smtp(), logger, maxLifetimeDays: config.rules.options.longLived.maxDays });
  return { targets: [{ channel, covers: null, failureNotices: true }], warnings: [] };
}
