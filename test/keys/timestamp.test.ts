import { describe, expect, it } from 'vitest';
import { parseTimestamp } from '../../src/keys/timestamp.js';

describe('parseTimestamp', () => {
  it.each([
    ['2026-11-26T10:00:00Z', '2026-11-26T10:00:00.000Z'],
    ['2026-11-26T10:00:00.123Z', '2026-11-26T10:00:00.123Z'],
    ['2026-11-26T10:00:00.123456Z', '2026-11-26T10:00:00.123Z'],
    // Sub-millisecond digits are truncated, never rounded up.
    ['2026-11-26T10:00:00.999999999Z', '2026-11-26T10:00:00.999Z'],
    ['2026-11-26T10:00:00.5Z', '2026-11-26T10:00:00.500Z'],
    ['2026-11-26T10:00:00.12Z', '2026-11-26T10:00:00.120Z'],
    ['2026-11-26t10:00:00z', '2026-11-26T10:00:00.000Z'],
    ['2026-11-26T12:30:00+02:30', '2026-11-26T10:00:00.000Z'],
    ['2026-11-26T05:00:00-05:00', '2026-11-26T10:00:00.000Z'],
    ['2026-11-26T10:00:00+00:00', '2026-11-26T10:00:00.000Z'],
    ['2026-11-27T00:30:00.000+14:30', '2026-11-26T10:00:00.000Z'],
    ['2028-02-29T00:00:00Z', '2028-02-29T00:00:00.000Z'],
    ['2000-02-29T00:00:00Z', '2000-02-29T00:00:00.000Z'],
    // Year 1 but not the zero value: a real time, and Date.UTC's 19xx mapping must not apply.
    ['0001-01-01T00:00:01Z', '0001-01-01T00:00:01.000Z'],
    ['0050-06-01T00:00:00Z', '0050-06-01T00:00:00.000Z'],
    // The epoch plus a nanosecond is not the epoch.
    ['1970-01-01T00:00:00.000000001Z', '1970-01-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59.999999999Z', '9999-12-31T23:59:59.999Z'],
  ])('reads %s as %s', (input, iso) => {
    const result = parseTimestamp(input);
    expect(result.kind).toBe('valid');
    if (result.kind === 'valid') expect(result.date.toISOString()).toBe(iso);
  });

  it.each([
    [undefined],
    [''],
    ['0001-01-01T00:00:00Z'],
    ['0001-01-01T00:00:00.000Z'],
    ['0001-01-01T00:00:00.000000000Z'],
    ['1970-01-01T00:00:00Z'],
    ['1970-01-01T00:00:00.000000Z'],
    ['1970-01-01T02:00:00+02:00'],
  ])('treats %s as unset', (input) => {
    expect(parseTimestamp(input)).toEqual({ kind: 'unset' });
  });

  it.each([
    ['2026-13-45T00:00:00Z', 'month out of range'],
    ['2026-02-29T00:00:00Z', 'no such calendar date'],
    ['1900-02-29T00:00:00Z', 'no such calendar date'],
    ['2026-04-31T00:00:00Z', 'no such calendar date'],
    ['2026-11-00T00:00:00Z', 'no such calendar date'],
    ['2026-11-26T24:00:00Z', 'hour out of range'],
    ['2026-11-26T10:60:00Z', 'minute out of range'],
    ['2026-12-31T23:59:60Z', 'second out of range'],
    ['2026-11-26T10:00:00+24:00', 'time zone offset out of range'],
    ['0000-01-01T00:00:00Z', 'year out of range'],
    ['yesterday', 'expected'],
    ['2026-11-26', 'expected'],
    ['2026-11-26 10:00:00Z', 'expected'],
    ['2026-11-26T10:00Z', 'expected'],
    ['2026-11-26T10:00:00', 'expected'],
    ['2026-11-26T10:00:00.Z', 'expected'],
    ['2026-11-26T10:00:00.1234567890Z', 'expected'],
    ['2026-11-26T10:00:00+0200', 'expected'],
    [' 2026-11-26T10:00:00Z', 'expected'],
    ['1764151200', 'expected'],
    ['+002026-11-26T10:00:00Z', 'expected'],
  ])('rejects %s (%s)', (input, reason) => {
    const result = parseTimestamp(input);
    expect(result.kind).toBe('invalid');
    if (result.kind === 'invalid') expect(result.reason).toContain(reason);
  });
});
