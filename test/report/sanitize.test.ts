import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml, toSafeLine } from '../../src/report/sanitize.js';
import { hostileText } from './hostile-text.js';

/** `toSafeLine` as the regular expressions alone define it: the quick return for plain lines must give exactly this. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g;
function toSafeLineByRegex(value: string, maxLength: number): string {
  const cleaned = value.replace(UNSAFE, ' ').trim();
  if (cleaned.length <= maxLength) return cleaned;
  const codePoints = Array.from(cleaned);
  return codePoints.length <= maxLength ? cleaned : `${codePoints.slice(0, maxLength).join('').trimEnd()}…`;
}

/** Plain printable ASCII, spaces at the ends included: the values the quick return is for, and its edges. */
const asciiLine = fc.string({ unit: fc.integer({ min: 0x1f, max: 0x7f }).map((code) => String.fromCharCode(code)), maxLength: 60 });
/** Whitespace `trim` removes though it is no control character. */
const unicodeSpaces = fc.constantFrom('\u00a0', '\u1680', '\u2000', '\u200a', '\u202f', '\u205f', '\u3000', '\ufeff', ' ');
const edged = fc.tuple(unicodeSpaces, asciiLine, unicodeSpaces).map(([before, middle, after]) => `${before}${middle}${after}`);
const anyText = fc.oneof(asciiLine, edged, hostileText(60), fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 80 }));

describe('toSafeLine', () => {
  it('returns a plain line as it is, and cleans, trims and cuts the others', () => {
    expect(toSafeLine('grafana read-only', 200)).toBe('grafana read-only');
    expect(toSafeLine(' padded ', 200)).toBe('padded');
    expect(toSafeLine('a\r\nb\u202ec', 200)).toBe('a b c');
    expect(toSafeLine('abcdef', 3)).toBe('abc…');
    expect(toSafeLine('', 3)).toBe('');
  });

  it('property: the same line as the regular expressions give, for any text and any length', () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 0, max: 70 }), (value, maxLength) => {
        expect(toSafeLine(value, maxLength)).toBe(toSafeLineByRegex(value, maxLength));
      }),
      { numRuns: 3_000 },
    );
  });

  it('property: a long value is cut to the limit, whatever it is made of', () => {
    fc.assert(
      fc.property(fc.oneof(asciiLine, hostileText(400)), fc.integer({ min: 0, max: 20 }), (value, maxLength) => {
        const line = toSafeLine(value.repeat(30), maxLength);
        expect(line).toBe(toSafeLineByRegex(value.repeat(30), maxLength));
        expect(Array.from(line).length).toBeLessThanOrEqual(maxLength + 1);
      }),
      { numRuns: 500 },
    );
  });
});

describe('escapeHtml', () => {
  const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

  it('property: the five characters that matter are escaped, nothing else changes', () => {
    fc.assert(
      fc.property(anyText, (value) => {
        expect(escapeHtml(value)).toBe(value.split('').map((unit) => ESCAPES[unit] ?? unit).join(''));
      }),
      { numRuns: 2_000 },
    );
  });
});
