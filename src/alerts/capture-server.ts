import { SMTPServer } from 'smtp-server';
import type { Readable } from 'node:stream';

export interface SmtpCaptureOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Called with each raw message before the server answers 250; a throw makes the server refuse it (451). */
  onMessage?: (raw: Buffer) => void | Promise<void>;
  /** Largest message accepted, in bytes (default 10 MiB). */
  maxMessageBytes?: number;
}

export interface SmtpCapture {
  /** `smtp://127.0.0.1:<port>`, usable as SMTP_URL (no auth, no TLS). */
  url: string;
  port: number;
  /** Raw RFC 5322 messages in arrival order. */
  messages: Buffer[];
  close(): Promise<void>;
}

/**
 * A real SMTP server on loopback that keeps every message it receives, for
 * `demo` (which saves them as .eml files) and for tests. It only listens on
 * 127.0.0.1, accepts any sender and recipient, does not require AUTH and does
 * not offer STARTTLS, so a plain `smtp://` client talks to it as is.
 */
export async function startSmtpCapture(options: SmtpCaptureOptions = {}): Promise<SmtpCapture> {
  const messages: Buffer[] = [];
  const maxMessageBytes = options.maxMessageBytes ?? 10 * 1024 * 1024;

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    size: maxMessageBytes,
    logger: false,
    banner: 'c1-hygiene capture',
    onAuth(_auth, _session, callback) {
      // A client that authenticates anyway is let in: the capture holds nothing worth protecting.
      callback(null, { user: 'capture' });
    },
    onData(stream, _session, callback) {
      readAll(stream)
        .then(async (raw) => {
          if ((stream as Readable & { sizeExceeded?: boolean }).sizeExceeded) {
            callback(Object.assign(new Error('message too large'), { responseCode: 552 }));
            return;
          }
          await options.onMessage?.(raw);
          messages.push(raw);
          callback();
        })
        .catch((error: unknown) => {
          callback(Object.assign(new Error(`message not stored: ${error instanceof Error ? error.message : String(error)}`), { responseCode: 451 }));
        });
    },
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.server.address();
      if (address === null || typeof address === 'string') reject(new Error('SMTP capture has no TCP address'));
      else resolve(address.port);
    });
  });
  // Errors after startup (a client resetting its connection) are not fatal to a capture.
  server.on('error', () => undefined);

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}
