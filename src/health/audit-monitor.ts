import type { AuditOutcome } from '../audit/types.js';
import type { Clock } from '../clock.js';
import { SEVERITIES } from '../severity.js';
import { MetricsRegistry } from './metrics-registry.js';

const OUTCOMES: ReadonlyArray<AuditOutcome['status']> = ['ok', 'findings', 'failed', 'alert-failed'];

/**
 * Outcomes that count as a successful audit for health and
 * `c1_hygiene_last_success_timestamp_seconds`. 'alert-failed' is left out on
 * purpose: the report was written but nobody was told, so the service is not
 * doing its job.
 */
const SUCCESSFUL: ReadonlySet<AuditOutcome['status']> = new Set(['ok', 'findings']);

/** What `GET /healthz` answers with. */
export interface HealthStatus {
  status: 'ok' | 'stale';
  checkedAt: string;
  /** When the scheduler started; before the first success, age is measured from here. */
  startedAt: string;
  lastSuccessAt: string | null;
  /** Seconds since the last success (or since start, before any success). */
  ageSeconds: number;
  /** Stale once `ageSeconds` exceeds this: twice the schedule's interval. */
  staleAfterSeconds: number;
  auditInProgress: boolean;
  lastAudit: { status: AuditOutcome['status']; exitCode: number; finishedAt: string } | null;
  nextRunAt: string | null;
}

export interface AuditMonitorOptions {
  clock: Clock;
  /** The service is unhealthy once its last success (or its start) is older than this. */
  staleAfterMs: number;
  /** The next scheduled fire time, for the health body; null when stopped. */
  nextRun?: () => Date | null;
}

/**
 * Remembers how the scheduled audits went and answers the health and metrics
 * endpoints from that. It only reads the injected clock, so health can be
 * tested by moving time instead of waiting.
 */
export class AuditMonitor {
  readonly #clock: Clock;
  readonly #staleAfterMs: number;
  readonly #nextRun: () => Date | null;
  readonly #startedAt: Date;
  #lastSuccessAt: Date | null = null;
  #lastAudit: HealthStatus['lastAudit'] = null;
  #inProgress = false;

  readonly #registry = new MetricsRegistry();
  readonly #auditsTotal = this.#registry.counter(
    'c1_hygiene_audits_total',
    'Audits finished, by outcome (ok, findings, failed, alert-failed).',
    ['outcome'],
  );
  readonly #lastSuccessTimestamp = this.#registry.gauge(
    'c1_hygiene_last_success_timestamp_seconds',
    'Unix time of the last audit that finished ok or with findings; absent before the first.',
  );
  readonly #lastDuration = this.#registry.gauge(
    'c1_hygiene_last_audit_duration_seconds',
    'Wall time of the last finished audit, whatever its outcome.',
  );
  readonly #findings = this.#registry.gauge(
    'c1_hygiene_findings',
    'Unsuppressed findings in the last written report, by severity.',
    ['severity'],
  );
  readonly #keysScanned = this.#registry.gauge('c1_hygiene_keys_scanned', 'Personal API keys scanned by the last written report.');
  readonly #inProgressGauge = this.#registry.gauge('c1_hygiene_audit_in_progress', '1 while an audit runs, else 0.');
  readonly #skippedTicks = this.#registry.counter(
    'c1_hygiene_skipped_ticks_total',
    'Schedule ticks skipped because the previous audit was still running.',
  );

  constructor(options: AuditMonitorOptions) {
    if (!(options.staleAfterMs > 0)) throw new Error(`staleAfterMs must be positive, got ${options.staleAfterMs}`);
    this.#clock = options.clock;
    this.#staleAfterMs = options.staleAfterMs;
    this.#nextRun = options.nextRun ?? (() => null);
    this.#startedAt = this.#clock();
    // Every outcome series exists from the start, so rate() and absent() behave.
    for (const outcome of OUTCOMES) this.#auditsTotal.inc({ outcome }, 0);
    this.#skippedTicks.inc({}, 0);
    this.#inProgressGauge.set(0);
  }

  auditStarted(): void {
    this.#inProgress = true;
    this.#inProgressGauge.set(1);
  }

  auditFinished(outcome: AuditOutcome): void {
    const now = this.#clock();
    this.#inProgress = false;
    this.#inProgressGauge.set(0);
    this.#auditsTotal.inc({ outcome: outcome.status });
    this.#lastDuration.set(Math.max(0, outcome.finishedAt.getTime() - outcome.startedAt.getTime()) / 1000);
    this.#lastAudit = { status: outcome.status, exitCode: outcome.exitCode, finishedAt: now.toISOString() };
    if (SUCCESSFUL.has(outcome.status)) {
      this.#lastSuccessAt = now;
      this.#lastSuccessTimestamp.set(now.getTime() / 1000);
    }
    // A failed audit has no report: the gauges keep describing the last report there was.
    if (outcome.report) {
      const { bySeverity, clientsScanned } = outcome.report.summary;
      for (const severity of SEVERITIES) this.#findings.set(bySeverity[severity] ?? 0, { severity });
      this.#keysScanned.set(clientsScanned);
    }
  }

  tickSkipped(): void {
    this.#skippedTicks.inc();
  }

  health(): HealthStatus {
    const now = this.#clock();
    const since = this.#lastSuccessAt ?? this.#startedAt;
    const ageMs = now.getTime() - since.getTime();
    return {
      status: ageMs > this.#staleAfterMs ? 'stale' : 'ok',
      checkedAt: now.toISOString(),
      startedAt: this.#startedAt.toISOString(),
      lastSuccessAt: this.#lastSuccessAt?.toISOString() ?? null,
      ageSeconds: Math.max(0, ageMs) / 1000,
      staleAfterSeconds: this.#staleAfterMs / 1000,
      auditInProgress: this.#inProgress,
      lastAudit: this.#lastAudit,
      nextRunAt: this.#nextRun()?.toISOString() ?? null,
    };
  }

  metricsText(): string {
    return this.#registry.render();
  }
}
