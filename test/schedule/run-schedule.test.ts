import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { runSchedule, SCHEDULE_EXIT } from '../../src/schedule/run-schedule.js';
import { isSettled, ManualCron, memoryLogger, nextTurn, ScriptedAudit, scheduleConfig } from './helpers.js';

/** A cron that will not fire during a test, for tests driven by runOnStart alone. */
const NEVER_DURING_TEST = '0 0 1 1 *';

const audits: ScriptedAudit[] = [];
function scriptedAudit(...args: ConstructorParameters<typeof ScriptedAudit>): ScriptedAudit {
  const audit = new ScriptedAudit(...args);
  audits.push(audit);
  return audit;
}

afterEach(() => {
  // A test that failed half-way must not leave an audit (and its schedule) hanging.
  for (const audit of audits.splice(0)) audit.release();
});

/**
 * Ticks are fired by hand through `createCronTask` (see ManualCron), so these
 * tests wait for what happened, never for the clock; one smoke test at the
 * end lets node-cron itself tick.
 */
describe('runSchedule', () => {
  it('runs an audit on every tick, logs each outcome with the next run, stops on SIGTERM with 0', async () => {
    const audit = scriptedAudit();
    const log = memoryLogger();
    const { messages } = log;
    const signals = new EventEmitter();
    const cron = new ManualCron();
    const done = runSchedule({ schedule: scheduleConfig(), runAudit: audit.run, logger: log.logger, signals, createCronTask: cron.create });

    await log.logged('schedule started');
    expect(cron.started).toBe(true);
    for (let tick = 1; tick <= 3; tick++) {
      cron.tick();
      await log.logged('scheduled run done', tick);
      await nextTurn();
    }
    signals.emit('SIGTERM');

    expect(await done).toBe(0);
    expect(audit.calls).toBe(3);
    const finished = messages('scheduled run done');
    expect(finished).toHaveLength(3);
    expect(finished[0]).toMatchObject({ status: 'ok', exitCode: 0, keysScanned: 3 });
    expect(Date.parse(String(finished[0]!.nextRunAt))).not.toBeNaN();
    expect(messages('audit triggered').map((line) => line.trigger)).toEqual(['schedule', 'schedule', 'schedule']);
    expect(messages('schedule started')[0]).toMatchObject({ cron: '*/1 * * * * *', timezone: 'UTC', staleAfterSeconds: 2 });
    expect(cron).toMatchObject({ created: 1, stopped: true, destroyed: true });
    expect(signals.listenerCount('SIGTERM')).toBe(0);
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });

  it('runs one audit at start when runOnStart is set', async () => {
    const audit = scriptedAudit();
    const log = memoryLogger();
    const signals = new EventEmitter();
    const cron = new ManualCron();
    const done = runSchedule({
      schedule: scheduleConfig({ cron: NEVER_DURING_TEST, runOnStart: true }),
      runAudit: audit.run,
      logger: log.logger,
      signals,
      createCronTask: cron.create,
    });

    await log.logged('scheduled run done');
    signals.emit('SIGINT');

    expect(await done).toBe(0);
    expect(audit.calls).toBe(1);
    expect(log.messages('audit triggered')).toEqual([expect.objectContaining({ trigger: 'start' })]);
  });

  it('skips ticks while an audit runs and never runs two at once', async () => {
    const audit = scriptedAudit();
    audit.hold();
    const log = memoryLogger();
    const { messages } = log;
    const signals = new EventEmitter();
    const cron = new ManualCron();
    const done = runSchedule({ schedule: scheduleConfig({ runOnStart: true }), runAudit: audit.run, logger: log.logger, signals, createCronTask: cron.create });

    await audit.until((a) => a.running === 1);
    cron.tick();
    cron.tick();
    await log.logged('audit still running; tick skipped', 2);
    expect(audit.calls).toBe(1);
    audit.release();
    await log.logged('scheduled run done');
    await nextTurn();
    cron.tick();
    await log.logged('scheduled run done', 2);
    signals.emit('SIGTERM');

    expect(await done).toBe(0);
    expect(audit.calls).toBe(2);
    expect(audit.maxRunning).toBe(1);
    const skipped = messages('audit still running; tick skipped');
    expect(skipped).toHaveLength(2);
    expect(skipped[0]).toMatchObject({ level: 40, skippedTicks: 1 });
    expect(Date.parse(String(skipped[0]!.skippedTick))).not.toBeNaN();
    expect(skipped[1]).toMatchObject({ skippedTicks: 2 });
  });

  it('keeps scheduling after a failed audit and after an audit that throws', async () => {
    const audit = scriptedAudit(['failed', 'throw', 'ok']);
    const log = memoryLogger();
    const signals = new EventEmitter();
    const cron = new ManualCron();
    const done = runSchedule({ schedule: scheduleConfig({ runOnStart: true }), runAudit: audit.run, logger: log.logger, signals, createCronTask: cron.create });

    const failedRun = 'scheduled run failed; the schedule continues';
    await log.logged(failedRun, 1);
    await nextTurn();
    cron.tick();
    await log.logged(failedRun, 2);
    await nextTurn();
    cron.tick();
    await log.logged('scheduled run done');
    signals.emit('SIGTERM');

    expect(await done).toBe(0);
    expect(audit.calls).toBe(3);
    const failures = log.messages(failedRun);
    expect(failures).toHaveLength(2);
    expect(failures[0]).toMatchObject({ level: 50, status: 'failed', error: { message: 'audit failed on purpose' } });
    expect(failures[1]).toMatchObject({ status: 'failed', exitCode: 3, error: { message: 'audit threw on purpose' } });
  });

  it('on SIGTERM lets the audit in flight finish, starts no new one, then resolves 0', async () => {
    const audit = scriptedAudit();
    audit.hold();
    const log = memoryLogger();
    const { messages } = log;
    const signals = new EventEmitter();
    const cron = new ManualCron();
    const done = runSchedule({ schedule: scheduleConfig({ runOnStart: true }), runAudit: audit.run, logger: log.logger, signals, createCronTask: cron.create });

    await audit.until((a) => a.running === 1);
    signals.emit('SIGTERM');
    await log.logged('stopping: waiting for the audit in flight');
    // The cron task is stopped, and a tick already under way when it stopped starts nothing.
    expect(cron.stopped).toBe(true);
    cron.tick();
    expect(await isSettled(done)).toBe(false);
    audit.release();

    expect(await done).toBe(SCHEDULE_EXIT.graceful);
    expect(audit.calls).toBe(1);
    expect(audit.finished).toBe(1);
    expect(messages('audit still running; tick skipped')).toHaveLength(0);
    expect(messages('scheduled run done')).toHaveLength(1);
    expect(messages('schedule stopped after the audit in flight finished')).toHaveLength(1);
    expect(signals.listenerCount('SIGTERM')).toBe(0);
  });

  it('gives up on the audit in flight after shutdownGraceSeconds, logs it as an error and still resolves 0', async () => {
    const audit = scriptedAudit();
    audit.hold();
    const log = memoryLogger();
    const signals = new EventEmitter();
    const cron = new ManualCron();
    const done = runSchedule({
      schedule: scheduleConfig({ cron: NEVER_DURING_TEST, runOnStart: true, shutdownGraceSeconds: 0.3 }),
      runAudit: audit.run,
      logger: log.logger,
      signals,
      createCronTask: cron.create,
    });

    await audit.until((a) => a.running === 1);
    signals.emit('SIGTERM');

    expect(await done).toBe(0);
    expect(audit.finished).toBe(0);
    expect(
      log.messages('audit still running when the shutdown grace ran out; abandoned (reports and alert state are written atomically, so the last complete ones are kept)')[0],
    ).toMatchObject({ level: 50, signal: 'SIGTERM', graceSeconds: 0.3 });
    expect(log.messages('schedule stopped after the audit in flight finished')).toHaveLength(0);
    expect(signals.listenerCount('SIGTERM')).toBe(0);
  });

  it('stops at once on a second signal, with 128 + the signal number', async () => {
    const audit = scriptedAudit();
    audit.hold();
    const { logger } = memoryLogger();
    const signals = new EventEmitter();
    const cron = new ManualCron();
    const done = runSchedule({
      schedule: scheduleConfig({ cron: NEVER_DURING_TEST, runOnStart: true, shutdownGraceSeconds: 600 }),
      runAudit: audit.run,
      logger,
      signals,
      createCronTask: cron.create,
    });

    await audit.until((a) => a.running === 1);
    signals.emit('SIGTERM');
    expect(await isSettled(done)).toBe(false);
    signals.emit('SIGINT');

    expect(await done).toBe(130);
    expect(audit.finished).toBe(0);
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });

  it('rejects an invalid cron expression or time zone with a ConfigError naming the key, before anything runs', async () => {
    const audit = scriptedAudit();
    const signals = new EventEmitter();
    const { logger } = memoryLogger();
    const cron = new ManualCron();

    const badCron = runSchedule({ schedule: scheduleConfig({ cron: '61 * * * *' }), runAudit: audit.run, logger, signals, createCronTask: cron.create });
    await expect(badCron).rejects.toBeInstanceOf(ConfigError);
    await expect(badCron).rejects.toMatchObject({ code: 'CONFIG_INVALID', exitCode: 2, problems: [{ key: 'schedule.cron' }] });

    const badZone = runSchedule({
      schedule: scheduleConfig({ timezone: 'Mars/Olympus_Mons', runOnStart: true }),
      runAudit: audit.run,
      logger,
      signals,
      createCronTask: cron.create,
    });
    await expect(badZone).rejects.toMatchObject({ problems: [{ key: 'schedule.timezone' }] });

    expect(audit.calls).toBe(0);
    expect(cron.created).toBe(0);
    expect(signals.listenerCount('SIGTERM')).toBe(0);
  });
});

describe('runSchedule with node-cron itself (smoke test)', () => {
  it('a seconds-level schedule fires audits on its own, one after another, until SIGTERM', async () => {
    const audit = scriptedAudit();
    const log = memoryLogger();
    const signals = new EventEmitter();
    const done = runSchedule({ schedule: scheduleConfig(), runAudit: audit.run, logger: log.logger, signals });

    await log.logged('scheduled run done', 2);
    signals.emit('SIGTERM');

    expect(await done).toBe(0);
    const triggered = log.messages('audit triggered');
    expect(triggered.length).toBeGreaterThanOrEqual(2);
    expect(triggered.every((line) => line.trigger === 'schedule')).toBe(true);
    // node-cron hands over distinct fire times on whole seconds.
    const firedAt = triggered.map((line) => Date.parse(String(line.firedAt)));
    expect(firedAt[1]! - firedAt[0]!).toBeGreaterThanOrEqual(1_000);
    expect(firedAt[0]! % 1_000).toBe(0);
    expect(audit.maxRunning).toBe(1);
    expect(signals.listenerCount('SIGTERM')).toBe(0);
  });
});
