import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HygieneError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { AuditMonitor } from './audit-monitor.js';

export interface HealthServerOptions {
  monitor: AuditMonitor;
  /** 0 picks a free port (tests). */
  port: number;
  /** All interfaces by default, so a container's port mapping and kubelet probes reach it. */
  host?: string;
  logger: Logger;
  /** Open connections at most; more are refused at once. Default 32. */
  maxConnections?: number;
  /** A connection idle (or sending its request) this long is closed. Default 10 s. */
  idleTimeoutMs?: number;
}

export interface HealthServer {
  /** e.g. `http://127.0.0.1:41234` (the bound address, with the real port). */
  url: string;
  port: number;
  close(): Promise<void>;
}

const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * The optional HTTP listener of `schedule`:
 * - `GET /healthz`: 200 while audits succeed on time, 503 once the last
 *   success is older than twice the schedule interval (JSON body either way).
 * - `GET /livez`: 200 while the process answers at all; for liveness probes,
 *   so a stale audit (say, C1 down) is not "fixed" by restarting the pod.
 * - `GET /metrics`: Prometheus text format 0.0.4.
 * HEAD is answered like GET without a body; other methods get 405, other paths 404.
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const { monitor, logger } = options;
  const host = options.host ?? '0.0.0.0';
  const routes: Record<string, () => { status: number; type: string; body: string }> = {
    '/healthz': () => {
      const health = monitor.health();
      return { status: health.status === 'ok' ? 200 : 503, type: 'application/json', body: JSON.stringify(health) };
    },
    '/livez': () => ({ status: 200, type: 'application/json', body: '{"status":"ok"}' }),
    '/metrics': () => ({ status: 200, type: PROMETHEUS_TEXT, body: monitor.metricsText() }),
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://health.invalid').pathname;
    const route = routes[path];
    if (!route) return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    }
    try {
      const { status, type, body } = route();
      send(res, status, type, body);
    } catch (err) {
      logger.error({ path, error: (err as Error).message }, 'health endpoint failed');
      send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
    }
  });
  // Probes and scrapers open short connections. A bounded number, each with a
  // bounded idle time: a flood of idle connections must not take the file
  // descriptors the audits need (C1, SMTP, report and state files).
  const idleTimeoutMs = options.idleTimeoutMs ?? 10_000;
  server.maxConnections = options.maxConnections ?? 32;
  server.keepAliveTimeout = Math.min(5_000, idleTimeoutMs);
  server.headersTimeout = idleTimeoutMs;
  server.requestTimeout = idleTimeoutMs;
  server.setTimeout(idleTimeoutMs, (socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(
        new HygieneError(
          'HEALTH_LISTEN_FAILED',
          `cannot listen for health checks on ${host}:${options.port} (${err.code ?? err.message}); change schedule.healthPort or free the port`,
          { details: { host, port: options.port, errno: err.code } },
        ),
      );
    };
    server.once('error', onError);
    server.listen(options.port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (err) => logger.error({ error: err.message }, 'health listener error'));

  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
