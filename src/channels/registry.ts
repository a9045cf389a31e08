import { createMailer } from '../alerts/transport.js';
import type { AppConfig } from '../config/types.js';
import type { KeyWarning } from '../keys/types.js';
import type { Logger } from '../logger.js';
import type { AuditReport } from '../report/types.js';
import type { Finding } from '../rules/types.js';
import { SharedMailer } from './email.js';
import { emailListChannels } from './email-list.js';
import { httpChannelTargets } from './http-targets.js';
import { ownerChannels } from './owners.js';
import type { Channel } from './types.js';

/** A channel as the dispatcher uses it: what it is for, besides how it delivers. */
export interface ChannelTarget {
  channel: Channel;
  /** Which open findings this channel hears about; null = all of them (the operators' channels). */
  covers: ((finding: Finding) => boolean) | null;
  /** Failure notices (exit-3 streaks) go to the operators' channels, not to key owners. */
  failureNotices: boolean;
  /**
   * Set only in a dry run for a channel that is not configured: its preview is
   * shown with this reason and nothing would be sent.
   */
  notSentBecause?: string;
}

export interface ChannelContext {
  config: AppConfig;
  logger: Logger;
  /** This run's report; null when the audit failed (then only failure-notice channels matter). */
  report: AuditReport | null;
  dryRun: boolean;
  /**
   * The run's one SMTP mailer, shared by every e-mail channel (each call takes
   * a reference that the channel's `close` releases); null when SMTP is not
   * configured, and in a dry run, which never connects.
   */
  smtp: () => SharedMailer | null;
}

export interface ChannelSet {
  targets: ChannelTarget[];
  /** Routing problems worth a line in the report (an owner who cannot be mailed). */
  warnings: KeyWarning[];
}

/**
 * Builds the channels of one kind from the configuration. Returns none when
 * that kind is not configured. Adding a channel kind (Slack, a webhook) is
 * one factory appended here; the dispatcher does not change.
 */
export type ChannelFactory = (context: ChannelContext) => ChannelSet;

export const CHANNEL_FACTORIES: readonly ChannelFactory[] = [emailListChannels, ownerChannels, httpChannelTargets];

/** Every configured channel of this run, and the routing warnings. Call `closeChannels` after the deliveries. */
export function buildChannels(
  base: Omit<ChannelContext, 'smtp'>,
  factories: readonly ChannelFactory[] = CHANNEL_FACTORIES,
): ChannelSet {
  let shared: SharedMailer | null | undefined;
  const smtp = (): SharedMailer | null => {
    if (base.dryRun) return null;
    if (shared === undefined) {
      const mailer = createMailer(base.config.alerts.email, base.logger);
      shared = mailer === null ? null : new SharedMailer(mailer);
    }
    return shared?.acquire() ?? null;
  };
  const context: ChannelContext = { ...base, smtp };
  const targets: ChannelTarget[] = [];
  const warnings: KeyWarning[] = [];
  for (const factory of factories) {
    const built = factory(context);
    targets.push(...built.targets);
    warnings.push(...built.warnings);
  }
  return { targets, warnings };
}

export function closeChannels(targets: readonly ChannelTarget[]): void {
  for (const target of targets) target.channel.close();
}
