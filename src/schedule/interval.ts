import { DAY_MS } from '../clock.js';
/** Look a little over a week ahead so weekday-only schedules see their weekend gap. */
const LOOKAHEAD_MS = 8 * DAY_MS;
const MAX_SAMPLES = 400;

/** The part of a node-cron task this needs (its `getNextRuns`). */
export interface FireTimes {
  getNextRuns(count: number): Date[];
}

/**
 * The schedule's interval, for deciding when health goes stale: the longest
 * gap between consecutive fire times over roughly the next eight days (at
 * most 400 fire times). For a regular schedule (`0 7 * * *`) that is simply
 * the period; taking the longest gap keeps an irregular one (`0 7 * * 1-5`)
 * from turning unhealthy every weekend.
 */
export function scheduleIntervalMs(task: FireTimes): number {
  const [first, second] = task.getNextRuns(2);
  if (!first || !second) throw new Error('the cron expression has fewer than two upcoming fire times');
  const firstGap = second.getTime() - first.getTime();
  const samples = Math.min(MAX_SAMPLES, Math.max(2, Math.ceil(LOOKAHEAD_MS / firstGap) + 1));
  const runs = samples === 2 ? [first, second] : task.getNextRuns(samples);
  let longest = firstGap;
  for (let i = 1; i < runs.length; i++) {
    const gap = runs[i]!.getTime() - runs[i - 1]!.getTime();
    if (gap > longest) longest = gap;
  }
  return longest;
}
