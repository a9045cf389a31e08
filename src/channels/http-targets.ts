import { httpChannels } from './http-channels.js';
import type { ChannelContext, ChannelSet } from './registry.js';

/** Slack and the webhook, when configured: operator channels that hear about every due finding and every failure streak. */
export function httpChannelTargets({ config, logger }: ChannelContext): ChannelSet {
  return { targets: httpChannels(config, { logger }).map((channel) => ({ channel, covers: null, failureNotices: true })), warnings: [] };
}
