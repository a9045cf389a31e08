import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDay, formatTime, inDays } from '../../src/report/render/html-time.js';
import { hostileText } from './hostile-text.js';

/** The page's time formatting as it was, all through `Date`: what the quick reading of canonical times must equal. */
function formatTimeByDate(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const digit = fc.integer({ min: 0, max: 9 }).map(String);
const digits = (count: number): fc.Arbitrary<string> => fc.array(digit, { minLength: count, maxLength: count }).map((list) => list.join(''));
/** Any two digits, but mostly the edges where calendars and clocks roll over. */
const field = (edges: string[]): fc.Arbitrary<string> => fc.oneof(fc.constantFrom(...edges), digits(2));

/** Strings shaped like a canonical UTC time, with every field anywhere from valid to impossible, and near misses of the shape. */
const canonicalLike: fc.Arbitrary<string> = fc
  .record({
    year: fc.oneof(fc.constantFrom('0000', '0001', '0099', '0100', '1600', '1900', '1970', '2000', '2024', '2026', '2100', '9999'), digits(4)),
    month: field(['00', '01', '02', '04', '06', '09', '11', '12', '13']),
    day: field(['00', '01', '28', '29', '30', '31', '32']),
    hour: field(['00', '23', '24']),
    minute: field(['00', '59', '60']),
    second: field(['00', '59', '60']),
    fraction: fc.constantFrom('', '.000', '.999', '.5', '.12', '.1234', '.', '.00a'),
    end: fc.constantFrom('Z', 'Z', 'Z', 'z', '+00:00', '', 'Z '),
    separator: fc.constantFrom('T', 'T', 'T', ' ', 't'),
  })
  .map(({ year, month, day, hour, minute, second, fraction, end, separator }) => `${year}-${month}-${day}${separator}${hour}:${minute}:${second}${fraction}${end}`);

/** Any instant a `Date` can hold, as `toISOString` writes it (six-digit and negative years included). */
const isoOfAnyDate = fc.date({ noInvalidDate: true }).map((date) => date.toISOString());

const anyTimeText = fc.oneof(canonicalLike, isoOfAnyDate, hostileText(30), fc.string({ unit: 'binary', maxLength: 30 }));

describe('the HTML page\'s times', () => {
  it('formats a canonical UTC time to the minute', () => {
    expect(formatTime('2026-11-26T21:33:16.123Z')).toBe('2026-11-26 21:33 UTC');
    expect(formatTime('2024-02-29T00:00:00Z')).toBe('2024-02-29 00:00 UTC');
  });

  it('moves what Date moves, and shows what it cannot read as it is', () => {
    expect(formatTime('2026-02-30T10:00:00.000Z')).toBe('2026-03-02 10:00 UTC');
    expect(formatTime('2026-01-01T24:00:00.000Z')).toBe('2026-01-02 00:00 UTC');
    expect(formatTime('2026-01-01T23:59:60.000Z')).toBe('2026-01-01T23:59:60.000Z');
    expect(formatTime('<b>soon</b>')).toBe('<b>soon</b>');
  });

  it('property: every text is formatted exactly as through Date', () => {
    fc.assert(
      fc.property(anyTimeText, (text) => {
        expect(formatTime(text)).toBe(formatTimeByDate(text));
      }),
      { numRuns: 2_000 },
    );
  });

  it('every day of four centuries, leap days included, at a few times of day', () => {
    let checked = 0;
    const wrong: string[] = [];
    for (let time = Date.UTC(1900, 0, 1); time < Date.UTC(2300, 0, 1); time += 86_400_000) {
      const iso = new Date(time + ((checked * 7_919_123) % 86_400_000)).toISOString();
      if (formatTime(iso) !== formatTimeByDate(iso)) wrong.push(iso);
      checked += 1;
    }
    expect(checked).toBe(146_097);
    expect(wrong).toEqual([]);
  });

  it('names days and counts days left', () => {
    expect(formatDay(Date.UTC(2026, 10, 26, 23, 59))).toBe('Nov 26');
    expect(inDays(0.5)).toBe('within a day');
    expect(inDays(1.9)).toBe('in 1 day');
    expect(inDays(12)).toBe('in 12 days');
  });
});
