import type { DueFinding } from '../lifecycle/types.js';
import type { ResolvedFinding } from '../report/types.js';
import type { Severity } from '../severity.js';

/**
 * The seam between "what is due" and "how it is delivered".
 *
 * The lifecycle decides once per run what is due; each channel (the e-mail
 * list, each key owner, Slack, a webhook) is then handed the part that is due
 * for it, composes its own message and says whether its receiver accepted.
 * Each channel keeps its own delivery record in the state, keyed by `id`, so
 * a failed channel is retried next run alone and a delivered one never
 * repeats (Alertmanager's receivers work the same way).
 */
export interface Channel {
  /**
   * Key of this channel's delivery record in the state: `email`,
   * `owner:<userId>`, `slack`, `webhook`. Never a secret.
   */
  readonly id: string;
  /** For logs and the summary, e.g. "e-mail to 2 recipients", "Slack". Never a secret (no URL). */
  readonly label: string;
  /** Resolves once the receiver accepted the message; rejects with a secret-free error otherwise. */
  sendDigest(delivery: DigestDelivery): Promise<void>;
  /** Resolves once the receiver accepted the notice; rejects with a secret-free error otherwise. */
  sendFailureNotice(notice: FailureNoticeDelivery): Promise<void>;
  /** What this channel would receive, for `--dry-run`: JSON-serialisable, secret-free. */
  preview(delivery: DigestDelivery): unknown;
  /** Releases connections; called once after the run's deliveries. */
  close(): void;
}

/** What one channel is asked to deliver for one audit. */
export interface DigestDelivery {
  /** Stays the same when the same message is retried (webhook `deliveryId`, de-duplication by receivers). */
  deliveryId: string;
  tenant: string;
  runId: string;
  /** ISO time the audit evaluated as now. */
  asOf: string;
  /** Due for this channel, worst first. Never empty. */
  due: DueFinding[];
  /** Findings resolved since this channel's last delivery. */
  resolved: ResolvedFinding[];
  /** Where the full report is (`report.publicUrl` when set, else the path on the audit host); null in a dry run. */
  reportLocation: string | null;
  /**
   * The HTML report written by this run (`latest.html`), for channels that
   * attach it; null or absent when `html` is not among `report.formats`,
   * when `report.publicUrl` is set (it is linked instead), or in a dry run.
   */
  htmlReportPath?: string | null;
  /** Open findings this channel covers that are below `alerts.minSeverity`, so not in `due`; absent = not counted. */
  belowMinSeverity?: { count: number; minSeverity: Severity };
}

/** One notice per streak of consecutive failed audits (exit 3). */
export interface FailureNoticeDelivery {
  deliveryId: string;
  tenant: string;
  runId: string;
  /** ISO time the failed audit started. */
  startedAt: string;
  /** The error message, already redacted. */
  error: string;
}
