/**
 * Times as the HTML page shows them. The page formats a time for every key
 * on the expiry timeline and every row of the tables, so the usual input, a
 * canonical UTC time as the API and the report write it, is cut from its
 * characters; anything else goes through `Date`, which gives the same text
 * for the canonical form.
 */

/**
 * `YYYY-MM-DDTHH:mm:ss[.sss]Z` with every field in range and a day every
 * month has (up to 28): `Date` reads it as exactly the instant it names, so
 * its first 16 characters are those of `toISOString`. `Date.parse` reads more
 * (a 24:00 hour, a day 31 in a 30-day month, a lower-case z, other
 * separators), but may move those to another time: they go the long way.
 */
const CANONICAL_UTC = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{3})?Z$/;

/** `2026-11-26T21:33:16.123Z` → `2026-11-26 21:33 UTC`; what `Date.parse` cannot read is shown as it is. */
export function formatTime(iso: string): string {
  if (CANONICAL_UTC.test(iso)) return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
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
