import { EventEmitter } from 'node:events';
import { createTask } from 'node-cron';
import { describe, expect, it } from 'vitest';
import { scheduleIntervalMs } from '../../src/schedule/interval.js';
import { ShutdownSignals, signalExitCode } from '../../src/schedule/shutdown-signals.js';
import { SingleFlight } from '../../src/schedule/single-flight.js';
import { isSettled } from './helpers.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('SingleFlight', () => {
  it('runs one job at a time, skips while busy, and is free again once the job settles (even by rejecting)', async () => {
    const flight = new SingleFlight<string>();
    let release!: () => void;
    const first = flight.tryRun(() => new Promise<string>((resolve) => (release = () => resolve('first'))));
    expect(first).not.toBeNull();
    expect(flight.running).toBe(true);
    expect(flight.tryRun(async () => 'second')).toBeNull();

    const idle = flight.idle();
    expect(await isSettled(idle)).toBe(false);
    release();
    expect(await first).toBe('first');
    await idle;
    expect(flight.running).toBe(false);

    const failing = flight.tryRun(async () => {
      throw new Error('boom');
    });
    await expect(failing).rejects.toThrow('boom');
    await flight.idle();
    expect(flight.running).toBe(false);
    expect(await flight.tryRun(async () => 'third')).toBe('third');
  });
});

describe('scheduleIntervalMs', () => {
  const fixed = (...isoTimes: string[]) => ({
    getNextRuns: (count: number) => isoTimes.slice(0, count).map((iso) => new Date(iso)),
  });

  it('is the period of a regular schedule', () => {
    expect(scheduleIntervalMs(fixed('2026-11-27T07:00:00Z', '2026-11-28T07:00:00Z', '2026-11-29T07:00:00Z'))).toBe(DAY);
  });

  it('is the longest gap of an irregular schedule, so weekends do not look stale', () => {
    const weekdays = createTask('0 7 * * 1-5', () => undefined, { timezone: 'UTC' });
    try {
      expect(scheduleIntervalMs(weekdays)).toBe(3 * DAY);
    } finally {
      weekdays.destroy();
    }
    const seconds = createTask('*/1 * * * * *', () => undefined, { timezone: 'UTC' });
    try {
      expect(scheduleIntervalMs(seconds)).toBe(1_000);
    } finally {
      seconds.destroy();
    }
  });
});

describe('ShutdownSignals', () => {
  it('resolves first and second on two signals, maps them to 128 + number, and removes its listeners', async () => {
    const emitter = new EventEmitter();
    const signals = new ShutdownSignals(emitter);
    expect(emitter.listenerCount('SIGTERM')).toBe(1);
    expect(await isSettled(signals.first)).toBe(false);

    emitter.emit('SIGTERM');
    expect(await signals.first).toBe('SIGTERM');
    expect(await isSettled(signals.second)).toBe(false);
    emitter.emit('SIGINT');
    expect(await signals.second).toBe('SIGINT');

    expect(signalExitCode('SIGINT')).toBe(130);
    expect(signalExitCode('SIGTERM')).toBe(143);
    signals.dispose();
    expect(emitter.listenerCount('SIGTERM') + emitter.listenerCount('SIGINT') + emitter.listenerCount('SIGHUP')).toBe(0);
  });

  it('treats SIGHUP like SIGTERM: a graceful stop, 129 when it forces one', async () => {
    const emitter = new EventEmitter();
    const signals = new ShutdownSignals(emitter);
    emitter.emit('SIGHUP');
    expect(await signals.first).toBe('SIGHUP');
    emitter.emit('SIGHUP');
    expect(await signals.second).toBe('SIGHUP');
    expect(signalExitCode('SIGHUP')).toBe(129);
    signals.dispose();
  });
});
