import { randomUUID } from 'node:crypto';
import { HygieneError } from '../errors.js';
import { contentKey, failureNoticeDue, markDelivered, markFailureNoticeSent, planPending, selectDue, type AlertPolicy } from '../lifecycle/due.js';
import { channelRecord, type LifecycleState } from '../lifecycle/types.js';
import type { Logger } from '../logger.js';
import type { AuditReport } from '../report/types.js';
import { isAtLeast } from '../severity.js';
import type { ChannelTarget } from './registry.js';
import type { DigestDelivery, FailureNoticeDelivery } from './types.js';

/** Deliveries in flight at once: enough to not wait on one slow owner mailbox, few enough for any SMTP relay. */
const PARALLEL_DELIVERIES = 4;

export interface PlannedDigest {
  target: ChannelTarget;
  delivery: DigestDelivery;
}

/** How one channel's delivery went; labels only, never a secret. */
export interface ChannelOutcome {
  id: string;
  label: string;
  kind: 'digest' | 'failure-notice';
  delivered: boolean;
  /** Findings the message named (0 for a failure notice). */
  due: number;
  /** Secret-free, when not delivered. */
  error: Error | null;
}

/**
 * Decides, once for the run, what is due on every channel: the same policy
 * for all, over each channel's own delivery record and the findings it
 * covers. Returns the messages to send and the state with each of them
 * recorded as pending (a message retried unchanged keeps its delivery id).
 * Sends nothing.
 */
export function planDigests(
  state: LifecycleState,
  report: AuditReport,
  targets: readonly ChannelTarget[],
  context: { now: Date; policy: AlertPolicy; reportLocation: string | null; htmlReportPath?: string | null; newId?: () => string },
): { state: LifecycleState; planned: PlannedDigest[] } {
  const newId = context.newId ?? randomUUID;
  const planned: PlannedDigest[] = [];
  let next = state;
  for (const target of targets) {
    const id = target.channel.id;
    const record = channelRecord(next, id);
    const covers = target.covers;
    const findings = covers === null ? report.findings : report.findings.filter((finding) => covers(finding));
    const due = selectDue(record, findings, context.now, context.policy);
    if (due.length === 0) continue;
    const resolved = record.resolvedSinceDelivery;
    const pending = planPending(next, id, contentKey(due, resolved), newId);
    next = pending.state;
    planned.push({
      target,
      delivery: {
        deliveryId: pending.deliveryId,
        tenant: report.tenant,
        runId: report.runId,
        asOf: report.asOf,
        due,
        resolved,
        reportLocation: context.reportLocation,
        htmlReportPath: context.htmlReportPath ?? null,
        belowMinSeverity: {
          count: findings.filter((finding) => !isAtLeast(finding.severity, context.policy.minSeverity)).length,
          minSeverity: context.policy.minSeverity,
        },
      },
    });
  }
  return { state: next, planned };
}

/**
 * Sends every planned digest and records each channel's delivery only once
 * its receiver accepted. A failed channel keeps its findings due for the next
 * run, on that channel alone. Never throws.
 */
export async function deliverDigests(
  state: LifecycleState,
  planned: readonly PlannedDigest[],
  now: Date,
  logger: Logger,
): Promise<{ state: LifecycleState; outcomes: ChannelOutcome[] }> {
  let next = state;
  const outcomes = await inParallel(planned, async ({ target, delivery }): Promise<ChannelOutcome> => {
    const { id, label } = target.channel;
    try {
      await target.channel.sendDigest(delivery);
      // Recorded as each one lands, so every accepted message counts even if a later one fails.
      next = markDelivered(next, id, delivery.due, now);
      return { id, label, kind: 'digest', delivered: true, due: delivery.due.length, error: null };
    } catch (err) {
      const error = asError(err);
      logger.error({ channel: id, label, error: safeError(error), due: delivery.due.length }, 'alert digest not delivered; it will be retried by the next run');
      return { id, label, kind: 'digest', delivered: false, due: delivery.due.length, error };
    }
  });
  return { state: next, outcomes };
}

/**
 * Sends the current failure streak's notice to every failure-notice channel
 * that has not accepted it yet (the same delivery id on a retry). Call with
 * the state after `recordFailure`. Never throws.
 */
export async function deliverFailureNotices(
  state: LifecycleState,
  targets: readonly ChannelTarget[],
  failure: { tenant: string; runId: string; startedAt: Date; error: string },
  logger: Logger,
  options: { beforeSending?: (state: LifecycleState) => Promise<void>; newId?: () => string } = {},
): Promise<{ state: LifecycleState; outcomes: ChannelOutcome[] }> {
  let next = state;
  const due: { target: ChannelTarget; notice: FailureNoticeDelivery }[] = [];
  for (const target of targets) {
    if (!target.failureNotices) continue;
    const planned = failureNoticeDue(next, target.channel.id, options.newId ?? randomUUID);
    if (planned === null) continue;
    next = planned.state;
    due.push({
      target,
      notice: { deliveryId: planned.deliveryId, tenant: failure.tenant, runId: failure.runId, startedAt: failure.startedAt.toISOString(), error: failure.error },
    });
  }
  if (due.length === 0) return { state: next, outcomes: [] };
  await options.beforeSending?.(next);
  const outcomes = await inParallel(due, async ({ target, notice }): Promise<ChannelOutcome> => {
    const { id, label } = target.channel;
    try {
      await target.channel.sendFailureNotice(notice);
      next = markFailureNoticeSent(next, id, failure.startedAt);
      logger.info({ channel: id, label }, 'audit failure notice delivered');
      return { id, label, kind: 'failure-notice', delivered: true, due: 0, error: null };
    } catch (err) {
      const error = asError(err);
      logger.error({ channel: id, label, error: safeError(error) }, 'audit failure notice not delivered; the next failed run tries again');
      return { id, label, kind: 'failure-notice', delivered: false, due: 0, error };
    }
  });
  return { state: next, outcomes };
}

/** Summary lines about the run's deliveries, for stdout. Empty when nothing was sent. */
export function renderDeliveries(outcomes: readonly ChannelOutcome[]): string {
  if (outcomes.length === 0) return '';
  const delivered = outcomes.filter((outcome) => outcome.delivered);
  const failed = outcomes.filter((outcome) => !outcome.delivered);
  const lines = [`Alerts: ${delivered.length} of ${outcomes.length} channel${outcomes.length === 1 ? '' : 's'} delivered`];
  for (const outcome of failed) lines.push(`  NOT delivered (retried by the next run): ${outcome.label}: ${outcome.error?.message ?? 'unknown error'}`);
  return `${lines.join('\n')}\n`;
}

/** The first error of the failed channels, naming how many failed; null when all were delivered. */
export function deliveryError(outcomes: readonly ChannelOutcome[]): Error | null {
  const failed = outcomes.filter((outcome) => !outcome.delivered);
  if (failed.length === 0) return null;
  const names = failed.slice(0, 3).map((outcome) => outcome.label).join('; ');
  const more = failed.length > 3 ? ` and ${failed.length - 3} more` : '';
  return new HygieneError(
    'ALERT_DELIVERY_FAILED',
    `alert delivery failed on ${failed.length} channel${failed.length === 1 ? '' : 's'} (${names}${more}): ${failed[0]!.error?.message ?? 'unknown error'}`,
    { details: { channels: failed.map((outcome) => outcome.id) } },
  );
}

async function inParallel<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let nextIndex = 0;
  const worker = async (): Promise<void> => {
    while (nextIndex < items.length) {
      const index = nextIndex++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_DELIVERIES, items.length) }, worker));
  return results;
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/** Log form of an error: code and message only (messages are secret-free by construction). */
export function safeError(err: unknown): { code?: string; message: string } {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? { code, message: err.message } : { message: err.message };
  }
  return { message: String(err) };
}
