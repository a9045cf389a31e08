import { createRequire } from 'node:module';
import type { CronFieldError, validateDetailed } from 'node-cron';
import { isLoopbackHost } from '../net/loopback.js';

/**
 * Checks of single configuration values. Each returns a sentence saying what
 * is wrong (to be shown after the key that holds the value) or null when the
 * value is fine. They are shared by the JSON-file schema and the environment
 * overlay, so a value is judged the same wherever it came from.
 */

const QUOTE_LIMIT = 80;

/** Quotes a user-supplied, non-secret value for a message, bounded in length. */
export function quote(value: string): string {
  return JSON.stringify(value.length > QUOTE_LIMIT ? `${value.slice(0, QUOTE_LIMIT)}…` : value);
}

/**
 * node-cron, loaded on the first expression to check: most runs (an audit
 * without `schedule.cron` set) never need it. Its CommonJS build, so the
 * check can stay synchronous inside the config schema.
 */
let cronValidator: typeof validateDetailed | undefined;
function validateCron(expression: string): ReturnType<typeof validateDetailed> {
  cronValidator ??= (createRequire(import.meta.url)('node-cron') as { validateDetailed: typeof validateDetailed }).validateDetailed;
  return cronValidator(expression);
}

/** Each field of a cron expression as users know it, with the values it takes. */
const CRON_FIELDS: Record<string, { name: string; min: number; max: number; allowed: string }> = {
  second: { name: 'second', min: 0, max: 59, allowed: '0-59' },
  minute: { name: 'minute', min: 0, max: 59, allowed: '0-59' },
  hour: { name: 'hour', min: 0, max: 23, allowed: '0-23' },
  dayOfMonth: { name: 'day-of-month', min: 1, max: 31, allowed: '1-31' },
  month: { name: 'month', min: 1, max: 12, allowed: '1-12 or jan-dec' },
  dayOfWeek: { name: 'day-of-week', min: 0, max: 7, allowed: '0-7 or sun-sat (0 and 7 are Sunday)' },
};

const CRON_SHAPE = 'A cron expression has 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first; e.g. "0 7 * * *"';

/**
 * 5 fields (minute first) or 6 (second first), as node-cron runs them. The
 * answer is our own sentence naming the field that is wrong and the values
 * it takes; node-cron decides what is valid.
 */
export function cronProblem(expression: string): string | null {
  const result = validateCron(expression);
  if (result.valid) return null;
  const fields = expression.trim().split(/\s+/);
  const reasons = result.errors.map((error) => cronFieldReason(error, fields));
  return `is not a valid cron expression ${quote(expression)}: ${reasons.join('; ')}. ${CRON_SHAPE}`;
}

function cronFieldReason(error: CronFieldError, fields: string[]): string {
  const field = CRON_FIELDS[error.field];
  const text = error.value ?? '';
  if (field === undefined) {
    if (error.field !== 'expression') return `the ${error.field} field ${quote(text)} is not valid`;
    // The expression as a whole: the wrong number of fields, or characters no field can hold.
    if (text.trim() === '') return 'it is empty';
    if (fields.length < 5 || fields.length > 6) return `expected 5 or 6 fields but got ${fields.length}`;
    return 'it holds characters no cron field can (digits, letters for names, * , - / only)';
  }
  const value = quote(text);
  if (error.field === 'dayOfMonth' && /impossible/.test(error.message)) {
    const month = fields[fields.length - 2] ?? '*';
    return `the day-of-month field ${value} never occurs in the month field ${quote(month)}, so it would never run`;
  }
  if (/^\d+$/.test(text)) {
    const number = Number(text);
    if (number < field.min || number > field.max) return `the ${field.name} field is ${text}, outside ${field.allowed}`;
  }
  return `the ${field.name} field ${value} is not valid: use ${field.allowed}, *, a range such as 1-5, a step such as */15, or a list such as 1,15`;
}

/** An IANA time zone name the runtime knows, e.g. `UTC` or `Europe/Berlin`. */
export function timezoneProblem(timezone: string): string | null {
  if (timezone.trim() === '') return 'must not be empty (an IANA time zone such as "UTC" or "Europe/Berlin")';
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: timezone });
    return null;
  } catch {
    return `is not a known time zone ${quote(timezone)} (use an IANA name such as "UTC" or "Europe/Berlin")`;
  }
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function logLevelProblem(level: string): string | null {
  return (LOG_LEVELS as readonly string[]).includes(level)
    ? null
    : `is not a log level ${quote(level)} (known: ${LOG_LEVELS.join(', ')})`;
}

export type ApiUrlResult = { ok: true; url: string } | { ok: false; problem: string };

/**
 * Validates a C1 base URL and returns it without a trailing slash. Plain HTTP
 * is refused off the loopback interface: the bearer token travels in every
 * request.
 */
export function normalizeApiUrl(raw: string): ApiUrlResult {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, problem: 'is not a valid URL (expected e.g. https://acme.conductor.one)' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, problem: `must use https:// (found ${url.protocol}//)` };
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return {
      ok: false,
      problem: `must use https://; http:// is accepted only for loopback hosts (localhost, 127.0.0.0/8, ::1), not ${quote(url.hostname)}`,
    };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, problem: 'must not contain a user name or password (credentials go in C1_CLIENT_ID / C1_CLIENT_SECRET)' };
  }
  if (url.search !== '' || url.hash !== '') {
    return { ok: false, problem: 'must be a base URL without a query or fragment' };
  }
  return { ok: true, url: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}

export function apiUrlProblem(raw: string): string | null {
  const result = normalizeApiUrl(raw);
  return result.ok ? null : result.problem;
}

/**
 * SMTP_URL may carry a password, so the answer is a fixed sentence that never
 * quotes the value.
 */
export function smtpUrlProblem(raw: string): string | null {
  const invalid = 'is not a valid smtp:// or smtps:// URL (e.g. smtp://user:pass@mail.example.com:587)';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return invalid;
  }
  if ((url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || url.hostname === '') return invalid;
  return null;
}

// Deliberately loose: the SMTP server is the judge of real addresses. This
// only catches typos and anything that could smuggle extra headers or
// recipients (CR/LF, commas, angle brackets, quotes, white space).
const BARE_ADDRESS = /^[^\s@,;<>"()[\]\\]+@[^\s@,;<>"()[\]\\]+$/;
const DISPLAY_NAME_FORM = /^([^\r\n<>",;]*)<([^<>]*)>$/;

export function emailAddressProblem(address: string, options: { allowDisplayName?: boolean } = {}): string | null {
  if (/[\r\n]/.test(address)) return 'must not contain line breaks';
  if (address.includes(',')) return 'must hold one address (no commas)';
  if (BARE_ADDRESS.test(address)) return null;
  if (options.allowDisplayName) {
    const match = DISPLAY_NAME_FORM.exec(address);
    if (match?.[2] !== undefined && BARE_ADDRESS.test(match[2].trim())) return null;
    return `is not an email address ${quote(address)} (expected name@domain or Display Name <name@domain>)`;
  }
  return `is not an email address ${quote(address)} (expected name@domain)`;
}

const BARE_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A suppression's end: an RFC 3339 date-time, or a bare date meaning midnight
 * UTC at the start of that day. The schema has already checked the format.
 */
export function parseSuppressionExpiry(value: string): Date {
  return new Date(BARE_DATE.test(value) ? `${value}T00:00:00Z` : value);
}

/**
 * A Slack or webhook URL carries its credential (Slack's token is its path),
 * so, like SMTP_URL, every answer is a fixed sentence that never quotes the
 * value, not even its host. HTTPS only, except `http://` to a loopback host
 * (a local relay, tests); no user name or password (sign with WEBHOOK_SECRET
 * instead); no fragment, which would never be sent.
 */
export function channelUrlProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a valid URL (expected https://…)';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an https:// URL';
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return 'must use https://; http:// is accepted only for loopback hosts (localhost, 127.0.0.0/8, ::1)';
  }
  if (url.username !== '' || url.password !== '') return 'must not contain a user name or password';
  if (url.hash !== '') return 'must not contain a #fragment (it is never sent)';
  return null;
}
