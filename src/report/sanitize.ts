/**
 * Text hygiene for values that came from the C1 API (display names, client
 * IDs, messages built from them) before they reach a terminal, a mail header
 * or an HTML body. Everything from the API is untrusted.
 */

/**
 * Characters that can move a cursor, end a line, or reorder what a reader
 * sees: C0 and C1 controls, DEL, Unicode line/paragraph separators, and bidi
 * embedding/override/isolate marks ("Trojan Source" style reordering).
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g;

/** Default cap for one value in a summary line or an email. */
export const DEFAULT_MAX_LENGTH = 200;

/**
 * One safe line: every run of unsafe characters becomes a single space (so a
 * CR/LF cannot start a new line or header), surrounding whitespace trimmed,
 * and at most `maxLength` characters followed by "…" when cut. Counts code
 * points, so a surrogate pair is never split.
 */
export function toSafeLine(value: string, maxLength: number = DEFAULT_MAX_LENGTH): string {
  const cleaned = value.replace(UNSAFE_CHARS, ' ').trim();
  return truncate(cleaned, maxLength);
}

export function truncate(value: string, maxLength: number): string {
  // Never more code points than UTF-16 units: a short value needs no counting (the common case, for every cell of a report).
  if (value.length <= maxLength) return value;
  const codePoints = Array.from(value);
  if (codePoints.length <= maxLength) return value;
  return `${codePoints.slice(0, maxLength).join('').trimEnd()}…`;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes the five characters that matter in HTML text and attribute values. */
export function escapeHtml(value: string): string {
  return NEEDS_ESCAPE.test(value) ? value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char) : value;
}

/** Not global: `test` on a global regex would carry `lastIndex` from one call to the next. */
const NEEDS_ESCAPE = /[&<>"']/;
