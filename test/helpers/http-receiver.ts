import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP peer on 127.0.0.1 playing Slack or a webhook receiver. Each
 * request gets the next scripted answer (the last one repeats); every
 * request is kept with its exact raw body, so tests verify what arrived
 * (signatures included) the way a real receiver would.
 */
export type Answer =
  | { status: number; headers?: Record<string, string>; body?: string }
  /** Accept the request and never answer. */
  | { hang: true }
  /** Close the connection without a word once the request arrived. */
  | { drop: true }
  /** Answer 200 and send `bytes` of body, in 64 KiB chunks, unless the client goes away first. */
  | { status: number; streamBytes: number };

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  text: string;
}

export interface HttpReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Resolves once `count` requests have arrived. */
  waitFor(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startHttpReceiver(answers: Answer[] = [{ status: 200, body: 'ok' }], path = '/hook'): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const answer = answers[Math.min(requests.length, answers.length - 1)] as Answer;
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, text: raw.toString('utf8') });
      for (const waiter of waiters.filter((w) => requests.length >= w.count)) waiter.resolve();
      respond(answer, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    requests,
    waitFor: (count) =>
      requests.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function respond(answer: Answer, res: ServerResponse): void {
  if ('hang' in answer) return;
  if ('drop' in answer) {
    res.socket?.destroy();
    return;
  }
  if ('streamBytes' in answer) {
    res.writeHead(answer.status, { 'content-type': 'text/plain' });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let left = answer.streamBytes;
    const pump = (): void => {
      while (left > 0 && !res.destroyed) {
        left -= chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      if (!res.destroyed) res.end();
    };
    res.on('error', () => undefined);
    pump();
    return;
  }
  res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
  res.end(answer.body ?? '');
}
