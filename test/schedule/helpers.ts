import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { AuditOutcome, AuditRunner } from '../../src/audit/types.js';
import type { AppConfig } from '../../src/config/types.js';
import type { Logger } from '../../src/logger.js';
import type { AuditReport } from '../../src/report/types.js';
import { EXIT } from '../../src/errors.js';
import { sampleReport as baseReport } from '../report/sample-report.js';

export type LogLine = { level: number; msg: string } & Record<string, unknown>;

/** A real pino logger writing JSON lines into memory, so tests can read what was logged. */
export function memoryLogger(): { logger: Logger; lines: LogLine[]; messages: (msg: string) => LogLine[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as LogLine);
      callback();
    },
  });
  const logger = pino({ level: 'debug' }, stream);
  return { logger, lines, messages: (msg) => lines.filter((line) => line.msg === msg) };
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

  readonly run: AuditRunner = async () => {
    const step = this.#script[this.calls] ?? 'ok';
    this.calls += 1;
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      if (this.#held) await this.#held.promise;
      if (step === 'throw') throw new Error('audit threw on purpose');
      return outcome(step);
    } finally {
      this.running -= 1;
      this.finished += 1;
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

/** Whether a promise has settled yet, without waiting for it. */
export async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  const pending = Symbol('pending');
  const winner = await Promise.race([promise.then(() => true, () => true), new Promise((resolve) => setImmediate(() => resolve(pending)))]);
  return winner !== pending;
}
