import type { Logger as CronLogger } from 'node-cron';
import type { AuditOutcome, AuditRunner } from '../audit/types.js';
import { systemClock, type Clock } from '../clock.js';
import type { AppConfig } from '../config/types.js';
import { EXIT } from '../errors.js';
import { AuditMonitor } from '../health/audit-monitor.js';
import { startHealthServer, type HealthServer } from '../health/health-server.js';
import type { Logger } from '../logger.js';
import { nodeCronTask, type CreateCronTask, type CronTask } from './cron-task.js';
import { scheduleIntervalMs } from './interval.js';
import { logOutcome, outcomeFromThrown } from './outcome.js';
import { assertValidSchedule } from './schedule-checks.js';
import { ShutdownSignals, signalExitCode } from './shutdown-signals.js';
import { SingleFlight } from './single-flight.js';

export interface RunScheduleOptions {
  schedule: AppConfig['schedule'];
  /** One full audit; expected never to throw (a throw is logged as a failed audit). */
  runAudit: AuditRunner;
  logger: Logger;
  /** Where SIGTERM/SIGINT arrive; default `process`. */
  signals?: NodeJS.EventEmitter;
  /** Read for health and metrics; cron ticks themselves follow the real time. */
  clock?: Clock;
  /** Interface of the health listener; default `schedule.healthHost`. */
  healthHost?: string;
  /** Makes the cron task; default node-cron. Tests pass one whose ticks they fire by hand. */
  createCronTask?: CreateCronTask;
  /** Called once the schedule runs; tells tests the health URL (null when the listener is off). */
  onReady?: (info: { healthUrl: string | null; nextRunAt: Date | null }) => void;
}

/**
 * What `runSchedule` resolves with:
 * - 0: stopped by a signal. The audit in flight (if any) either finished
 *   within `shutdownGraceSeconds` or, when the grace ran out, was abandoned;
 *   both are the orderly stop the contract promises ("then exits 0"), and the
 *   abandoned case is logged as an error. Reports and alert state are written
 *   atomically, so the last complete report stays in place and undelivered
 *   alerts go out next run.
 * - 130 / 143 (128 + signal): a second signal, i.e. an operator forcing an
 *   immediate stop; the audit in flight is abandoned the same way.
 * Whenever an audit was abandoned it may still hold sockets or timers, so the
 * caller should end the process with `process.exit(code)`.
 */
export const SCHEDULE_EXIT = { graceful: EXIT.ok } as const;

type Trigger = 'start' | 'schedule';

/**
 * `c1-hygiene schedule`: runs audits on the cron schedule, never two at once,
 * until SIGTERM/SIGINT. Throws `ConfigError` (exit 2) for a bad schedule and
 * `HygieneError('HEALTH_LISTEN_FAILED')` (exit 2) when the health port cannot
 * be bound, both before any audit runs.
 */
export async function runSchedule(options: RunScheduleOptions): Promise<number> {
  const { schedule, runAudit } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger.child({ component: 'schedule' });
  assertValidSchedule(schedule);

  const shutdown = new ShutdownSignals(options.signals ?? process);
  const flight = new SingleFlight<void>();
  const createCronTask = options.createCronTask ?? nodeCronTask;
  let task: CronTask | null = null;
  let health: HealthServer | null = null;
  let stopping = false;
  let skippedTicks = 0;

  try {
    task = createCronTask(schedule.cron, (firedAt) => startAudit('schedule', firedAt), {
      timezone: schedule.timezone,
      name: 'c1-hygiene-audit',
      logger: cronLogger(logger),
    });
    const cronTask = task;
    const monitor = new AuditMonitor({
      clock,
      staleAfterMs: 2 * scheduleIntervalMs(cronTask),
      nextRun: () => (stopping ? null : cronTask.getNextRun()),
    });

    const auditOnce = async (trigger: Trigger, firedAt: Date): Promise<void> => {
      monitor.auditStarted();
      // The audit logs its own start and end; these lines add what only the scheduler knows.
      logger.info({ trigger, firedAt: firedAt.toISOString() }, 'audit triggered');
      const startedAt = clock();
      let outcome: AuditOutcome;
      try {
        outcome = await runAudit();
      } catch (err) {
        outcome = outcomeFromThrown(err, startedAt, clock());
      }
      monitor.auditFinished(outcome);
      logOutcome(logger, outcome, stopping ? null : cronTask.getNextRun());
    };

    // Fire-and-forget on purpose: node-cron must not wait, so a tick during a
    // long audit reaches the guard below and is counted as skipped.
    function startAudit(trigger: Trigger, firedAt: Date): void {
      if (stopping) return;
      const run = flight.tryRun(() => auditOnce(trigger, firedAt));
      if (run === null) {
        skippedTicks += 1;
        monitor.tickSkipped();
        logger.warn({ skippedTick: firedAt.toISOString(), skippedTicks }, 'audit still running; tick skipped');
        return;
      }
      run.catch((err: unknown) => logger.error({ error: (err as Error).message }, 'audit bookkeeping failed'));
    }

    if (schedule.healthPort !== null) {
      health = await startHealthServer({ monitor, port: schedule.healthPort, host: options.healthHost ?? schedule.healthHost, logger });
    }
    await cronTask.start();
    const nextRunAt = cronTask.getNextRun();
    logger.info(
      {
        cron: schedule.cron,
        timezone: schedule.timezone,
        runOnStart: schedule.runOnStart,
        nextRunAt: nextRunAt?.toISOString() ?? null,
        staleAfterSeconds: monitor.health().staleAfterSeconds,
        healthUrl: health?.url ?? null,
      },
      'schedule started',
    );
    options.onReady?.({ healthUrl: health?.url ?? null, nextRunAt });
    if (schedule.runOnStart) startAudit('start', clock());

    const signal = await shutdown.first;
    stopping = true;
    cronTask.stop();
    if (!flight.running) {
      logger.info({ signal }, 'schedule stopped');
      return SCHEDULE_EXIT.graceful;
    }
    return await drain(signal);
  } finally {
    stopping = true;
    shutdown.dispose();
    task?.destroy();
    await health?.close();
  }

  async function drain(signal: string): Promise<number> {
    const graceSeconds = schedule.shutdownGraceSeconds;
    logger.info({ signal, graceSeconds }, 'stopping: waiting for the audit in flight');
    let graceTimer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace'>((resolve) => {
      graceTimer = setTimeout(() => resolve('grace'), graceSeconds * 1000);
    });
    try {
      const ended = await Promise.race([flight.idle().then(() => 'finished' as const), graceOver, shutdown.second]);
      if (ended === 'finished') {
        logger.info({ signal }, 'schedule stopped after the audit in flight finished');
        return SCHEDULE_EXIT.graceful;
      }
      if (ended === 'grace') {
        // Still exit 0: the stop itself is orderly and bounded; the error log is
        // where the abandoned audit shows, and the next run (or pod) redoes it.
        logger.error(
          { signal, graceSeconds },
          'audit still running when the shutdown grace ran out; abandoned (reports and alert state are written atomically, so the last complete ones are kept)',
        );
        return SCHEDULE_EXIT.graceful;
      }
      logger.warn({ signal: ended }, 'second signal: stopping now; the audit in flight is abandoned');
      return signalExitCode(ended);
    } finally {
      clearTimeout(graceTimer);
    }
  }
}

/** node-cron's own messages (missed ticks and such) go to the service's log, not the console. */
function cronLogger(logger: Logger): CronLogger {
  const child = logger.child({ component: 'node-cron' });
  const text = (message: string | Error): string => (message instanceof Error ? message.message : message);
  return {
    info: (message) => child.debug(message),
    debug: (message) => child.debug(text(message)),
    warn: (message) => child.warn(message),
    error: (message, err) => child.error({ error: err?.message }, text(message)),
  };
}
