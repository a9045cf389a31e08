import { createTask, type Logger as CronLogger } from 'node-cron';

/** What `runSchedule` needs from a cron scheduler: ticks on the expression, and when the next ones fall. */
export interface CronTask {
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
  destroy(): void | Promise<void>;
  getNextRun(): Date | null;
  getNextRuns(count: number): Date[];
}

export interface CronTaskOptions {
  timezone: string;
  name: string;
  logger: CronLogger;
}

/**
 * Makes the task that calls `onTick` with each fire time. The service always
 * uses node-cron (`nodeCronTask`); the seam exists so tests can fire ticks by
 * hand instead of waiting for the clock.
 */
export type CreateCronTask = (expression: string, onTick: (firedAt: Date) => void, options: CronTaskOptions) => CronTask;

export const nodeCronTask: CreateCronTask = (expression, onTick, options) => createTask(expression, (context) => onTick(context.date), options);
