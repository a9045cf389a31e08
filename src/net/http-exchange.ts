import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';

/**
 * One HTTP request over Node's own `http`/`https`, for the C1 client and the
 * alert receivers (Slack, webhooks). It only opens the exchange: policy
 * (timeouts, retries, how much of a body to read) stays with the callers.
 *
 * Built on the standard library rather than an HTTP client package because
 * every `audit` sends requests: loading and compiling a client library (and
 * the background compilation of its WebAssembly parser, which a process waits
 * for at exit) cost several times a bare `node` start.
 */

export type ResponseHeaders = IncomingHttpHeaders;

/** A response whose status and headers have arrived; read its body as an async iterable of Buffers. */
export type OpenResponse = IncomingMessage;

/** How requests of one protocol are sent: its `request` and the pool's keep-alive agent for it. */
interface Transport {
  request: typeof httpRequest;
  agent: HttpAgent;
}

/** Keep-alive connections per protocol, made on first use; `close()` ends them all. */
export interface ConnectionPool {
  /** The transport for the URL's protocol; rejects (code POOL_CLOSED) once the pool is closed. */
  transportFor(url: URL): Promise<Transport>;
  /** Destroys every pooled connection and refuses new requests. Safe to call more than once. */
  close(): void;
}

/** The code of the error a request through a closed pool fails with. */
export const POOL_CLOSED = 'POOL_CLOSED';

export function createConnectionPool(): ConnectionPool {
  let http: Transport | undefined;
  let https: Promise<Transport> | undefined;
  let closed = false;
  const refuseWhenClosed = (): void => {
    // Closed means closed: a request after close() would open a connection nothing ever ends.
    if (closed) throw Object.assign(new Error('the connection pool is closed'), { code: POOL_CLOSED });
  };
  return {
    async transportFor(url) {
      refuseWhenClosed();
      if (url.protocol !== 'https:') return (http ??= { request: httpRequest, agent: new HttpAgent({ keepAlive: true }) });
      // TLS is loaded by the first https request, not by every process that might send one.
      https ??= import('node:https').then(({ request, Agent }) => ({ request, agent: new Agent({ keepAlive: true }) }));
      const transport = await https;
      refuseWhenClosed();
      return transport;
    },
    close() {
      closed = true;
      http?.agent.destroy();
      void https?.then(({ agent }) => agent.destroy());
    },
  };
}

export interface Exchange {
  method: string;
  url: URL;
  headers: Record<string, string>;
  /** Sent with its Content-Length; null sends no body. */
  body: string | null;
  pool: ConnectionPool;
  /**
   * Aborting fails the exchange, and a body being read after it, with an
   * error: a body cut short by the abort never reads as a complete one.
   */
  signal: AbortSignal;
}

/**
 * Sends the request; resolves once the status line and headers arrived, with
 * the body still to read. Redirects are returned as they are, never followed.
 * Transport failures reject with Node's error (its `code`: ECONNREFUSED,
 * ECONNRESET, a TLS certificate code…).
 */
export async function openExchange(exchange: Exchange): Promise<OpenResponse> {
  const { url, signal } = exchange;
  const { request: send, agent } = await exchange.pool.transportFor(url);
  const headers: Record<string, string> = { ...exchange.headers };
  if (exchange.body !== null) headers['content-length'] = String(Buffer.byteLength(exchange.body));
  return new Promise<OpenResponse>((resolve, reject) => {
    if (signal.aborted) {
      reject(abortError(signal));
      return;
    }
    let response: OpenResponse | undefined;
    const outgoing = send(url, { method: exchange.method, headers, agent }, (res) => {
      response = res;
      // Listening ends with the response: a connection back in the pool must not hold a stale listener.
      res.once('close', () => signal.removeEventListener('abort', onAbort));
      resolve(res);
    });
    // Destroying the response with the error (not only the request, which would
    // quietly discard the rest) makes a body read in progress fail.
    const onAbort = (): void => {
      const err = abortError(signal);
      response?.destroy(err);
      outgoing.destroy(err);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    // `on`, not `once`: a request destroyed after an earlier error may emit another, which must not go unhandled.
    outgoing.on('error', (err) => {
      if (response === undefined) signal.removeEventListener('abort', onAbort);
      reject(err);
    });
    outgoing.end(exchange.body ?? undefined);
  });
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : Object.assign(new Error('the request was aborted'), { code: 'ABORT_ERR' });
}
