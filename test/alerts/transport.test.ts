import { createTransport } from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { composeFailureNotice } from '../../src/alerts/failure-notice.js';
import { createMailer, describeEndpoint, scrubberFor, smtpTransportOptions, type Mailer } from '../../src/alerts/transport.js';
import { EXIT, HygieneError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';
import { SINK_CERT_PEM, startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { captureLogger } from '../lifecycle/capture-logger.js';
import { emailConfig, noSleep } from './mail-config.js';
import { unusedPort } from '../helpers/ports.js';
import { startHostileSmtp } from '../helpers/hostile-smtp.js';

const USER = 'alerts@example.com';
const PASSWORD = 'S3cr3t-p@ss:w/rd%!';

const sinks: SmtpSink[] = [];
const mailers: Mailer[] = [];

afterEach(async () => {
  for (const mailer of mailers.splice(0)) mailer.close();
  await Promise.all(sinks.splice(0).map((sink) => sink.close()));
});

async function sink(options: Parameters<typeof startSmtpSink>[0] = {}): Promise<SmtpSink> {
  const started = await startSmtpSink(options);
  sinks.push(started);
  return started;
}

function mailer(...args: Parameters<typeof createMailer>): Mailer {
  const created = createMailer(...args);
  if (!created) throw new Error('expected a mailer');
  mailers.push(created);
  return created;
}

const message = composeFailureNotice({
  tenant: 'acme.conductor.one',
  error: 'C1 answered 503',
  startedAt: '2026-11-26T07:00:00.000Z',
  runId: 'run-1',
  from: 'c1-hygiene@example.com',
  to: ['security@example.com', 'oncall@example.com'],
});

async function deliveryError(promise: Promise<unknown>): Promise<HygieneError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(HygieneError);
    expect((error as HygieneError).code).toBe('ALERT_DELIVERY_FAILED');
    return error as HygieneError;
  }
  throw new Error('expected delivery to fail');
}

/** Every textual trace of an error: message, details, and the whole object as a logger would print it. */
function traces(error: HygieneError, logLines: string[]): string {
  return [error.message, JSON.stringify(error.details), JSON.stringify(error), String(error.stack), ...logLines].join('\n');
}

function expectNoPassword(text: string): void {
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toContain(encodeURIComponent(PASSWORD));
  expect(text).not.toContain(Buffer.from(PASSWORD).toString('base64'));
  expect(text).not.toContain(Buffer.from(`\u0000${USER}\u0000${PASSWORD}`).toString('base64'));
}


describe('createMailer', () => {
  it('returns null when email is off', () => {
    expect(createMailer(emailConfig(null), silentLogger())).toBeNull();
  });

  it('delivers to every recipient with AUTH from the URL; the parsed message matches', async () => {
    const smtp = await sink({ auth: { user: USER, pass: PASSWORD } });
    const { logger, lines } = captureLogger();
    const result = await mailer(emailConfig(smtp.url({ user: USER, pass: PASSWORD })), logger).send(message);

    expect(result.accepted.sort()).toEqual(['oncall@example.com', 'security@example.com']);
    expect(result.messageId).toMatch(/^<.+>$/);
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.user).toBe(USER);
    expect(mail.envelope).toEqual({ from: 'c1-hygiene@example.com', to: ['security@example.com', 'oncall@example.com'] });
    expect(mail.parsed.subject).toBe(message.subject);
    expect(mail.parsed.text).toContain('C1 answered 503');
    expect(mail.parsed.html).toContain('C1 answered 503');
    expect(mail.parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expectNoPassword(lines.join('\n'));
    // The body is never logged at info level.
    expect(lines.join('\n')).not.toContain('C1 answered 503');
  });

  it('fails with ALERT_DELIVERY_FAILED naming host:port when the connection is refused', async () => {
    const port = await unusedPort();
    const url = `smtp://${encodeURIComponent(USER)}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}`;
    const { logger, lines } = captureLogger();
    const error = await deliveryError(mailer(emailConfig(url), logger).send(message));
    expect(error.message).toMatch(new RegExp(`^email delivery to 127\\.0\\.0\\.1:${port} failed: `));
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).not.toContain('smtp://');
    expectNoPassword(traces(error, lines));
  });

  it('fails when the server refuses a recipient with 550, without retrying', async () => {
    const smtp = await sink({ rejectRecipient: () => true });
    const error = await deliveryError(mailer(emailConfig(smtp.url(), { retries: 2 }), silentLogger(), { sleep: noSleep }).send(message));
    expect(error.message).toContain('550');
    expect(smtp.connections).toBe(1);
    expect(smtp.received).toEqual([]);
  });

  it('treats partial acceptance as failure: the alert must not be marked delivered', async () => {
    const smtp = await sink({ rejectRecipient: (address) => address === 'oncall@example.com' });
    const error = await deliveryError(mailer(emailConfig(smtp.url(), { retries: 2 }), silentLogger(), { sleep: noSleep }).send(message));
    expect(error.message).toContain('refused 1 of 2 recipients (oncall@example.com)');
    expect(error.details).toMatchObject({ rejected: ['oncall@example.com'] });
    // Not retried: the accepted recipient already has it.
    expect(smtp.received).toHaveLength(1);
  });

  it('fails when the server refuses the message with 554', async () => {
    const smtp = await sink({ rejectData: true });
    const error = await deliveryError(mailer(emailConfig(smtp.url()), silentLogger()).send(message));
    expect(error.message).toContain('554');
  });

  it('fails on a wrong password without leaking it, and does not retry AUTH', async () => {
    const smtp = await sink({ auth: { user: USER, pass: 'the-right-one' } });
    const { logger, lines } = captureLogger();
    const error = await deliveryError(
      mailer(emailConfig(smtp.url({ user: USER, pass: PASSWORD }), { retries: 3 }), logger, { sleep: noSleep }).send(message),
    );
    expect(error.message).toContain('535');
    expect(error.details).toMatchObject({ smtpCode: 'EAUTH', responseCode: 535 });
    expect(smtp.authAttempts).toEqual([USER]);
    expectNoPassword(traces(error, lines));
  });

  it('gives up after timeoutMs when the server accepts the connection but never answers', async () => {
    const silent = await sink({ silent: true });
    const { logger, lines } = captureLogger();
    const url = silent.url({ user: USER, pass: PASSWORD });
    const error = await deliveryError(mailer(emailConfig(url, { timeoutMs: 300 }), logger).send(message));
    expect(error.details).toMatchObject({ smtpCode: 'ETIMEDOUT' });
    expect(silent.connections).toBe(1);
    expectNoPassword(traces(error, lines));
  });

  it('retries a transient failure within the run and delivers exactly once', async () => {
    const smtp = await sink({ transientFailures: 1 });
    const { logger, entries } = captureLogger();
    const delays: number[] = [];
    const sleep = async (ms: number) => void delays.push(ms);
    const result = await mailer(emailConfig(smtp.url(), { retries: 2 }), logger, { sleep, retryBaseDelayMs: 250 }).send(message);

    expect(result.accepted).toHaveLength(2);
    expect(smtp.received).toHaveLength(1);
    expect(delays).toEqual([250]);
    expect(entries().filter((entry) => entry.msg === 'email delivery attempt failed; retrying')).toHaveLength(1);
  });

  it('stops after `retries` extra attempts, with a doubling backoff', async () => {
    const smtp = await sink({ transientFailures: 10 });
    const delays: number[] = [];
    const sleep = async (ms: number) => void delays.push(ms);
    const error = await deliveryError(mailer(emailConfig(smtp.url(), { retries: 2 }), silentLogger(), { sleep, retryBaseDelayMs: 100 }).send(message));
    expect(error.message).toContain('451');
    expect(error.details).toMatchObject({ attempts: 3 });
    expect(delays).toEqual([100, 200]);
    expect(smtp.received).toEqual([]);
  });

  it('upgrades with STARTTLS when offered and verifies the certificate', async () => {
    const smtp = await sink({ starttls: true });
    const error = await deliveryError(mailer(emailConfig(`${smtp.url()}/?requireTLS=true`), silentLogger()).send(message));
    expect(error.message).toMatch(/certificate/i);
    expect(smtp.received).toEqual([]);

    // URL options pass through to nodemailer: trusting this one test certificate makes it work, encrypted.
    const trusted = `${smtp.url()}/?requireTLS=true&tls.rejectUnauthorized=false`;
    await mailer(emailConfig(trusted), silentLogger()).send(message);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]?.secure).toBe(true);
  });
});

describe('implicit TLS (smtps://)', () => {
  it('delivers with AUTH over TLS from the first byte, verifying the certificate against a trusted CA', async () => {
    const smtp = await sink({ secure: true, auth: { user: USER, pass: PASSWORD } });
    const url = smtp.url({ user: USER, pass: PASSWORD });
    expect(url).toMatch(/^smtps:\/\//);
    const { logger, lines } = captureLogger();

    // Certificate checks stay on: the self-signed certificate is refused until it is trusted.
    const untrusted = await deliveryError(mailer(emailConfig(url), logger).send(message));
    expect(untrusted.message).toMatch(/certificate/i);
    expect(smtp.authAttempts).toEqual([]);
    expectNoPassword(traces(untrusted, lines));

    // `tls.ca` passes through the URL like any TLS option: trusting this one certificate makes it work, still verified.
    const trusted = `${url}/?tls.ca=${encodeURIComponent(SINK_CERT_PEM)}`;
    const result = await mailer(emailConfig(trusted), logger).send(message);
    expect(result.accepted).toHaveLength(2);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]?.secure).toBe(true);
    expect(smtp.received[0]?.user).toBe(USER);
    expect(smtp.received[0]?.parsed.subject).toBe(message.subject);
    expectNoPassword(lines.join('\n'));
  });
});

describe('TLS required for credentials to a remote host', () => {
  const creds = `${encodeURIComponent(USER)}:${encodeURIComponent(PASSWORD)}`;

  it.each([
    ['a remote host name', `smtp://${creds}@mail.example.com:587`],
    ['a remote address', `smtp://${creds}@192.0.2.10`],
    ['a user without password', 'smtp://alerts@mail.example.com'],
    ['a password without user', 'smtp://:secret-pass@mail.example.com'],
    ['an unrelated query option', `smtp://${creds}@mail.example.com/?tls.servername=mx.example.com`],
    ['ignoreTLS turned off', `smtp://${creds}@mail.example.com/?ignoreTLS=false`],
    ['an explicit requireTLS=true', `smtp://${creds}@mail.example.com/?requireTLS=true`],
    ['requireTLS without a value (nodemailer would read it as off)', `smtp://${creds}@mail.example.com/?requireTLS`],
    ['requireTLS=0', `smtp://${creds}@mail.example.com/?requireTLS=0`],
    ['ignoreTLS=no (nodemailer would read the string "no" as on)', `smtp://${creds}@mail.example.com/?ignoreTLS=no`],
    ['opportunisticTLS=yes', `smtp://${creds}@mail.example.com/?opportunisticTLS=yes`],
  ])('requires TLS for %s, and no TLS option is left in the URL to override it', (_name, url) => {
    const options = smtpTransportOptions(url, 5000);
    expect(options.requireTLS).toBe(true);
    expect(String(options.url)).not.toMatch(/requireTLS|ignoreTLS|opportunisticTLS/);
  });

  it.each([
    ['no credentials', 'smtp://mail.example.com:25'],
    ['implicit TLS', `smtps://${creds}@mail.example.com`],
    ['127.0.0.1', `smtp://${creds}@127.0.0.1:2525`],
    ['elsewhere in 127.0.0.0/8', `smtp://${creds}@127.8.9.10`],
    ['::1', `smtp://${creds}@[::1]:2525`],
    ['localhost', `smtp://${creds}@localhost`],
    ['LOCALHOST', `smtp://${creds}@LOCALHOST:25`],
    ['an explicit opt-out', `smtp://${creds}@mail.example.com/?requireTLS=false`],
    ['an explicit ignoreTLS', `smtp://${creds}@mail.example.com/?ignoreTLS=true`],
    ['an explicit opportunisticTLS', `smtp://${creds}@mail.example.com/?opportunisticTLS=true`],
  ])('adds nothing for %s', (_name, url) => {
    expect(smtpTransportOptions(url, 5000).requireTLS).toBeUndefined();
  });

  it('keeps the URL and applies the timeout to every phase', () => {
    const url = `smtp://${creds}@mail.example.com`;
    expect(smtpTransportOptions(url, 1234)).toMatchObject({
      url,
      connectionTimeout: 1234,
      greetingTimeout: 1234,
      socketTimeout: 1234,
      dnsTimeout: 1234,
      logger: false,
      debug: false,
    });
  });

  it.each([
    [`smtp://${creds}@mail.example.com`, true],
    [`smtp://${creds}@mail.example.com/?requireTLS=false`, false],
    [`smtp://${creds}@mail.example.com/?requireTLS`, true],
    [`smtp://${creds}@mail.example.com/?ignoreTLS=no`, true],
    [`smtp://${creds}@127.0.0.1`, undefined],
  ])('nodemailer ends up with what the options and the URL say together: %s → %s', (url, expected) => {
    const transport = createTransport(smtpTransportOptions(url, 5000));
    try {
      expect((transport.transporter as unknown as { options: { requireTLS?: boolean } }).options.requireTLS).toBe(expected);
    } finally {
      transport.close();
    }
  });

  it('the options for a remote host refuse a server without STARTTLS before sending the password', async () => {
    const smtp = await sink({ auth: { user: USER, pass: PASSWORD } });
    // What a remote `smtp://` URL with credentials gets, aimed at the loopback sink that offers no STARTTLS.
    const remoteOptions = smtpTransportOptions(`smtp://${creds}@mail.example.com:587`, 5000);
    const transport = createTransport({ ...remoteOptions, url: smtp.url({ user: USER, pass: PASSWORD }) });
    try {
      await expect(
        transport.sendMail({ from: message.from, to: message.to, subject: message.subject, text: message.text }),
      ).rejects.toThrow(/STARTTLS/);
    } finally {
      transport.close();
    }
    expect(smtp.authAttempts).toEqual([]);
    expect(smtp.received).toEqual([]);
  });

  it('a loopback sink without STARTTLS still gets AUTH and the mail: loopback is exempt', async () => {
    const smtp = await sink({ auth: { user: USER, pass: PASSWORD } });
    const url = smtp.url({ user: USER, pass: PASSWORD });
    expect(url).toMatch(/^smtp:\/\/.+@127\.0\.0\.1:/);
    await mailer(emailConfig(url), silentLogger()).send(message);
    expect(smtp.authAttempts).toEqual([USER]);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]?.secure).toBe(false);
  });
});

describe('describeEndpoint', () => {
  it.each([
    ['smtp://u:p@mail.example:2525', 'mail.example:2525'],
    ['smtp://mail.example', 'mail.example:587'],
    ['smtps://u:p@mail.example', 'mail.example:465'],
  ])('%s → %s', (url, expected) => {
    expect(describeEndpoint(url)).toBe(expected);
  });

  it('rejects other schemes and garbage without echoing the URL', () => {
    for (const url of ['http://u:hunter2@mail.example', 'not a url hunter2']) {
      let message = '';
      try {
        describeEndpoint(url);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain('SMTP_URL');
      expect(message).not.toContain('hunter2');
    }
  });
});

describe('scrubberFor', () => {
  it('removes the password in every form it could appear in', () => {
    const url = `smtp://${encodeURIComponent(USER)}:${encodeURIComponent(PASSWORD)}@mail.example:587`;
    const scrub = scrubberFor(url);
    const dirty = [url, PASSWORD, encodeURIComponent(PASSWORD), Buffer.from(`\u0000${USER}\u0000${PASSWORD}`).toString('base64'), Buffer.from(PASSWORD).toString('base64')].join(' | ');
    const clean = scrub(dirty);
    expectNoPassword(clean);
    expect(clean).toContain('[redacted]');
  });
});

describe('hostile SMTP peers', () => {
  it('a server dripping "250-" lines for ever is cut off by the deadline of the whole attempt', async () => {
    const peer = await startHostileSmtp('drip-ehlo', { dripMs: 100 });
    try {
      // Each drip resets nodemailer's idle timers; only the attempt deadline can end this.
      const error = await deliveryError(mailer(emailConfig(peer.url, { timeoutMs: 800, retries: 1 }), silentLogger(), { sleep: noSleep }).send(message));
      expect(error.code).toBe('ALERT_DELIVERY_FAILED');
      expect(error.exitCode).toBe(EXIT.alertDeliveryFailed);
      expect(error.message).toContain('no complete answer within 800 ms (alerts.email.timeoutMs, the whole attempt)');
      expect(peer.connections).toBe(2);
    } finally {
      await peer.close();
    }
  });

  it('a server that stores the message and drops before 250 gets it at most twice in one run', async () => {
    const peer = await startHostileSmtp('drop-after-data');
    try {
      const error = await deliveryError(mailer(emailConfig(peer.url, { retries: 4 }), silentLogger(), { sleep: noSleep }).send(message));
      expect(error.message).toContain('may have been delivered');
      expect(peer.stored).toBe(2);
    } finally {
      await peer.close();
    }
  });
});
