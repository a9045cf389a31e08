import type { AppConfig } from '../config/types.js';
import { cronProblem, timezoneProblem } from '../config/checks.js';
import { ConfigError, type ConfigProblem } from '../errors.js';

/**
 * Second line of defence behind config loading: `runSchedule` may be called
 * by library users with a hand-made config, and a bad expression must stop
 * the scheduler at start (exit 2), not at the first tick.
 */
export function assertValidSchedule(schedule: AppConfig['schedule']): void {
  const problems: ConfigProblem[] = [];
  const cron = cronProblem(schedule.cron);
  if (cron) problems.push({ key: 'schedule.cron', message: cron });
  const timezone = timezoneProblem(schedule.timezone);
  if (timezone) problems.push({ key: 'schedule.timezone', message: timezone });
  if (!Number.isFinite(schedule.shutdownGraceSeconds) || schedule.shutdownGraceSeconds < 0) {
    problems.push({ key: 'schedule.shutdownGraceSeconds', message: 'must be a number of seconds, 0 or more' });
  }
  const port = schedule.healthPort;
  if (port !== null && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
    problems.push({ key: 'schedule.healthPort', message: 'must be a TCP port (0-65535) or null to turn the listener off' });
  }
  if (problems.length > 0) throw new ConfigError(problems);
}
