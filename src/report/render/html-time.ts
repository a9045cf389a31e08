import { DAY_MS } from '../../clock.js';

/**
 * Times as the HTML page shows them. The page formats a time for every key
 * on the expiry timeline and every row of the tables, so the usual input, a
 * canonical UTC time as the API and the report write it, is read straight
 * from its characters; anything else goes through `Date`, which gives the
 * same text for the canonical form.
 */

/** `2026-11-26T21:33:16.123Z` → `2026-11-26 21:33 UTC`; what `Date.parse` cannot read is shown as it is. */
export function formatTime(iso: string): string {
  if (!Number.isNaN(canonicalUtcTime(iso))) return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A time as `Nov 26` (UTC). */
export function formatDay(time: number): string {
  const date = new Date(time);
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}`;
}

/** `in 3 days`, or `within a day` under one day. */
export function inDays(days: number): string {
  if (days < 1) return 'within a day';
  const whole = Math.floor(days);
  return `in ${whole} day${whole === 1 ? '' : 's'}`;
}

/** What `Date.parse` makes of `text`, read straight from the characters when it is a canonical UTC time. */
export function parseTime(text: string): number {
  const time = canonicalUtcTime(text);
  return Number.isNaN(time) ? Date.parse(text) : time;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * The time named by `YYYY-MM-DDTHH:mm:ssZ` or `YYYY-MM-DDTHH:mm:ss.sssZ` (a
 * real instant: month 01–12, a day the month has, hour 00–23, minute and
 * second 00–59), in milliseconds since the epoch; NaN for any other text.
 * These are exactly the strings `toISOString` gives back with the same first
 * 16 characters. `Date.parse` reads more (a 24:00 hour, a day 31 in a 30-day
 * month, a lower-case z, other separators) but moves those to another time.
 */
function canonicalUtcTime(text: string): number {
  const length = text.length;
  let millisecond = 0;
  if (length === 24) {
    if (text.charCodeAt(19) !== 0x2e) return NaN;
    millisecond = digitsAt(text, 20, 3);
  } else if (length !== 20) {
    return NaN;
  }
  if (text.charCodeAt(length - 1) !== 0x5a) return NaN;
  if (text.charCodeAt(4) !== 0x2d || text.charCodeAt(7) !== 0x2d || text.charCodeAt(10) !== 0x54) return NaN;
  if (text.charCodeAt(13) !== 0x3a || text.charCodeAt(16) !== 0x3a) return NaN;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (millisecond < 0 || year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return NaN;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!)) return NaN;
  return daysFromCivil(year, month, day) * DAY_MS + hour * HOUR_MS + minute * MINUTE_MS + second * 1000 + millisecond;
}

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The number written by `count` ASCII digits from `at`, or -1 when one of them is not a digit. */
function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let index = at; index < at + count; index += 1) {
    const digit = text.charCodeAt(index) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}
