import type { AppConfig } from '../config/types.js';
import { secretUrlForms } from '../redact.js';
import type { HttpChannelDeps } from './http-channel-deps.js';
import { slackChannel } from './slack.js';
import type { Channel } from './types.js';
import { webhookChannel } from './webhook.js';

export type { HttpChannelDeps } from './http-channel-deps.js';

/** The Slack and webhook channels the configuration turns on (none, one or both), for the dispatcher's list. */
export function httpChannels(config: Pick<AppConfig, 'alerts'>, deps: HttpChannelDeps): Channel[] {
  const channels: Channel[] = [];
  const { slack, webhook } = config.alerts;
  if (slack.webhookUrl !== null) channels.push(slackChannel({ ...slack, webhookUrl: slack.webhookUrl }, deps));
  if (webhook.url !== null) channels.push(webhookChannel({ ...webhook, url: webhook.url }, deps));
  return channels;
}

/**
 * Every form of the Slack and webhook credentials (the URLs, their tokens,
 * the signing key), for redacting text that leaves the process: failure
 * notices, the summary, logs of errors from elsewhere.
 */
export function httpChannelSecrets(config: Pick<AppConfig, 'alerts'>): string[] {
  const { slack, webhook } = config.alerts;
  return [
    ...(slack.webhookUrl ? secretUrlForms(slack.webhookUrl.reveal()) : []),
    ...(webhook.url ? secretUrlForms(webhook.url.reveal()) : []),
    ...(webhook.secret ? [webhook.secret.reveal()] : []),
  ];
}
