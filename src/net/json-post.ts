import { collectErrorCodes } from '../c1/http.js';
import { realSleep, systemClock, type Clock, type Sleep } from '../clock.js';
import { HygieneError } from '../errors.js';
import type { Logger } from '../logger.js';
import { secretRedactor, type SecretValues } from '../redact.js';
import { USER_AGENT } from '../version.js';
import { createConnectionPool, openExchange, type OpenResponse } from './http-exchange.js';

/**
 * One bounded JSON POST to an alert receiver (Slack, a webhook), with the
 * same policy for both: a timer on each attempt as a whole, retries with
 * backoff after 408, 429, 5xx, a timeout or a network error, `Retry-After`
 * honoured only while it fits the delivery's deadline, redirects never
 * followed, the answer's body read up to a small cap and thrown away.
 *
 * The URL carries the receiver's credential, so nothing here ever names it:
 * errors and logs say which channel (its label), the HTTP status, how many
 * attempts and a transport error code. The cause of a transport error is not
 * attached either, since a library's message may quote the URL.
 */

export interface JsonPostOptions {
  /** The channel, for logs and errors, e.g. "Slack". Never a secret. */
  label: string;
  /** One attempt as a whole: connecting, sending, the status line and the body read. */
  timeoutMs: number;
  /** Retries after the first attempt. */
  maxRetries: number;
  /** The whole delivery, attempts and waits included; nothing waits past it. */
  deadlineMs: number;
  logger: Logger;
  /** Reads "now" for the deadline and HTTP-date `Retry-After`. Default: system clock. */
  clock?: Clock;
  /** Waits between attempts. Default: a real timer. */
  sleep?: Sleep;
  /** Jitter in [0, 1). Default: Math.random. */
  random?: () => number;
  /** First backoff ceiling; doubles with each retry. Default 1 s. */
  retryBaseDelayMs?: number;
  /** Largest backoff ceiling. Default 30 s. */
  retryMaxDelayMs?: number;
  /** How much of an answer's body is read before the rest is dropped. Default 64 KiB. */
  maxResponseBytes?: number;
  /** Values blanked from anything this module logs or throws (the URL's forms, a signing key). */
  secrets?: SecretValues;
}

export interface JsonPost {
  url: URL;
  /** The exact bytes sent (a signature covers them). */
  body: string;
  headers?: Record<string, string>;
  /**
   * A short, safe explanation of a refusal from the receiver's body (Slack
   * answers `no_service`, `invalid_payload`…), or null. Only consulted for
   * a final non-2xx answer.
   */
  explainRefusal?: (body: string) => string | null;
}

export interface JsonPostResult {
  status: number;
  /** 1 = accepted at the first attempt. */
  attempts: number;
}

export interface JsonPoster {
  /** Resolves on a 2xx answer; rejects with an ALERT_DELIVERY_FAILED HygieneError otherwise. */
  post(request: JsonPost): Promise<JsonPostResult>;
  /** Releases the poster's keep-alive connections. Safe to call twice. */
  close(): Promise<void>;
}

/** Statuses worth another attempt: the receiver is busy or broken for now. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** Shortest attempt worth making after a wait. */
const MIN_ATTEMPT_MS = 100;

const DEFAULTS = { retryBaseDelayMs: 1_000, retryMaxDelayMs: 30_000, maxResponseBytes: 64 * 1024 };

type Attempt =
  | { kind: 'answer'; status: number; retryAfter: string | undefined; body: string }
  | { kind: 'timeout' }
  | { kind: 'network'; code: string }
  | { kind: 'tls'; code: string };

export function createJsonPoster(options: JsonPostOptions): JsonPoster {
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const baseDelay = options.retryBaseDelayMs ?? DEFAULTS.retryBaseDelayMs;
  const maxDelay = options.retryMaxDelayMs ?? DEFAULTS.retryMaxDelayMs;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULTS.maxResponseBytes;
  // Redirects are never followed: a 3xx comes back as it is, and it counts as a refusal.
  const pool = createConnectionPool();
  const { label, logger, maxRetries } = options;
  const redact = secretRedactor(options.secrets ?? []);

  async function attempt(post: JsonPost, budgetMs: number): Promise<Attempt> {
    const controller = new AbortController();
    let timedOut = false;
    // One timer for the attempt as a whole, so a receiver that accepts the
    // connection and never answers (or drips its answer) cannot hold the run.
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, budgetMs);
    try {
      const res = await openExchange({
        method: 'POST',
        url: post.url,
        headers: { 'user-agent': USER_AGENT, 'content-type': 'application/json', ...post.headers },
        body: post.body,
        pool,
        signal: controller.signal,
      });
      const retryAfter = res.headers['retry-after'];
      const body = await readCapped(res, maxResponseBytes);
      return { kind: 'answer', status: res.statusCode ?? 0, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, body };
    } catch (err) {
      if (timedOut) return { kind: 'timeout' };
      const codes = collectErrorCodes(err);
      const tls = codes.find((c) => c.startsWith('ERR_TLS_') || c.startsWith('ERR_SSL_') || /CERT|SELF_SIGNED|UNABLE_TO/.test(c));
      if (tls) return { kind: 'tls', code: tls };
      const code = codes.find((c) => /^E[A-Z]+$/.test(c)) ?? codes[0] ?? 'unknown';
      return { kind: 'network', code };
    } finally {
      clearTimeout(timer);
    }
  }

  function backoff(retry: number): number {
    return Math.floor(random() * Math.min(maxDelay, baseDelay * 2 ** (retry - 1)));
  }

  /** The wait a `Retry-After` asks for (seconds or an HTTP date), or null when absent or unreadable. */
  function retryAfterMs(value: string | undefined): number | null {
    const text = value?.trim() ?? '';
    if (/^\d+$/.test(text)) return Number(text) * 1000;
    if (text === '') return null;
    const at = Date.parse(text);
    return Number.isNaN(at) ? null : Math.max(0, at - clock().getTime());
  }

  function fail(message: string, details: Record<string, unknown>): HygieneError {
    return new HygieneError('ALERT_DELIVERY_FAILED', redact(message), { details: { channel: label, ...details } });
  }

  async function post(req: JsonPost): Promise<JsonPostResult> {
    const deadline = clock().getTime() + options.deadlineMs;
    for (let attemptNo = 1; ; attemptNo += 1) {
      const remaining = deadline - clock().getTime();
      const budget = Math.min(options.timeoutMs, remaining);
      const result = await attempt(req, Math.max(1, budget));
      const tries = attemptNo === 1 ? '1 attempt' : `${attemptNo} attempts`;
      if (result.kind === 'answer' && result.status >= 200 && result.status < 300) return { status: result.status, attempts: attemptNo };

      let failure: HygieneError;
      let retryable: boolean;
      let askedDelay: number | null = null;
      if (result.kind === 'answer') {
        const explanation = result.status >= 300 && result.status < 400 ? 'a redirect, which is not followed' : safeExplanation(req, result.body, redact);
        failure = fail(`${label} did not accept the alert: HTTP ${result.status}${explanation ? ` (${explanation})` : ''} after ${tries}`, {
          status: result.status,
          attempts: attemptNo,
        });
        retryable = isRetryableStatus(result.status);
        askedDelay = retryable ? retryAfterMs(result.retryAfter) : null;
      } else if (result.kind === 'timeout') {
        failure = fail(`${label} did not answer within ${budget} ms (${tries})`, { errorCode: 'timeout', timeoutMs: budget, attempts: attemptNo });
        retryable = true;
      } else if (result.kind === 'tls') {
        failure = fail(`TLS connection to ${label} failed (${result.code}): its certificate is not valid or not trusted here`, {
          errorCode: result.code,
          attempts: attemptNo,
        });
        retryable = false;
      } else {
        failure = fail(`could not reach ${label} (${result.code}, ${tries})`, { errorCode: result.code, attempts: attemptNo });
        retryable = true;
      }
      if (!retryable || attemptNo > maxRetries) throw failure;

      const delayMs = askedDelay ?? backoff(attemptNo);
      const left = deadline - clock().getTime();
      // A retry squeezed into the deadline's last moments could not get an answer anyway.
      if (delayMs + Math.min(options.timeoutMs, MIN_ATTEMPT_MS) > left) {
        const why = askedDelay === null ? 'no time is left' : `${label} asked to retry after ${Math.ceil(askedDelay / 1000)} s`;
        throw fail(`${failure.message}; not retried in this run: ${why} within its ${options.deadlineMs} ms deadline`, {
          ...failure.details,
          retryAfterMs: askedDelay,
        });
      }
      logger.warn(
        { channel: label, ...(result.kind === 'answer' ? { status: result.status } : { failure: result.kind }), attempt: attemptNo, maxRetries, delayMs },
        'alert delivery attempt failed; retrying',
      );
      await sleep(delayMs);
    }
  }

  return {
    post,
    close: () => {
      pool.close();
      return Promise.resolve();
    },
  };
}

/** The caller's reading of a refusal body, redacted, one line, short; null when it has none. */
function safeExplanation(req: JsonPost, body: string, redact: (text: string) => string): string | null {
  const explained = req.explainRefusal?.(body) ?? null;
  if (explained === null) return null;
  // eslint-disable-next-line no-control-regex
  const line = redact(explained).replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return line === '' ? null : line.slice(0, 100);
}

/**
 * Reads at most `maxBytes` of a body and drops the rest (destroying the
 * stream), so a receiver cannot make the tool buffer an endless answer. Only
 * the status decides delivery; the body is used for a refusal's explanation.
 */
async function readCapped(body: OpenResponse, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      const room = maxBytes - size;
      chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
      size += Math.min(chunk.length, room);
      if (size >= maxBytes) break;
    }
  } catch {
    // A body cut off after the status line: the status has already said what happened.
  } finally {
    if (!body.destroyed) body.destroy();
  }
  return Buffer.concat(chunks).toString('utf8');
}
