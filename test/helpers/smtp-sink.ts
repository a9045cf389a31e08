import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/**
 * A real SMTP peer on 127.0.0.1 for tests, configurable to misbehave the ways
 * real servers do. Every accepted message is kept raw and parsed (mailparser).
 */
export interface SmtpSinkOptions {
  /** Require AUTH with exactly these credentials; anything else gets 535. */
  auth?: { user: string; pass: string };
  /** Recipients for which RCPT TO is refused with 550. */
  rejectRecipient?: (address: string) => boolean;
  /** Refuse every message at the end of DATA with 554. */
  rejectData?: boolean;
  /** Refuse the first N messages at the end of DATA with a transient 451, then accept. */
  transientFailures?: number;
  /** Offer STARTTLS with the self-signed test certificate in test/fixtures/smtp-tls. */
  starttls?: boolean;
  /** Implicit TLS (what `smtps://` expects) with the same certificate: TLS from the first byte, no STARTTLS. */
  secure?: boolean;
  /** Accept TCP connections but never say a word (for timeouts). */
  silent?: boolean;
}

export interface ReceivedMail {
  raw: Buffer;
  parsed: ParsedMail;
  envelope: { from: string | null; to: string[] };
  /** Whether the session was encrypted (upgraded with STARTTLS, or implicit TLS). */
  secure: boolean;
  /** The user that authenticated, if any. */
  user: string | null;
}

export interface SmtpSink {
  port: number;
  /** `smtp://[user:pass@]127.0.0.1:<port>` (`smtps://` for a `secure` sink) with the user info percent-encoded. */
  url(credentials?: { user: string; pass: string }): string;
  received: ReceivedMail[];
  /** TCP connections opened so far. */
  readonly connections: number;
  /** Every AUTH attempt, as `user` only (passwords are not kept). */
  authAttempts: string[];
  close(): Promise<void>;
}

const TLS_DIR = new URL('../fixtures/smtp-tls/', import.meta.url);

/** The sink's self-signed certificate (CN localhost, SAN 127.0.0.1), PEM; a client that trusts it verifies the sink for real. */
export const SINK_CERT_PEM = readFileSync(new URL('cert.pem', TLS_DIR), 'utf8');

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  return options.silent ? startSilent() : startSmtp(options);
}

async function startSmtp(options: SmtpSinkOptions): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const authAttempts: string[] = [];
  let connections = 0;
  let transientLeft = options.transientFailures ?? 0;

  const serverOptions: SMTPServerOptions = {
    logger: false,
    authOptional: options.auth === undefined,
    authMethods: ['PLAIN', 'LOGIN'],
    // Plain-text AUTH without TLS is allowed, so AUTH can be tested without certificates.
    allowInsecureAuth: true,
    secure: options.secure === true,
    // Nothing to upgrade on an implicitly encrypted connection.
    disabledCommands: options.starttls && !options.secure ? [] : ['STARTTLS'],
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    onAuth(auth, _session, callback) {
      authAttempts.push(auth.username ?? '');
      const expected = options.auth;
      if (expected && auth.username === expected.user && auth.password === expected.pass) {
        callback(null, { user: auth.username });
        return;
      }
      callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      if (options.rejectRecipient?.(address.address)) {
        callback(Object.assign(new Error(`Mailbox unavailable: ${address.address}`), { responseCode: 550 }));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      readAll(stream)
        .then(async (raw) => {
          if (options.rejectData) {
            callback(Object.assign(new Error('Message rejected as spam'), { responseCode: 554 }));
            return;
          }
          if (transientLeft > 0) {
            transientLeft--;
            callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
            return;
          }
          received.push({
            raw,
            parsed: await simpleParser(raw),
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            },
            secure: session.secure,
            user: typeof session.user === 'string' ? session.user : null,
          });
          callback();
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
    },
  };
  if (options.starttls || options.secure) {
    serverOptions.key = readFileSync(new URL('key.pem', TLS_DIR));
    serverOptions.cert = SINK_CERT_PEM;
  }

  const server = new SMTPServer(serverOptions);
  server.on('error', () => undefined);
  const port = await new Promise<number>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.server.address();
      if (address === null || typeof address === 'string') reject(new Error('no TCP address'));
      else resolve(address.port);
    });
  });

  return {
    port,
    url: (credentials) => sinkUrl(port, credentials, options.secure ? 'smtps' : 'smtp'),
    received,
    get connections() {
      return connections;
    },
    authAttempts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function startSilent(): Promise<SmtpSink> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('no TCP address'));
      else resolve(address.port);
    });
  });
  return {
    port,
    url: (credentials) => sinkUrl(port, credentials),
    received: [],
    get connections() {
      return connections;
    },
    authAttempts: [],
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function sinkUrl(port: number, credentials?: { user: string; pass: string }, scheme: 'smtp' | 'smtps' = 'smtp'): string {
  const userinfo = credentials ? `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.pass)}@` : '';
  return `${scheme}://${userinfo}127.0.0.1:${port}`;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}
