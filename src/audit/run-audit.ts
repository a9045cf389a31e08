import { randomUUID } from 'node:crypto';
import { tenantFor } from '../c1/api-url.js';
import type { Clock } from '../clock.js';
import { requireCredentials } from '../config/load.js';
import type { AppConfig } from '../config/types.js';
import { EXIT, HygieneError, type ExitCode } from '../errors.js';
import type { LifecycleState, StateFileRead } from '../lifecycle/state.js';
import { acquireRunLock, type RunLock } from '../lock/run-lock.js';
import type { Logger } from '../logger.js';
import type { AuditReport } from '../report/types.js';
import type { WrittenReport } from '../report/write.js';
import { redactSecrets } from '../redact.js';
import { isAtLeast, type Severity } from '../severity.js';
import { collectFromC1 } from './collect.js';
import type { AuditOutcome } from './types.js';

export interface AuditRequest {
  config: AppConfig;
  /** Evaluate as if now were this time (`--as-of`); null = the clock's now. */
  asOf: Date | null;
  /** Report to stdout only: no report file, no email, no state change. */
  dryRun: boolean;
  /** Exit 1 when a finding at or above this severity exists. */
  failOn: Severity | null;
  /** The command named in the run lock, for the message a concurrent run prints. Default `audit`. */
  lockAs?: string;
}

export interface AuditDependencies {
  logger: Logger;
  /** Real time: run timestamps and the C1 token's validity. `asOf` never reaches the token. */
  clock: Clock;
  /** Where the human summary (or, for --dry-run, the report JSON) goes. */
  print: (text: string) => void;
}

/**
 * The judging stage (normalise and judge each page, track findings against
 * the remembered ones, build the report object) and the state it compares
 * with. Pages can only be judged once the roles and the caller's user id are
 * back, so these modules are loaded once the listing's first requests are on
 * their way: they compile while those wait on the network instead of before
 * them. A failed load fails the audit where a stage is awaited.
 */
function loadJudgingStage() {
  return Promise.all([
    import('./scan.js'),
    import('../lifecycle/state.js'),
    import('../lifecycle/suppressions.js'),
    import('../lifecycle/track.js'),
    import('../rules/evaluate.js'),
    import('./build-report.js'),
  ]).then(([scan, state, suppressions, track, evaluate, build]) => ({
    KeyScan: scan.KeyScan,
    readStateFile: state.readStateFile,
    loadState: state.loadState,
    suppressionWarnings: suppressions.suppressionWarnings,
    trackFindings: track.trackFindings,
    evaluationCoverage: evaluate.evaluationCoverage,
    ruleCatalogue: evaluate.ruleCatalogue,
    buildReport: build.buildReport,
  }));
}

const judgingStage = once(loadJudgingStage);

/**
 * The stages after the listing (report files, channels, alerts, the summary)
 * and the error handling of a failed run. Their modules are loaded in the
 * background after the judging stage's: they compile while the listing waits
 * on the network, and are first needed when it is done (or when it failed).
 */
function loadLaterStages() {
  return Promise.all([
    import('../report/write.js'),
    import('../channels/registry.js'),
    import('./alerting.js'),
    import('../report/summary.js'),
    import('../channels/dispatch.js'),
    import('../alerts/transport.js'),
    import('../channels/http-channels.js'),
    import('../lifecycle/state-shape.js'),
  ]).then(([write, registry, alerting, summary, dispatch, transport, httpChannels, stateShape]) => ({
    writeReport: write.writeReport,
    buildChannels: registry.buildChannels,
    closeChannels: registry.closeChannels,
    alertAndRecord: alerting.alertAndRecord,
    noticeFailure: alerting.noticeFailure,
    previewAlerts: alerting.previewAlerts,
    safeError: alerting.safeError,
    renderSummary: summary.renderSummary,
    renderDeliveries: dispatch.renderDeliveries,
    smtpUrlSecrets: transport.smtpUrlSecrets,
    httpChannelSecrets: httpChannels.httpChannelSecrets,
    EMAIL_CHANNEL_ID: stateShape.EMAIL_CHANNEL_ID,
  }));
}

const laterStages = once(loadLaterStages);

/** `load` called the first time only; every call gets the same promise. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | null = null;
  return () => (loading ??= load());
}

/**
 * The judging stage, loaded once the listing's first requests are out: a
 * load only reads and compiles its files after the I/O callbacks already due,
 * among them the connections that send those requests (opened in microtasks,
 * written as soon as they connect).
 */
function judgingStageAfterRequests(): ReturnType<typeof loadJudgingStage> {
  return new Promise((resolve) => setImmediate(resolve)).then(() => judgingStage());
}

/** Starts loading the later stages once the judging stage is loaded: the stage needed first compiles first. */
function loadLaterStagesInBackground(): void {
  // Observed here, awaited where a stage is needed (a failed load throws there).
  judgingStageAfterRequests()
    .catch(() => undefined)
    .then(() => laterStages())
    .catch(() => undefined);
}

/**
 * One audit: fetch → normalise → evaluate → lifecycle → report → alert.
 * Never throws; every ending is an outcome with the contract's exit code.
 */
export async function runAudit(request: AuditRequest, deps: AuditDependencies): Promise<AuditOutcome> {
  // A dry run writes nothing and sends nothing, so it cannot race a real run: it needs no lock.
  if (request.dryRun) return runAuditUnlocked(request, deps);
  let lock: RunLock | null;
  try {
    lock = await acquireRunLock(request.config.state.dir, { command: request.lockAs ?? 'audit' });
  } catch (err) {
    const { safeError } = await laterStages();
    if (err instanceof HygieneError && err.code === 'STATE_WRITE_FAILED') {
      // The state directory is unusable, so this run cannot record an alert and
      // therefore sends none (the state is saved before sending): without a lock
      // it still cannot double-send. The report is still worth writing.
      deps.logger.warn({ error: safeError(err) }, 'no run lock: the state directory is unusable; no alert will be sent by this run');
      return runAuditUnlocked(request, deps);
    }
    // Refused before anything ran: no failure notice either, the holder is doing the work.
    const startedAt = deps.clock();
    deps.logger.error({ error: safeError(err) }, 'audit not started: another run holds the lock');
    const error = err instanceof Error ? err : new Error(String(err));
    return outcome(err instanceof HygieneError ? err.exitCode : EXIT.auditFailed, null, null, error, startedAt, deps.clock());
  }
  try {
    return await runAuditUnlocked(request, deps);
  } finally {
    await lock?.release();
  }
}

async function runAuditUnlocked(request: AuditRequest, deps: AuditDependencies): Promise<AuditOutcome> {
  const startedAt = deps.clock();
  const now = request.asOf ?? startedAt;
  const runId = randomUUID();
  const logger = deps.logger.child({ runId });
  const { config } = request;
  logger.info({ asOf: now.toISOString(), dryRun: request.dryRun, config: config.source ?? 'defaults and environment' }, 'audit started');

  let report: AuditReport;
  let state: LifecycleState;
  try {
    const assembling = assemble(request, { runId, startedAt, now, logger, clock: deps.clock });
    loadLaterStagesInBackground();
    ({ report, state } = await assembling);
  } catch (err) {
    return failed(err, request, { runId, startedAt, logger, clock: deps.clock });
  }

  const { buildChannels, closeChannels, previewAlerts, writeReport, alertAndRecord, renderSummary, renderDeliveries, EMAIL_CHANNEL_ID } = await laterStages();
  // Channels are built from the report (each owner's findings); routing problems become report warnings.
  const channels = buildChannels({ config, logger, report, dryRun: request.dryRun });
  if (channels.warnings.length > 0) report = { ...report, warnings: [...report.warnings, ...channels.warnings] };
  logWarnings(report, logger);

  try {
    if (request.dryRun) {
      const preview = previewAlerts(config, state, report, channels.targets, now);
      const list = preview.channels.find((channel) => channel.id === EMAIL_CHANNEL_ID);
      const alert = list ? { ...(list.message as object), wouldSend: list.wouldSend, ...(list.notSentBecause ? { notSentBecause: list.notSentBecause } : {}) } : null;
      deps.print(`${JSON.stringify({ ...report, dryRun: { alert, due: list?.due ?? 0, channels: preview.channels } }, null, 2)}\n`);
      for (const channel of preview.channels.filter((c) => !c.wouldSend)) {
        logger.info({ channel: channel.id, due: channel.due, reason: channel.notSentBecause }, 'dry run: this channel would not be sent');
      }
      logger.info({ findings: report.findings.length, wouldAlert: list?.due ?? 0, channels: preview.channels.length }, 'dry run finished; nothing written or sent');
      return outcome(failOnExit(report, request.failOn, EXIT.ok), report, null, null, startedAt, deps.clock());
    }

    let written: WrittenReport;
    try {
      written = await writeReport(report, { ...config.report, logger });
    } catch (err) {
      return failed(err, request, { runId, startedAt, logger, clock: deps.clock });
    }
    const reportPath = written.path;

    const alerts = await alertAndRecord(config, state, report, channels.targets, { ...reportForAlerts(config, written), now, logger });

    deps.print(renderSummary(report, { reportPath }) + renderDeliveries(alerts.outcomes));
    if (channels.targets.length === 0 && report.findings.some((finding) => isAtLeast(finding.severity, config.alerts.minSeverity))) {
      logger.debug('findings are due for alerting but no alert channel is configured (SMTP_URL, ALERT_EMAIL_TO, ALERT_EMAIL_FROM)');
    }
    const base = alerts.error ? EXIT.alertDeliveryFailed : EXIT.ok;
    const exitCode = base === EXIT.ok ? failOnExit(report, request.failOn, base) : base;
    const failedChannels = alerts.outcomes.filter((o) => !o.delivered).map((o) => o.label);
    logger.info(
      { exitCode, findings: report.findings.length, reportPath, alerted: alerts.alerted, ...(failedChannels.length > 0 ? { failedChannels } : {}) },
      'audit finished',
    );
    return outcome(exitCode, report, reportPath, alerts.error, startedAt, deps.clock());
  } finally {
    closeChannels(channels.targets);
  }
}

/**
 * Everything up to the report object: fetch, normalise, evaluate, and diff
 * against the remembered findings. Writes nothing; throws on failure. With
 * `dryRun` the state is only read, never repaired (`remediate` plans this way).
 *
 * Keys are judged page by page as the listing arrives (`KeyScan`); only the
 * report's view of each key and its findings are kept.
 */
export async function assemble(
  { config, dryRun }: AuditRequest,
  context: { runId: string; startedAt: Date; now: Date; logger: Logger; clock: Clock },
): Promise<{ report: AuditReport; state: LifecycleState }> {
  const { now } = context;
  const credentials = requireCredentials(config);
  // The judging stage and the previous state arrive while the listing runs, its requests sent first.
  const stage = judgingStageAfterRequests();
  const scanning = stage.then(({ KeyScan }) => new KeyScan({ now, rules: config.rules, suppressions: config.suppressions }));
  // Read while the listing runs: a real run holds the run lock, so no other run changes it meanwhile (a dry run only reads it).
  // Judged (warnings, moved aside, errors) only after the listing, as ever.
  const previousRead: Promise<StateFileRead> = stage.then(({ readStateFile }) => readStateFile(config.state.dir));
  // Observed here, awaited below: a listing that fails first has only its own error to tell.
  scanning.catch(() => undefined);
  previousRead.catch(() => undefined);
  const collected = await collectFromC1(config, credentials, { logger: context.logger, clock: context.clock }, async (keys, listing) =>
    (await scanning).addPage(keys, listing),
  );
  const scanned = (await scanning).finish(collected);
  const { loadState, evaluationCoverage, trackFindings, buildReport, suppressionWarnings, ruleCatalogue } = await stage;
  const previous = await loadState(config.state.dir, context.logger, context.clock, { readOnly: dryRun, read: previousRead });
  const covered = evaluationCoverage(scanned.clients, config.rules, {
    listingComplete: collected.listingComplete,
    // A rule that could not run fully this time must not "resolve" what it found before.
    partialRules: new Set([...(collected.rolesResolved ? [] : ['broad-roles']), ...(collected.ownersResolved ? [] : ['owner-inactive'])]),
  });
  const tracked = trackFindings(previous, scanned.findings, scanned.suppressed, now, (previous) => covered(previous.ruleId, previous.credentialId));
  const report = buildReport({
    runId: context.runId,
    tenant: tenantOf(config),
    asOf: now,
    startedAt: context.startedAt,
    finishedAt: context.clock(),
    clients: scanned.clients,
    deletedCount: scanned.deletedCount,
    skippedCount: collected.rejected.length,
    findings: tracked.findings,
    suppressed: tracked.suppressed,
    resolved: tracked.resolved,
    warnings: [
      ...collected.rejected,
      ...collected.warnings,
      ...scanned.warnings,
      ...suppressionWarnings(config.suppressions, [...tracked.findings, ...tracked.suppressed], now),
    ],
    rules: ruleCatalogue(config.rules),
  });
  return { report, state: tracked.state };
}

/**
 * One log line points operators at the data problems; each is in the report,
 * the first few in the summary, and the listing's own ones were logged as found.
 */
function logWarnings(report: AuditReport, logger: Logger): void {
  if (report.warnings.length === 0) return;
  const fields = [...new Set(report.warnings.map((warning) => warning.field))];
  logger.warn({ warnings: report.warnings.length, fields }, 'the report lists data warnings: findings may be incomplete for those keys');
}

/** The tenant named in reports and mails: the host in the client ID, else the API URL's. */
export function tenantOf(config: AppConfig): string {
  return config.c1.apiUrl ? tenantFor(config.c1.clientId, config.c1.apiUrl) : (config.c1.clientId ?? 'unknown tenant');
}

function failOnExit(report: AuditReport, failOn: Severity | null, otherwise: ExitCode): ExitCode {
  if (failOn && report.findings.some((finding) => isAtLeast(finding.severity, failOn))) {
    return EXIT.findingsAtOrAboveFailOn;
  }
  return otherwise;
}

async function failed(
  err: unknown,
  request: AuditRequest,
  context: { runId: string; startedAt: Date; logger: Logger; clock: Clock },
): Promise<AuditOutcome> {
  const exitCode = err instanceof HygieneError ? err.exitCode : EXIT.auditFailed;
  // C1's client blanks its own credentials; an echo of a Slack or webhook credential from any peer is blanked here,
  // before the message reaches the log, the state's failure record, every channel's notice and the caller.
  const { safeError, noticeFailure, httpChannelSecrets, smtpUrlSecrets } = await laterStages();
  const smtpUrl = request.config.alerts.email.smtpUrl?.reveal();
  const secrets = [...httpChannelSecrets(request.config), ...(smtpUrl ? smtpUrlSecrets(smtpUrl) : [])];
  const error = withoutChannelSecrets(err instanceof Error ? err : new Error(String(err)), secrets);
  context.logger.error({ error: safeError(error) }, 'audit failed');
  // A configuration problem is the operator's to fix now, not a streak to be mailed about.
  if (exitCode === EXIT.auditFailed && !request.dryRun) {
    await noticeFailure(
      request.config,
      { tenant: tenantOf(request.config), message: error.message, runId: context.runId, startedAt: context.startedAt },
      { logger: context.logger, clock: context.clock },
    );
  }
  return outcome(exitCode, null, null, error, context.startedAt, context.clock());
}

/** An audit's error as every alert channel may show it: none of these channel credentials in it, whoever echoed them. */
function withoutChannelSecrets(error: Error, secrets: readonly string[]): Error {
  const message = redactSecrets(error.message, secrets);
  if (message === error.message) return error;
  // The cause is left behind: it may carry the same text.
  return error instanceof HygieneError ? new HygieneError(error.code, message, { details: error.details }) : new Error(message);
}

function outcome(
  exitCode: ExitCode,
  report: AuditReport | null,
  reportPath: string | null,
  error: Error | null,
  startedAt: Date,
  finishedAt: Date,
): AuditOutcome {
  const status =
    exitCode === EXIT.ok
      ? 'ok'
      : exitCode === EXIT.findingsAtOrAboveFailOn
        ? 'findings'
        : exitCode === EXIT.alertDeliveryFailed
          ? 'alert-failed'
          : 'failed';
  return { exitCode, status, report, reportPath, error, startedAt, finishedAt };
}

/**
 * Where alerts point at this run's report: `report.publicUrl` when it is
 * published (e-mails link it), else the JSON report's path on the audit host,
 * with the run's HTML report for e-mails to attach.
 */
function reportForAlerts(config: AppConfig, written: WrittenReport): { reportLocation: string; htmlReportPath: string | null } {
  if (config.report.publicUrl !== null) return { reportLocation: config.report.publicUrl, htmlReportPath: null };
  const html = written.files.find((file) => file.format === 'html');
  return { reportLocation: written.path, htmlReportPath: html?.latestPath ?? null };
}
