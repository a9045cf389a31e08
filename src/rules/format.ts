/**
 * Wording shared by rule messages, so every finding reads the same way:
 * dates in UTC, durations in whole units rounded down (a key unused for 90
 * days and 20 hours was unused for "90 days"). Under a week the hours are
 * kept too: "1 day" for a key that expires in 47 hours would understate it.
 */

import { DAY_MS } from '../clock.js';
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** `2026-11-28 10:00 UTC` */
export function formatDateTime(date: Date): string {
  return dateTimeOfIso(date.toISOString());
}

/** `2026-07-29` */
export function formatDate(date: Date): string {
  return dateOfIso(date.toISOString());
}

/** `formatDateTime` of a date already written by `toISOString` (rules write it for the evidence too). */
export function dateTimeOfIso(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** `formatDate` of a date already written by `toISOString`. */
export function dateOfIso(iso: string): string {
  return iso.slice(0, 10);
}

/** Whole days in a span, rounded down; used for evidence numbers. */
export function wholeDays(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** `12 days`, `1 day 23 hours`, `5 hours`, `1 minute`, `less than a minute` (for a non-negative span). */
export function formatDuration(ms: number): string {
  if (ms >= 7 * DAY_MS) return plural(Math.floor(ms / DAY_MS), 'day');
  if (ms >= DAY_MS) {
    const days = plural(Math.floor(ms / DAY_MS), 'day');
    const hours = Math.floor((ms % DAY_MS) / HOUR_MS);
    return hours === 0 ? days : `${days} ${plural(hours, 'hour')}`;
  }
  if (ms >= HOUR_MS) return plural(Math.floor(ms / HOUR_MS), 'hour');
  if (ms >= MINUTE_MS) return plural(Math.floor(ms / MINUTE_MS), 'minute');
  return 'less than a minute';
}

export function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** JSON quoting keeps API text (which may hold anything) on one readable line. */
export function quote(value: string, maxLength = 64): string {
  return JSON.stringify(value.length > maxLength ? `${value.slice(0, maxLength)}…` : value);
}
