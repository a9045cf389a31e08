import type { HttpChannelConfig } from '../config/types.js';
import { createJsonPoster, type JsonPoster } from '../net/json-post.js';
import { secretRedactor, secretUrlForms } from '../redact.js';
import type { Secret } from '../secret.js';
import type { HttpChannelDeps } from './http-channel-deps.js';
import { composeSlackDigest, composeSlackFailureNotice, slackRefusalReason, type SlackMessage } from './slack-message.js';
import type { Channel, DigestDelivery, FailureNoticeDelivery } from './types.js';

export interface SlackChannelConfig extends HttpChannelConfig {
  /** The incoming webhook; its path is the credential. */
  webhookUrl: Secret;
}

/**
 * Posts one message per run to a Slack incoming webhook (`{"text",
 * "blocks"}`, see slack-message.ts). Slack answers 200 `ok` when it took the
 * message; anything else is a failed delivery, retried by the next run.
 */
export function slackChannel(config: SlackChannelConfig, deps: HttpChannelDeps): Channel {
  let poster: JsonPoster | null = null;
  const secrets = secretUrlForms(config.webhookUrl.reveal());
  // The notice's error is redacted by the caller; this channel's own URL is blanked once more, in case.
  const redact = secretRedactor(secrets);
  const post = async (message: SlackMessage): Promise<void> => {
    poster ??= createJsonPoster({
      label: 'Slack',
      timeoutMs: config.timeoutMs,
      maxRetries: config.maxRetries,
      deadlineMs: config.deadlineMs,
      secrets,
      ...deps,
    });
    await poster.post({ url: new URL(config.webhookUrl.reveal()), body: JSON.stringify(message), explainRefusal: slackRefusalReason });
  };
  return {
    id: 'slack',
    label: 'Slack',
    async sendDigest(delivery: DigestDelivery) {
      await post(composeSlackDigest(delivery));
      deps.logger.debug({ channel: 'slack', deliveryId: delivery.deliveryId, due: delivery.due.length }, 'Slack accepted the alert');
    },
    async sendFailureNotice(notice: FailureNoticeDelivery) {
      await post(composeSlackFailureNotice({ ...notice, error: redact(notice.error) }));
      deps.logger.debug({ channel: 'slack', deliveryId: notice.deliveryId }, 'Slack accepted the failure notice');
    },
    preview: (delivery) => composeSlackDigest(delivery),
    close() {
      poster?.close().catch(() => undefined);
      poster = null;
    },
  };
}
