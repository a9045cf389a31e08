/**
 * Strict parsing of the API's date-times (protobuf JSON timestamps, RFC 3339).
 *
 * `Date.parse` is too lenient to trust with API data: it accepts dates
 * without a time, rolls "2026-02-30" over into March and parses free text in
 * some engines. Here the shape is checked by a regular expression, every
 * component by range, and the calendar date for existence.
 */

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

  // A zero value is only zero when every fractional digit is zero; an epoch
  // plus some nanoseconds is a real (if odd) time.
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
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
