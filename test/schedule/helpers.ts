import { Writable } from 'node:stream';
import { createTask } from 'node-cron';
import { pino } from 'pino';
import type { AuditOutcome, AuditRunner } from '../../src/audit/types.js';
import type { AppConfig } from '../../src/config/types.js';
import type { Logger } from '../../src/logger.js';
import type { CreateCronTask } from '../../src/schedule/cron-task.js';
import type { AuditReport } from '../../src/report/types.js';
import { EXIT } from '../../src/errors.js';
import { sampleReport as baseReport } from '../report/sample-report.js';

export type LogLine = { level: number; msg: string } & Record<string, unknown>;

/**
 * Promises for conditions over state that changes in steps: each settles as
 * soon as its condition holds, re-checked whenever the owner calls
 * `changed()`. Lets tests await what happened instead of polling or sleeping.
 */
export class Conditions {
  #waiting: { condition: () => boolean; resolve: () => void }[] = [];

  until(condition: () => boolean): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve) => this.#waiting.push({ condition, resolve }));
  }

  changed(): void {
    this.#waiting = this.#waiting.filter((waiting) => {
      if (!waiting.condition()) return true;
      waiting.resolve();
      return false;
    });
  }
}

export interface MemoryLog {
  logger: Logger;
  lines: LogLine[];
  messages: (msg: string) => LogLine[];
  /** Resolves once `count` lines with this message have been logged. */
  logged: (msg: string, count?: number) => Promise<void>;
}

/** A real pino logger writing JSON lines into memory, so tests can read (and await) what was logged. */
export function memoryLogger(): MemoryLog {
  const lines: LogLine[] = [];
  const conditions = new Conditions();
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as LogLine);
      conditions.changed();
      callback();
    },
  });
  const logger = pino({ level: 'debug' }, stream);
  const messages = (msg: string): LogLine[] => lines.filter((line) => line.msg === msg);
  return { logger, lines, messages, logged: (msg, count = 1) => conditions.until(() => messages(msg).length >= count) };
}

/**
 * A cron task whose ticks the test fires by hand (`tick()`), given to
 * `runSchedule` through its `createCronTask` seam. Its fire times come from
 * node-cron on the same expression (a task that is never started), so the
 * stale-health interval and the logged next runs follow the real schedule.
 */
export class ManualCron {
  created = 0;
  started = false;
  stopped = false;
  destroyed = false;
  #onTick: ((firedAt: Date) => void) | null = null;

  readonly create: CreateCronTask = (expression, onTick, options) => {
    this.created += 1;
    this.#onTick = onTick;
    const fireTimes = createTask(expression, () => undefined, options);
    return {
      start: () => {
        this.started = true;
      },
      stop: () => {
        this.stopped = true;
      },
      destroy: () => {
        this.destroyed = true;
        return fireTimes.destroy();
      },
      // Like node-cron: no next run unless started and not stopped.
      getNextRun: () => (this.started && !this.stopped ? (fireTimes.getNextRuns(1)[0] ?? null) : null),
      getNextRuns: (count) => fireTimes.getNextRuns(count),
    };
  };

  /**
   * One tick, delivered as node-cron delivers it: the callback with the fire
   * time. It is delivered even after `stop()`, like a tick already under way
   * when the schedule stops, so tests can check the scheduler ignores it.
   */
  tick(firedAt: Date = new Date()): void {
    if (!this.#onTick || !this.started) throw new Error('the schedule has not started its cron task');
    this.#onTick(firedAt);
  }
}

export function scheduleConfig(overrides: Partial<AppConfig['schedule']> = {}): AppConfig['schedule'] {
  return {
    cron: '*/1 * * * * *',
    timezone: 'UTC',
    runOnStart: false,
    shutdownGraceSeconds: 30,
    healthPort: null,
    healthHost: '127.0.0.1',
    ...overrides,
  };
}

/** A report whose summary carries the given counts (what metrics read); findings themselves do not matter here. */
export function sampleReport(overrides: { scanned?: number; bySeverity?: Partial<AuditReport['summary']['bySeverity']> } = {}): AuditReport {
  const base = baseReport({}, []);
  const bySeverity = { ...base.summary.bySeverity, ...overrides.bySeverity };
  const findings = Object.values(bySeverity).reduce((a, b) => a + b, 0);
  return {
    ...base,
    summary: { ...base.summary, clientsScanned: overrides.scanned ?? 3, findings, bySeverity, byRule: {} },
  };
}

export function outcome(status: AuditOutcome['status'], report: AuditReport | null = null): AuditOutcome {
  const exitCode = { ok: EXIT.ok, findings: EXIT.findingsAtOrAboveFailOn, failed: EXIT.auditFailed, 'alert-failed': EXIT.alertDeliveryFailed }[status];
  const startedAt = new Date('2026-11-26T07:00:00.000Z');
  return {
    exitCode,
    status,
    report: status === 'failed' ? null : (report ?? sampleReport()),
    reportPath: status === 'failed' ? null : '/reports/report-x.json',
    error: status === 'failed' || status === 'alert-failed' ? new Error(`audit ${status} on purpose`) : null,
    startedAt,
    finishedAt: new Date(startedAt.getTime() + 1500),
  };
}

type Step = AuditOutcome['status'] | 'throw';

/**
 * The audit dependency of `runSchedule`, written for the tests: counts calls
 * and concurrency, follows a script of outcomes, and can be held open until
 * the test releases it.
 */
export class ScriptedAudit {
  calls = 0;
  finished = 0;
  running = 0;
  maxRunning = 0;
  #script: Step[];
  #held: { promise: Promise<void>; release: () => void } | null = null;
  readonly #conditions = new Conditions();

  constructor(script: Step[] = []) {
    this.#script = script;
  }

  /** Every audit that starts from now on waits until `release()`. */
  hold(): void {
    let release!: () => void;
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.#held = { promise, release };
  }

  release(): void {
    const held = this.#held;
    this.#held = null;
    held?.release();
  }

  /** Resolves once the counters satisfy `condition` (e.g. `(a) => a.running === 1`). */
  until(condition: (audit: ScriptedAudit) => boolean): Promise<void> {
    return this.#conditions.until(() => condition(this));
  }

  readonly run: AuditRunner = async () => {
    const step = this.#script[this.calls] ?? 'ok';
    this.calls += 1;
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    this.#conditions.changed();
    try {
      if (this.#held) await this.#held.promise;
      if (step === 'throw') throw new Error('audit threw on purpose');
      return outcome(step);
    } finally {
      this.running -= 1;
      this.finished += 1;
      this.#conditions.changed();
    }
  };
}

/** Polls until `condition` holds; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * One turn of the event loop: every promise callback already queued runs
 * first. After an audit's last log line the scheduler still clears its
 * in-flight mark in such a callback; a tick fired before that is skipped.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Whether a promise has settled yet, without waiting for it. */
export async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  const pending = Symbol('pending');
  const winner = await Promise.race([promise.then(() => true, () => true), new Promise((resolve) => setImmediate(() => resolve(pending)))]);
  return winner !== pending;
}
