import type { Clock } from '../clock.js';
import type { AppConfig } from '../config/types.js';
import {
  deliverDigests,
  deliverFailureNotices,
  deliveryError,
  planDigests,
  safeError,
  type ChannelOutcome,
} from '../channels/dispatch.js';
import { buildChannels, closeChannels, type ChannelTarget } from '../channels/registry.js';
import { recordFailure, recordSuccess } from '../lifecycle/due.js';
import { loadState, saveState, type LifecycleState } from '../lifecycle/state.js';
import type { Logger } from '../logger.js';
import type { AuditReport } from '../report/types.js';

export { safeError };

export interface AlertResult {
  outcomes: ChannelOutcome[];
  /** Set when any channel failed, or the state could not be saved (exit 4). */
  error: Error | null;
  /** Findings named by the delivered digests, summed over channels. */
  alerted: number;
}

/**
 * The alert stage of a successful audit: decides what is due on each channel,
 * sends, and records each channel's delivery once its receiver accepted.
 * The state is saved before sending whenever something is to be sent: a
 * message must never go out unless its delivery can be recorded, or every
 * run would send it again. Never throws.
 */
export async function alertAndRecord(
  config: AppConfig,
  state: LifecycleState,
  report: AuditReport,
  targets: readonly ChannelTarget[],
  context: { reportLocation: string | null; htmlReportPath?: string | null; now: Date; logger: Logger },
): Promise<AlertResult> {
  const { logger, now } = context;
  const plan = planDigests(state, report, targets, {
    now,
    policy: config.alerts,
    reportLocation: context.reportLocation,
    htmlReportPath: context.htmlReportPath ?? null,
  });
  let outcomes: ChannelOutcome[] = [];
  try {
    let next = plan.state;
    if (plan.planned.length > 0) {
      await saveState(config.state.dir, next);
      ({ state: next, outcomes } = await deliverDigests(next, plan.planned, now, logger));
    }
    await saveState(config.state.dir, recordSuccess(next));
  } catch (err) {
    logger.error({ error: safeError(err) }, 'alert state could not be saved; alerts not recorded as delivered are sent by a later run');
    return { outcomes, error: err as Error, alerted: 0 };
  }
  const alerted = outcomes.filter((outcome) => outcome.delivered).reduce((sum, outcome) => sum + outcome.due, 0);
  return { outcomes, error: deliveryError(outcomes), alerted };
}

/** What each channel would receive, for `--dry-run`. Sends and saves nothing. */
export function previewAlerts(
  config: AppConfig,
  state: LifecycleState,
  report: AuditReport,
  targets: readonly ChannelTarget[],
  now: Date,
): { channels: ChannelPreview[] } {
  const plan = planDigests(state, report, targets, { now, policy: config.alerts, reportLocation: null });
  const channels = plan.planned.map(({ target, delivery }) => ({
    id: target.channel.id,
    label: target.channel.label,
    due: delivery.due.length,
    resolved: delivery.resolved.length,
    deliveryId: delivery.deliveryId,
    wouldSend: target.notSentBecause === undefined,
    ...(target.notSentBecause === undefined ? {} : { notSentBecause: target.notSentBecause }),
    message: target.channel.preview(delivery),
  }));
  return { channels };
}

export interface ChannelPreview {
  id: string;
  label: string;
  due: number;
  resolved: number;
  deliveryId: string;
  wouldSend: boolean;
  notSentBecause?: string;
  message: unknown;
}

/**
 * Records a failed audit and sends the streak's failure notice to every
 * operator channel that has not had it. Without any such channel it touches
 * nothing (no state file is created for a streak nobody is told about).
 * Never throws: the audit has failed already, and the notice must not mask why.
 */
export async function noticeFailure(
  config: AppConfig,
  failure: { tenant: string; message: string; runId: string; startedAt: Date },
  context: { logger: Logger; clock: Clock },
): Promise<ChannelOutcome[]> {
  const { logger } = context;
  const { targets } = buildChannels({ config, logger, report: null, dryRun: false });
  const noticeTargets = targets.filter((target) => target.failureNotices);
  try {
    if (noticeTargets.length === 0) return [];
    const state = recordFailure(await loadState(config.state.dir, logger, context.clock), failure.message, failure.startedAt);
    const sent = await deliverFailureNotices(
      state,
      noticeTargets,
      { tenant: failure.tenant, runId: failure.runId, startedAt: failure.startedAt, error: failure.message },
      logger,
      { beforeSending: (planned) => saveState(config.state.dir, planned) },
    );
    await saveState(config.state.dir, sent.state);
    return sent.outcomes;
  } catch (err) {
    logger.error({ error: safeError(err) }, 'could not record the failed audit in the alert state');
    return [];
  } finally {
    closeChannels(targets);
  }
}
