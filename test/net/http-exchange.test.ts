import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { createConnectionPool, openExchange, POOL_CLOSED, type ConnectionPool, type OpenResponse } from '../../src/net/http-exchange.js';

/** A loopback server counting its connections; each request is answered by `handle`. */
async function startServer(handle: (req: IncomingMessage, body: string, res: ServerResponse) => void) {
  let connections = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => handle(req, body, res));
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  closers.push(close);
  return { url: new URL(`http://127.0.0.1:${port}/path?q=1`), connections: () => connections };
}

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function pool(): ConnectionPool {
  const created = createConnectionPool();
  closers.push(() => created.close());
  return created;
}

async function readAll(res: OpenResponse): Promise<string> {
  let text = '';
  for await (const chunk of res as AsyncIterable<Buffer>) text += chunk.toString('utf8');
  return text;
}

const send = (p: ConnectionPool, url: URL, init: { method?: string; body?: string | null; signal?: AbortSignal } = {}) =>
  openExchange({ method: init.method ?? 'GET', url, headers: { accept: 'text/plain' }, body: init.body ?? null, pool: p, signal: init.signal ?? new AbortController().signal });

describe('an HTTP exchange over node:http', () => {
  test('sends the method, headers and the exact body with its Content-Length; answers status, headers and body', async () => {
    const seen: Array<{ method?: string; url?: string; length?: string; accept?: string; body: string }> = [];
    const server = await startServer((req, body, res) => {
      seen.push({ method: req.method, url: req.url, length: req.headers['content-length'], accept: req.headers.accept, body });
      res.writeHead(201, { 'retry-after': '3' }).end('done');
    });
    const body = '{"text":"grüße"}';
    const res = await send(pool(), server.url, { method: 'POST', body });
    expect([res.statusCode, res.headers['retry-after'], await readAll(res)]).toEqual([201, '3', 'done']);
    expect(seen).toEqual([{ method: 'POST', url: '/path?q=1', length: String(Buffer.byteLength(body)), accept: 'text/plain', body }]);
  });

  test('keeps the connection alive between requests of one pool', async () => {
    const server = await startServer((_req, _body, res) => res.end('ok'));
    const p = pool();
    for (let i = 0; i < 3; i += 1) expect(await readAll(await send(p, server.url))).toBe('ok');
    expect(server.connections()).toBe(1);
  });

  test('an abort while the body is read fails the read: a cut-off body never reads as complete', async () => {
    const server = await startServer((_req, _body, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('first half');
    });
    const controller = new AbortController();
    const res = await send(pool(), server.url, { signal: controller.signal });
    const reading = readAll(res);
    controller.abort();
    await expect(reading).rejects.toThrow();
  });

  test('an abort before the answer rejects the exchange', async () => {
    const server = await startServer(() => undefined);
    const controller = new AbortController();
    const exchange = send(pool(), server.url, { signal: controller.signal });
    controller.abort();
    await expect(exchange).rejects.toThrow();
  });

  test('a connection closed mid-body fails the read with ECONNRESET', async () => {
    const server = await startServer((_req, _body, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('first half', () => res.socket?.destroy());
    });
    const res = await send(pool(), server.url);
    await expect(readAll(res)).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  test('a closed pool refuses new requests without connecting', async () => {
    const server = await startServer((_req, _body, res) => res.end('ok'));
    const p = pool();
    await readAll(await send(p, server.url));
    p.close();
    p.close();
    await expect(send(p, server.url)).rejects.toMatchObject({ code: POOL_CLOSED });
    expect(server.connections()).toBe(1);
  });
});
