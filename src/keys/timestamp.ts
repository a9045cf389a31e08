/**
 * Strict parsing of the API's date-times (protobuf JSON timestamps, RFC 3339).
 *
 * `Date.parse` is too lenient to trust with API data: it accepts dates
 * without a time, rolls "2026-02-30" over into March and parses free text in
 * some engines. Here the shape is checked exactly, every component by range,
 * and the calendar date for existence. Well-formed values (nearly all of
 * them) take a fast path that reads characters by position; anything else is
 * read again with a regular expression to name what is wrong.
 */
import { DAY_MS } from '../clock.js';

/** The result of reading one timestamp field. */
export type TimestampResult =
  | { kind: 'unset' }
  | { kind: 'valid'; date: Date }
  | { kind: 'invalid'; reason: string };

// RFC 3339 `date-time`: `T`/`Z` may be lower case (RFC 3339 §5.6 note). 1–9
// fractional digits are accepted, although C1 sends 0, 3, 6 or 9.
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

const EPOCH_MS = 0;
/** `0001-01-01T00:00:00Z`, protobuf's zero Timestamp as Go marshals it. */
const YEAR_ONE_MS = utcMillis(1, 1, 1, 0, 0, 0, 0);

export function parseTimestamp(value: string | undefined): TimestampResult {
  if (value === undefined || value === '') return { kind: 'unset' };
  const instant = plainInstant(value);
  if (instant === UNSET_INSTANT) return { kind: 'unset' };
  if (!Number.isNaN(instant)) return { kind: 'valid', date: new Date(instant) };
  return parseWithReason(value);
}

/** `plainInstant`'s answer for a zero value (protobuf's zero, the epoch). */
export const UNSET_INSTANT = Number.POSITIVE_INFINITY;

/**
 * The fast path, run for every date of every key: the milliseconds of a
 * well-formed, in-range date-time, `UNSET_INSTANT` for a zero value, or NaN
 * for anything else (then `parseTimestamp` finds out what is wrong). It reads
 * the characters by position instead of running the regular expression and
 * computes the instant arithmetically instead of through a `Date`; both ways
 * give the same answers (a test compares them on generated date-times).
 */
export function plainInstant(value: string): number {
  const length = value.length;
  // YYYY-MM-DDThh:mm:ssZ is the shortest form, then 1–9 fraction digits, then ±hh:mm instead of Z.
  if (length < 20 || length > 35) return Number.NaN;
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  const hour = digits(value, 11, 2);
  const minute = digits(value, 14, 2);
  const second = digits(value, 17, 2);
  const t = value.charCodeAt(10);
  if (
    value.charCodeAt(4) !== DASH ||
    value.charCodeAt(7) !== DASH ||
    (t !== UPPER_T && t !== LOWER_T) ||
    value.charCodeAt(13) !== COLON ||
    value.charCodeAt(16) !== COLON ||
    // Any part that is not digits is NaN, and NaN fails every comparison.
    !(year >= 1 && month >= 1 && month <= 12 && day >= 1 && hour <= 23 && minute <= 59 && second <= 59) ||
    day > daysInMonth(year, month)
  ) {
    return Number.NaN;
  }

  let position = 19;
  let millis = 0;
  let zeroFraction = true;
  if (value.charCodeAt(position) === DOT) {
    position += 1;
    const start = position;
    while (position < length && isDigit(value.charCodeAt(position))) {
      const digit = value.charCodeAt(position) - ZERO;
      // JS dates hold milliseconds: finer digits are truncated (not rounded).
      if (position - start < 3) millis += digit * (position - start === 0 ? 100 : position - start === 1 ? 10 : 1);
      if (digit !== 0) zeroFraction = false;
      position += 1;
    }
    const count = position - start;
    if (count < 1 || count > 9) return Number.NaN;
  }

  let offsetMs = 0;
  const zone = value.charCodeAt(position);
  if (zone === UPPER_Z || zone === LOWER_Z) {
    if (position + 1 !== length) return Number.NaN;
  } else if (zone === PLUS || zone === MINUS) {
    const offsetHours = digits(value, position + 1, 2);
    const offsetMinutes = digits(value, position + 4, 2);
    if (position + 6 !== length || value.charCodeAt(position + 3) !== COLON || !(offsetHours <= 23 && offsetMinutes <= 59)) return Number.NaN;
    // The wall-clock time is offset from UTC: 10:00+02:00 is 08:00Z.
    offsetMs = (zone === PLUS ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  } else {
    return Number.NaN;
  }

  const instant = daysSinceEpoch(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000 + millis + offsetMs;
  // A zero value is only zero when every fractional digit is zero; an epoch
  // plus some nanoseconds is a real (if odd) time.
  if (zeroFraction && (instant === EPOCH_MS || instant === YEAR_ONE_MS)) return UNSET_INSTANT;
  return instant;
}

const ZERO = 0x30;
const DASH = 0x2d;
const COLON = 0x3a;
const DOT = 0x2e;
const PLUS = 0x2b;
const MINUS = 0x2d;
const UPPER_T = 0x54;
const LOWER_T = 0x74;
const UPPER_Z = 0x5a;
const LOWER_Z = 0x7a;

function isDigit(code: number): boolean {
  return code >= ZERO && code <= ZERO + 9;
}

/** The value of `count` ASCII digits at `start`, or NaN when one is not a digit (or is past the end). */
function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i += 1) {
    const code = text.charCodeAt(i);
    if (!isDigit(code)) return Number.NaN;
    value = value * 10 + (code - ZERO);
  }
  return value;
}

/**
 * Days from 1970-01-01 to a date of the proleptic Gregorian calendar (the
 * one `Date` uses), for years from 1 on: Howard Hinnant's `days_from_civil`.
 */
function daysSinceEpoch(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The careful path: the same rules with the regular expression, naming what is wrong. */
function parseWithReason(value: string): TimestampResult {
  const match = RFC3339.exec(value);
  if (!match) return { kind: 'invalid', reason: 'expected YYYY-MM-DDThh:mm:ss[.fraction] with Z or ±hh:mm' };

  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const fraction = match[7] ?? '';
  const offsetSign = match[9];
  const offsetHours = Number(match[10] ?? 0);
  const offsetMinutes = Number(match[11] ?? 0);

  // Year 0 does not exist in protobuf's range (0001–9999).
  if (year < 1) return { kind: 'invalid', reason: 'year out of range' };
  if (month < 1 || month > 12) return { kind: 'invalid', reason: 'month out of range' };
  if (day < 1 || day > daysInMonth(year, month)) return { kind: 'invalid', reason: 'no such calendar date' };
  if (hour > 23) return { kind: 'invalid', reason: 'hour out of range' };
  if (minute > 59) return { kind: 'invalid', reason: 'minute out of range' };
  // Protobuf timestamps never carry leap seconds, so :60 is treated as bad data.
  if (second > 59) return { kind: 'invalid', reason: 'second out of range' };
  if (offsetHours > 23 || offsetMinutes > 59) return { kind: 'invalid', reason: 'time zone offset out of range' };

  // JS dates hold milliseconds: finer digits are truncated (not rounded), so a
  // time is never moved later than the API said.
  const millis = Number(fraction.slice(0, 3).padEnd(3, '0'));
  const offsetMs = (offsetHours * 60 + offsetMinutes) * 60_000;
  const local = utcMillis(year, month, day, hour, minute, second, millis);
  // The wall-clock time is offset from UTC: 10:00+02:00 is 08:00Z.
  const instant = local + (offsetSign === '-' ? offsetMs : offsetSign === '+' ? -offsetMs : 0);

  const allZeroFraction = /^0*$/.test(fraction);
  if (allZeroFraction && (instant === EPOCH_MS || instant === YEAR_ONE_MS)) return { kind: 'unset' };

  return { kind: 'valid', date: new Date(instant) };
}

function utcMillis(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millis: number,
): number {
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  return date.getTime();
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
