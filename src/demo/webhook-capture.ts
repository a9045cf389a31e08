import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write.js';

/**
 * The demo's stand-in for a team's alert receiver: a real HTTP server on
 * 127.0.0.1 that checks each delivery's signature the way a receiver should
 * (HMAC-SHA256 of the raw body with the shared key, compared in constant
 * time), answers 204, and saves what it got as one JSON file per delivery:
 * the delivery id, whether the signature held, and the body.
 */
export interface WebhookCaptureOptions {
  /** Where the `webhook-<n>.json` files go. */
  dir: string;
  /** Largest body accepted (default 5 MiB); larger ones get 413. */
  maxBodyBytes?: number;
}

export interface WebhookCapture {
  /** `http://127.0.0.1:<port>/hooks/<random>`, usable as WEBHOOK_URL (loopback, so http:// is accepted). */
  url: string;
  /** A fresh signing key, usable as WEBHOOK_SECRET. */
  secret: string;
  /** Saved files, in arrival order. */
  files: string[];
  close(): Promise<void>;
}

export interface CapturedDelivery {
  receivedAt: string;
  deliveryId: string | null;
  signatureValid: boolean;
  body: unknown;
}

export async function startWebhookCapture(options: WebhookCaptureOptions): Promise<WebhookCapture> {
  const maxBodyBytes = options.maxBodyBytes ?? 5 * 1024 * 1024;
  const secret = randomBytes(32).toString('hex');
  const path = `/hooks/${randomBytes(12).toString('hex')}`;
  const files: string[] = [];
  await mkdir(options.dir, { recursive: true });

  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== path) {
      res.writeHead(404).end();
      return;
    }
    readBody(req, maxBodyBytes).then(
      async (raw) => {
        if (raw === null) {
          res.writeHead(413).end();
          return;
        }
        const delivery = req.headers['x-c1-hygiene-delivery'];
        const captured: CapturedDelivery = {
          receivedAt: new Date().toISOString(),
          deliveryId: typeof delivery === 'string' ? delivery : null,
          signatureValid: signatureHolds(raw, req.headers['x-c1-hygiene-signature-256'], secret),
          body: parseJson(raw),
        };
        const file = join(options.dir, `webhook-${files.length + 1}.json`);
        files.push(file);
        await writeFileAtomic(file, `${JSON.stringify(captured, null, 2)}\n`, { mode: 0o640 });
        res.writeHead(captured.signatureValid ? 204 : 401).end();
      },
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    secret,
    files,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The check every receiver should make before trusting a delivery. */
export function signatureHolds(raw: Buffer, header: string | string[] | undefined, secret: string): boolean {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`);
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return { unparseable: raw.toString('utf8').slice(0, 1000) };
  }
}
