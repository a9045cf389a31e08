import { realSleep, systemClock, type Clock, type Sleep } from '../clock.js';
import { HygieneError } from '../errors.js';
import type { Logger } from '../logger.js';
import { secretRedactor, type SecretValues } from '../redact.js';
import { toSafeLine } from '../report/sanitize.js';
import { USER_AGENT } from '../version.js';
import { createConnectionPool, openExchange, type OpenResponse, type ResponseHeaders } from '../net/http-exchange.js';

/**
 * The one place the tool talks HTTP to C1: timeouts, retries with backoff,
 * Retry-After, and turning transport failures into HygieneErrors. It knows
 * nothing about tokens or pagination; it never logs headers or bodies, and
 * the one thing it quotes from a response (C1's error `message`) is first
 * cleaned of every secret its owner registered through `secrets`, because a
 * server or proxy may echo the Authorization header or the assertion back.
 */

export interface HttpClientOptions {
  /** Budget for one attempt: connecting, headers and the whole body. */
  timeoutMs: number;
  /** Retries after the first attempt (so `maxRetries + 1` attempts at most). */
  maxRetries: number;
  logger: Logger;
  /** Turns HTTP-date `Retry-After` values into delays. Default: system clock. */
  clock?: Clock;
  /** Waits between attempts. Default: a real timer. */
  sleep?: Sleep;
  /** Source of jitter in [0, 1). Default: Math.random. */
  random?: () => number;
  /** First backoff ceiling; doubles with each retry. Default 500 ms. */
  retryBaseDelayMs?: number;
  /** Largest backoff ceiling. Default 30 s. */
  retryMaxDelayMs?: number;
  /** Longest `Retry-After` honoured; longer ones are cut to this (and logged). Default 60 s. */
  maxRetryAfterMs?: number;
  /** Responses larger than this are refused as bad. Default 16 MiB. */
  maxBodyBytes?: number;
  /**
   * The secret values in play right now (access token, assertion, client
   * secret, key material). Called each time an error quotes a response, so
   * it sees the token or assertion of that very request. Default: none.
   */
  secrets?: () => SecretValues;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: URL;
  headers?: Record<string, string>;
  /**
   * A function is called for every attempt: the token request re-signs its
   * short-lived assertion so long Retry-After waits cannot outlast it.
   */
  body?: string | (() => Promise<string>);
}

export interface HttpResponse {
  status: number;
  headers: ResponseHeaders;
  body: string;
  /** How many attempts it took (1 = no retry). */
  attempts: number;
}

export interface HttpClient {
  /**
   * Sends with retries. Resolves with any HTTP response, including error
   * statuses (a retryable status is returned once retries are used up);
   * rejects with a HygieneError for transport failures: C1_NETWORK,
   * C1_TIMEOUT, C1_TLS, or C1_BAD_RESPONSE for a cut-off or oversized body.
   */
  send(request: HttpRequest): Promise<HttpResponse>;
  /** `statusError` with the registered secrets (and `extra`) removed from C1's message. */
  statusError(response: HttpResponse, request: HttpRequest, extra?: SecretValues): HygieneError;
  /** `c1ErrorMessage` with the registered secrets (and `extra`) removed. */
  c1ErrorMessage(body: string, extra?: SecretValues): string | null;
  /** Releases the client's keep-alive connections. Safe to call more than once. */
  close(): Promise<void>;
}

/** Statuses C1's own SDKs retry. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

const DEFAULTS = {
  retryBaseDelayMs: 500,
  retryMaxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
  maxBodyBytes: 16 * 1024 * 1024,
};

/** Error codes of certificate and handshake problems: retrying cannot fix them. */
const TLS_ERROR_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

type FailureKind = 'timeout' | 'tls' | 'network' | 'truncated' | 'too-large';

interface TransportFailure {
  kind: FailureKind;
  /** The most telling error code found (e.g. ECONNREFUSED), or 'unknown'. */
  code: string;
  cause: unknown;
}

class BodyTooLarge extends Error {}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const baseDelay = options.retryBaseDelayMs ?? DEFAULTS.retryBaseDelayMs;
  const maxDelay = options.retryMaxDelayMs ?? DEFAULTS.retryMaxDelayMs;
  const maxRetryAfter = options.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULTS.maxBodyBytes;
  const pool = createConnectionPool();
  const { logger, timeoutMs, maxRetries } = options;
  const currentSecrets = (extra: SecretValues = []): Array<string | null | undefined> => [...(options.secrets?.() ?? []), ...extra];

  async function attempt(req: HttpRequest): Promise<Omit<HttpResponse, 'attempts'> | TransportFailure> {
    const body = typeof req.body === 'function' ? await req.body() : (req.body ?? null);
    const controller = new AbortController();
    let timedOut = false;
    // One timer for the whole attempt (connecting, headers and body): per-phase
    // timeouts would let a slow-dripping body run far past the budget.
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    let headersReceived = false;
    try {
      const res = await openExchange({
        method: req.method,
        url: req.url,
        headers: { 'user-agent': USER_AGENT, accept: 'application/json', ...req.headers },
        body,
        pool,
        signal: controller.signal,
      });
      headersReceived = true;
      const text = await readText(res, maxBodyBytes);
      return { status: res.statusCode ?? 0, headers: res.headers, body: text };
    } catch (err) {
      return classifyFailure(err, { timedOut, headersReceived });
    } finally {
      clearTimeout(timer);
    }
  }

  function backoff(retry: number): number {
    const ceiling = Math.min(maxDelay, baseDelay * 2 ** (retry - 1));
    return Math.floor(random() * ceiling);
  }

  /** The delay a `Retry-After` header asks for, capped; null when absent or unreadable. */
  function retryAfterDelay(header: string | string[] | undefined, what: string): number | null {
    const value = Array.isArray(header) ? header[0] : header;
    if (value === undefined || value.trim() === '') return null;
    const trimmed = value.trim();
    let delay: number;
    if (/^\d+$/.test(trimmed)) {
      delay = Number(trimmed) * 1000;
    } else {
      const at = Date.parse(trimmed);
      if (Number.isNaN(at)) return null;
      delay = Math.max(0, at - clock().getTime());
    }
    if (delay > maxRetryAfter) {
      logger.warn({ request: what, retryAfterMs: delay, cappedToMs: maxRetryAfter }, 'C1 asked to wait longer than the cap; waiting the cap');
      return maxRetryAfter;
    }
    return delay;
  }

  async function send(req: HttpRequest): Promise<HttpResponse> {
    const what = describeRequest(req);
    for (let attemptNo = 1; ; attemptNo += 1) {
      const result = await attempt(req);
      const canRetry = attemptNo <= maxRetries;
      let delayMs: number;
      if ('status' in result) {
        if (!RETRYABLE_STATUSES.has(result.status) || !canRetry) return { ...result, attempts: attemptNo };
        delayMs = retryAfterDelay(result.headers['retry-after'], what) ?? backoff(attemptNo);
        logger.warn({ request: what, status: result.status, attempt: attemptNo, maxRetries, delayMs }, 'C1 request failed; retrying');
      } else {
        if (!isRetryable(result.kind) || !canRetry) throw failureError(result, req, attemptNo, timeoutMs);
        delayMs = backoff(attemptNo);
        logger.warn({ request: what, error: result.code, failure: result.kind, attempt: attemptNo, maxRetries, delayMs }, 'C1 request failed; retrying');
      }
      await sleep(delayMs);
    }
  }

  return {
    send,
    statusError: (response, request, extra) => statusError(response, request, currentSecrets(extra)),
    c1ErrorMessage: (body, extra) => c1ErrorMessage(body, currentSecrets(extra)),
    // Idempotent: the audit closes its client in a finally block that may run after an earlier close.
    close: () => {
      pool.close();
      return Promise.resolve();
    },
  };
}

/** `GET /api/v1/iam/personal_clients`: method and path only, never the query or headers. */
export function describeRequest(req: HttpRequest): string {
  return `${req.method} ${req.url.pathname}`;
}

function isRetryable(kind: FailureKind): boolean {
  return kind === 'timeout' || kind === 'network' || kind === 'truncated';
}

async function readText(body: OpenResponse, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      throw new BodyTooLarge(`response body exceeds ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function classifyFailure(err: unknown, state: { timedOut: boolean; headersReceived: boolean }): TransportFailure {
  const codes = collectErrorCodes(err);
  if (state.timedOut) return { kind: 'timeout', code: 'timeout', cause: err };
  if (err instanceof BodyTooLarge) return { kind: 'too-large', code: 'body-too-large', cause: err };
  const tlsCode = codes.find((c) => TLS_ERROR_CODES.has(c) || c.startsWith('ERR_TLS_') || c.startsWith('ERR_SSL_'));
  if (tlsCode) return { kind: 'tls', code: tlsCode, cause: err };
  const code = codes.find((c) => /^E[A-Z]+$/.test(c)) ?? codes[0] ?? 'unknown';
  return { kind: state.headersReceived ? 'truncated' : 'network', code, cause: err };
}

/** Error codes on the error, its causes and (for happy-eyeballs connects) the errors it aggregates. */
export function collectErrorCodes(err: unknown, depth = 0): string[] {
  if (typeof err !== 'object' || err === null || depth > 5) return [];
  const codes: string[] = [];
  const { code, cause, errors } = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string') codes.push(code);
  if (Array.isArray(errors)) for (const inner of errors) codes.push(...collectErrorCodes(inner, depth + 1));
  codes.push(...collectErrorCodes(cause, depth + 1));
  return codes;
}

function failureError(failure: TransportFailure, req: HttpRequest, attempts: number, timeoutMs: number): HygieneError {
  const what = describeRequest(req);
  const host = req.url.host;
  const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
  const details = { request: what, host, errorCode: failure.code, attempts };
  switch (failure.kind) {
    case 'timeout':
      return new HygieneError('C1_TIMEOUT', `C1 at ${host} did not answer ${what} within ${timeoutMs} ms (${tries})`, {
        cause: failure.cause,
        details: { ...details, timeoutMs },
      });
    case 'tls':
      return new HygieneError(
        'C1_TLS',
        `TLS connection to C1 at ${host} failed (${failure.code}): its certificate is not valid or not trusted here`,
        { cause: failure.cause, details },
      );
    case 'network':
      return new HygieneError('C1_NETWORK', `could not reach C1 at ${host} for ${what} (${failure.code}, ${tries})`, {
        cause: failure.cause,
        details,
      });
    case 'truncated':
      return new HygieneError('C1_BAD_RESPONSE', `C1's response to ${what} was cut off before its end (${failure.code}, ${tries})`, {
        cause: failure.cause,
        details,
      });
    case 'too-large':
      return new HygieneError(
        'C1_BAD_RESPONSE',
        `C1's response to ${what} is too large (${(failure.cause as Error).message}, the limit c1.maxResponseBytes); raise c1.maxResponseBytes if that is expected`,
        { details: { ...details, limit: 'c1.maxResponseBytes' } },
      );
  }
}

const MAX_C1_MESSAGE_CHARS = 200;

/**
 * The `message` of a C1 JSON error body (`{"code":…,"message":…}`), made safe
 * to print: every one of `secrets` (values the caller sent or holds and must
 * not see echoed, in their encoded forms too) replaced, then control
 * characters removed and the length capped. Secrets go first, so the cap
 * cannot cut one in half and leave a prefix that no longer matches.
 */
export function c1ErrorMessage(body: string, secrets: SecretValues): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const message = (parsed as { message?: unknown }).message;
  if (typeof message !== 'string' || message.trim() === '') return null;
  // Like every other untrusted text: C0/C1 controls, line separators and bidi overrides become spaces.
  return toSafeLine(secretRedactor(secrets)(message), MAX_C1_MESSAGE_CHARS);
}

/**
 * The error for a final non-2xx response of an API call. 401 is not handled
 * here: whether it means "refresh the token" or "give up" is the caller's call.
 * `secrets` are removed from C1's quoted message (see `c1ErrorMessage`).
 */
export function statusError(response: HttpResponse, req: HttpRequest, secrets: SecretValues): HygieneError {
  const what = describeRequest(req);
  const c1Message = c1ErrorMessage(response.body, secrets);
  const suffix = c1Message ? `: ${c1Message}` : '';
  const details = { request: what, status: response.status, attempts: response.attempts, c1Message };
  switch (response.status) {
    case 401:
      return new HygieneError('C1_AUTH_FAILED', `C1 refused the credentials for ${what} (HTTP 401${suffix})`, { details });
    case 403:
      return new HygieneError(
        'C1_FORBIDDEN',
        `C1 denied ${what} (HTTP 403${suffix}): the API key lacks permission for it; check the key's scoped roles`,
        { details },
      );
    case 404:
      return new HygieneError('C1_NOT_FOUND', `C1 has no ${what} (HTTP 404${suffix}); check C1_API_URL`, { details });
    default: {
      const tries = response.attempts > 1 ? ` after ${response.attempts} attempts` : '';
      return new HygieneError('C1_HTTP_ERROR', `C1 answered HTTP ${response.status} to ${what}${tries}${suffix}`, { details });
    }
  }
}

/** Parses a response body as JSON, or fails with C1_BAD_RESPONSE naming the request. */
export function parseJsonBody(response: HttpResponse, req: HttpRequest): unknown {
  try {
    return JSON.parse(response.body);
  } catch {
    const what = describeRequest(req);
    return failBadResponse(`C1's response to ${what} is not valid JSON (HTTP ${response.status}, ${response.body.length} characters)`, what);
  }
}

function failBadResponse(message: string, what: string): never {
  throw new HygieneError('C1_BAD_RESPONSE', message, { details: { request: what } });
}
