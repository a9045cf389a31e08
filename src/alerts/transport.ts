import { Transform } from 'node:stream';
import { createRequire } from 'node:module';
import type { createTransport as CreateTransport } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { realSleep, type Sleep } from '../clock.js';
import type { AppConfig } from '../config/types.js';
import { ConfigError, HygieneError } from '../errors.js';
import type { Logger } from '../logger.js';
import { secretRedactor } from '../redact.js';
import { isLoopbackHost } from '../net/loopback.js';
import type { MailMessage } from './types.js';

export type EmailConfig = AppConfig['alerts']['email'];

export interface SendResult {
  messageId: string;
  /** Every recipient; a send only succeeds when the server accepted all of them. */
  accepted: string[];
}

export interface Mailer {
  /** Where mail goes, `host:port` (no credentials); for logs and messages. */
  readonly endpoint: string;
  /** Resolves only when the SMTP server accepted the message for EVERY recipient; else ALERT_DELIVERY_FAILED. */
  send(message: MailMessage): Promise<SendResult>;
  close(): void;
}

export interface MailerOptions {
  /** Waits between attempts; injectable so tests need not wait. */
  sleep?: Sleep;
  /** Wait before the first retry; doubles for each further one (default 1000 ms). */
  retryBaseDelayMs?: number;
}

/** nodemailer (CommonJS), loaded only when email is configured: an audit without it never pays for it. */
function loadNodemailer(): { createTransport: typeof CreateTransport } {
  return createRequire(import.meta.url)('nodemailer') as { createTransport: typeof CreateTransport };
}

const SMTP_ERROR_CODES_WORTH_RETRYING = new Set(['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS']);

/**
 * An SMTP mailer built from `SMTP_URL`, or null when email is off.
 *
 * - `smtp://` upgrades with STARTTLS when the server offers it (nodemailer's
 *   default), `smtps://` uses implicit TLS; certificate checks stay on. URL
 *   query options pass through to nodemailer (`?requireTLS=true`,
 *   `?tls.servername=…`) and win over anything set here.
 * - AUTH user/password come from the URL's userinfo. An `smtp://` URL with
 *   credentials to a host that is not loopback requires TLS (see
 *   `smtpTransportOptions`), so the password is never sent in the clear to a
 *   server that does not offer STARTTLS.
 * - `timeoutMs` bounds connecting, the greeting and every idle wait.
 * - `retries` extra attempts, with a doubling backoff, for transient failures
 *   only (network, timeout, 4xx replies). Permanent refusals (5xx: bad
 *   recipient, failed AUTH) are not retried: repeating them cannot help and
 *   repeated AUTH failures can lock the account.
 * - Partial acceptance is a failure: if the server refused any recipient, the
 *   send throws, so the alert is not marked delivered and the next run sends
 *   it again. Recipients that were accepted may then get it twice; the
 *   alternative, marking it delivered, would lose it silently for the others.
 *
 * Errors never carry the password or the URL: the message names `host:port`
 * and a scrubbed reason, and the nodemailer error (which may quote the AUTH
 * exchange) is not attached as a cause.
 */
export function createMailer(email: EmailConfig, logger: Logger, options: MailerOptions = {}): Mailer | null {
  if (email.smtpUrl === null) return null;
  const url = email.smtpUrl.reveal();
  const endpoint = describeEndpoint(url);
  const scrub = scrubberFor(url);
  const sleep = options.sleep ?? realSleep;
  const baseDelay = options.retryBaseDelayMs ?? 1000;
  const attempts = 1 + Math.max(0, email.retries);

  const transporter = loadNodemailer().createTransport(smtpTransportOptions(url, email.timeoutMs));

  // Whether the attempt in progress has handed the whole message to the
  // connection: a failure after that point leaves the outcome unknown (the
  // server may have stored it and dropped before its 250).
  let attemptState = { messageHandedOver: false };
  transporter.use('stream', (mail, done) => {
    const state = attemptState;
    mail.message.transform(
      () =>
        new Transform({
          transform: (chunk, _encoding, callback) => callback(null, chunk),
          flush: (callback) => {
            state.messageHandedOver = true;
            callback();
          },
        }),
    );
    done();
  });

  const fail = (reason: string, details: Record<string, unknown> = {}): HygieneError =>
    new HygieneError('ALERT_DELIVERY_FAILED', `email delivery to ${endpoint} failed: ${reason}`, { details: { endpoint, ...details } });

  const sendOnce = async (message: MailMessage, state: { messageHandedOver: boolean }) => {
    attemptState = state;
    return transporter.sendMail({
      from: message.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      headers: message.headers ?? {},
      attachments: (message.attachments ?? []).map((file) => ({ filename: file.filename, contentType: file.contentType, content: file.content })),
      // The content is ours; never let an address-like value make nodemailer read a file or fetch a URL.
      disableFileAccess: true,
      disableUrlAccess: true,
      // One deadline for the whole attempt: the per-phase timeouts restart with
      // every line, so a server dripping `250-` lines would stall us for ever.
      signal: AbortSignal.timeout(email.timeoutMs),
    });
  };

  /** Retries after an unknown outcome in this run (one mailer per run): at most one, so a server that stores and drops gets two copies, not one per retry. */
  let unknownOutcomeRetries = 0;

  return {
    endpoint,
    async send(message) {
      for (let attempt = 1; ; attempt++) {
        let info;
        const state = { messageHandedOver: false };
        try {
          info = await sendOnce(message, state);
        } catch (error) {
          const raw = smtpFacts(error);
          // Our own deadline aborted the attempt: for callers that is a timeout like any other.
          const timedOut = raw.code === 'EABORT';
          const facts = timedOut ? { ...raw, code: 'ETIMEDOUT' } : raw;
          const reason = timedOut ? `no complete answer within ${email.timeoutMs} ms (alerts.email.timeoutMs, the whole attempt)` : scrub(errorText(error));
          // The server got the whole message but gave no verdict: it may have been delivered.
          const unknownOutcome = state.messageHandedOver && facts.responseCode === undefined;
          if (unknownOutcome && unknownOutcomeRetries >= 1) {
            throw fail(`${reason}; the message may have been delivered, so it is not sent again in this run`, {
              attempts: attempt,
              smtpCode: facts.code,
              outcome: 'unknown',
            });
          }
          if (attempt < attempts && isTransient(facts)) {
            if (unknownOutcome) unknownOutcomeRetries += 1;
            const delayMs = baseDelay * 2 ** (attempt - 1);
            logger.warn({ endpoint, attempt, of: attempts, delayMs, smtpCode: facts.code, reason }, 'email delivery attempt failed; retrying');
            await sleep(delayMs);
            continue;
          }
          throw fail(reason, { attempts: attempt, smtpCode: facts.code, responseCode: facts.responseCode });
        }
        const accepted = info.accepted.map(String);
        const rejected = info.rejected.map(String);
        if (rejected.length > 0) {
          // Not retried: the accepted recipients already have the message.
          throw fail(`the server refused ${rejected.length} of ${message.to.length} recipients (${rejected.join(', ')})`, { rejected });
        }
        logger.info({ endpoint, messageId: info.messageId, recipients: accepted.length, attempts: attempt }, 'email accepted by the SMTP server');
        return { messageId: info.messageId, accepted };
      }
    },
    close() {
      transporter.close();
    },
  };
}

/** `host:port` of the SMTP URL with nodemailer's default ports; throws a config error (without the URL) if unparsable. */
export function describeEndpoint(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError([{ key: 'SMTP_URL', message: 'is not a valid URL' }]);
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    throw new ConfigError([{ key: 'SMTP_URL', message: `scheme must be smtp:// or smtps://, not ${parsed.protocol}//` }]);
  }
  const port = parsed.port || (parsed.protocol === 'smtps:' ? '465' : '587');
  return `${parsed.hostname}:${port}`;
}

/**
 * The nodemailer options for `SMTP_URL`. One policy is added on top of
 * nodemailer's defaults: an `smtp://` URL that carries credentials to a host
 * that is not loopback gets `requireTLS: true`. Without it nodemailer uses
 * STARTTLS only when the server offers it, and otherwise sends AUTH (the
 * password, merely base64-encoded) in the clear, to the server or to anyone
 * on the path who strips the STARTTLS offer. Loopback (127.0.0.0/8, ::1,
 * `localhost`) is exempt: a local relay never crosses a network.
 *
 * The user's own unmistakable choice wins: `?requireTLS=false` (a server that
 * cannot do TLS), `?ignoreTLS=true` or `?opportunisticTLS=true` are left as
 * written. Any other spelling of those options is dropped from the URL (which
 * nodemailer would apply last) and TLS is required: `?requireTLS` with no
 * value or `?ignoreTLS=no` must not mean "send the password in clear".
 * `smtps://` is TLS from the first byte and needs nothing.
 */
export function smtpTransportOptions(url: string, timeoutMs: number): SMTPTransport.Options {
  const requireTls = mustRequireTls(url);
  const options: SMTPTransport.Options = {
    url: requireTls ? urlWithoutTlsOverrides(url) : url,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
    logger: false,
    debug: false,
  };
  if (requireTls) options.requireTLS = true;
  return options;
}

function mustRequireTls(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false; // describeEndpoint refuses it before any connection
  }
  if (parsed.protocol !== 'smtp:') return false;
  // nodemailer sends AUTH whenever the URL has a user or a password.
  if (parsed.username === '' && parsed.password === '') return false;
  if (isLoopbackHost(parsed.hostname)) return false;
  return !explicitPlainTextOptOut(parsed.searchParams);
}

/**
 * Only an unmistakable choice turns TLS off for a password: `requireTLS=false`,
 * `ignoreTLS=true` or `opportunisticTLS=true`, spelled exactly so. nodemailer
 * reads `?requireTLS` (no value) as 0, i.e. off, and `?ignoreTLS=no` as the
 * truthy string "no", i.e. on: both would send the password in clear while
 * the user meant the opposite.
 */
function explicitPlainTextOptOut(query: URLSearchParams): boolean {
  return query.get('requireTLS') === 'false' || query.get('ignoreTLS') === 'true' || query.get('opportunisticTLS') === 'true';
}

/** The URL handed to nodemailer: TLS options that would override `requireTLS: true` removed (nodemailer applies the query last). */
function urlWithoutTlsOverrides(url: string): string {
  const parsed = new URL(url);
  const names = ['requireTLS', 'ignoreTLS', 'opportunisticTLS'].filter((name) => parsed.searchParams.has(name));
  if (names.length === 0) return url;
  for (const name of names) parsed.searchParams.delete(name);
  return parsed.toString();
}

/**
 * Replaces every form in which the URL's credentials could show up in an
 * error (the URL, its userinfo and password raw and percent-decoded, and the
 * base64 forms sent by AUTH PLAIN and AUTH LOGIN) with `[redacted]`.
 */
export function scrubberFor(url: string): (text: string) => string {
  const secrets = [url];
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') {
      const user = decode(parsed.username);
      const password = decode(parsed.password);
      secrets.push(
        parsed.password,
        password,
        `${parsed.username}:${parsed.password}`,
        `${user}:${password}`,
        // AUTH PLAIN's payload; redactSecrets adds its base64 form (AUTH LOGIN's is the password's own).
        `\u0000${user}\u0000${password}`,
      );
    }
  } catch {
    // Unparsable: only the URL itself is known to be secret.
  }
  // Any length: an SMTP password is whatever the mail admin chose, however short.
  return secretRedactor(secrets, { minLength: 1 });
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

interface SmtpFacts {
  code: string | undefined;
  responseCode: number | undefined;
}

function smtpFacts(error: unknown): SmtpFacts {
  if (typeof error !== 'object' || error === null) return { code: undefined, responseCode: undefined };
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  const responseCode = 'responseCode' in error && typeof error.responseCode === 'number' ? error.responseCode : undefined;
  return { code, responseCode };
}

/** Worth another attempt: the network, a timeout, or a 4xx ("try again later") reply. */
function isTransient(facts: SmtpFacts): boolean {
  if (facts.responseCode !== undefined) return facts.responseCode >= 400 && facts.responseCode < 500;
  return facts.code !== undefined && SMTP_ERROR_CODES_WORTH_RETRYING.has(facts.code);
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // Server replies can span lines; keep the error one line.
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * The forms in which the SMTP credentials could turn up in someone else's
 * text (a C1 error echoing what it saw, say): the URL as given, and its
 * password raw and percent-decoded. Used to clean messages that are not the
 * mailer's own (those never carry the URL in the first place).
 */
export function smtpUrlSecrets(smtpUrl: string): string[] {
  const forms = [smtpUrl];
  try {
    const { password } = new URL(smtpUrl);
    if (password !== '') forms.push(password, decodeURIComponent(password));
  } catch {
    // Not a URL: only the text as given can be recognised.
  }
  return forms;
}
