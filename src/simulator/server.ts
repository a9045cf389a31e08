import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { systemClock, type Clock } from '../clock.js';
import { generateCredential, type GeneratedCredential, type PublicEd25519Jwk } from './credentials.js';
import { FaultQueue, type Fault, type FaultSpec, type SimulatorRoute } from './faults.js';
import { decodePageToken, encodePageToken, slicePage } from './paging.js';
import { deleteBodyProblem, indexOfPersonalClient, personalClientIdOf } from './personal-client-item.js';
import { BUILTIN_ROLES } from './roles.js';
import { TokenAuthority, TokenRefusal } from './tokens.js';

export interface SimulatorOptions {
  /** The tenant the simulator pretends to be; assertions must carry it (without port) as `aud`. Default `acme.conductor.one`. */
  tenantHost?: string;
  /** Listen address; loopback only by default. */
  host?: string;
  /** Listen port; 0 (default) picks a free one. */
  port?: number;
  /** Keys whose assertions are accepted, besides the one the simulator generates for itself. */
  credentials?: ReadonlyArray<{ clientId: string; publicJwk: PublicEd25519Jwk }>;
  /** Raw JSON objects served by `GET /api/v1/iam/personal_clients`, exactly as given (garbage included). */
  personalClients?: readonly unknown[];
  /** Raw JSON objects served by `GET /api/v1/iam/roles`; default `BUILTIN_ROLES`. */
  roles?: readonly unknown[];
  /** Lifetime of issued access tokens (`expires_in`); default 3600 s. */
  tokenTtlSeconds?: number;
  /** Page size when the client sends none; default 10. */
  pageSize?: number;
  /** Larger `page_size` requests are cut down to this; default 100. */
  maxPageSize?: number;
  /** Every response is delayed by this many ms; default 0. */
  latencyMs?: number;
  /** Time for token expiry and assertion checks; default the system clock. */
  clock?: Clock;
  /** Who the tokens belong to, as `GET /api/v1/auth/introspect` reports; default `sim-user-1`. */
  userId?: string;
}

/** One request as the simulator received it, for tests to assert on. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Every header, as received (lower-case names). */
  headers: IncomingHttpHeaders;
  /** The raw request body ('' when none). */
  body: string;
  route: SimulatorRoute;
  at: Date;
}

export interface Simulator {
  /** Base URL it listens on, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly tenantHost: string;
  /** A key generated and registered at start: use its `clientId`/`clientSecret` as the personal API key. */
  readonly credential: GeneratedCredential;
  /** Every request received, oldest first. */
  readonly requests: RecordedRequest[];
  requestsTo(route: SimulatorRoute): RecordedRequest[];
  registerCredential(clientId: string, publicJwk: PublicEd25519Jwk): void;
  /** Issues a valid access token directly, as `cone token` would print one. */
  issueToken(clientId?: string): string;
  setPersonalClients(list: readonly unknown[]): void;
  /** What the listing serves right now (a DELETE removes the key from it). */
  personalClients(): unknown[];
  setRoles(list: readonly unknown[]): void;
  setLatency(ms: number): void;
  setTokenTtl(seconds: number): void;
  /** Queues misbehaviour for the next `times` requests of `route` (see `Fault`). */
  injectFault(spec: FaultSpec): void;
  clearFaults(): void;
  /** Revokes every issued token: the next API call with one gets a 401. */
  expireTokens(): void;
  /** Stops listening and destroys open connections; pending delayed responses are dropped. */
  close(): Promise<void>;
}

const DEFAULT_TENANT_HOST = 'acme.conductor.one';
const MAX_REQUEST_BODY_BYTES = 64 * 1024;

/** gRPC status codes C1 puts in its JSON error bodies. */
const GRPC_CODE_BY_STATUS: Record<number, number> = {
  400: 3, // INVALID_ARGUMENT
  401: 16, // UNAUTHENTICATED
  403: 7, // PERMISSION_DENIED
  404: 5, // NOT_FOUND
  429: 8, // RESOURCE_EXHAUSTED
  500: 13, // INTERNAL
  502: 14, // UNAVAILABLE
  503: 14, // UNAVAILABLE
  504: 4, // DEADLINE_EXCEEDED
};

/**
 * Starts a local stand-in for a C1 tenant's API: token exchange with real
 * JWT client-assertion checks, paged personal clients and roles, introspect,
 * plus fault injection and request recording. Used by the tests and by the
 * `demo` command, so it only ever listens on loopback unless told otherwise.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const tenantHost = options.tenantHost ?? DEFAULT_TENANT_HOST;
  const clock = options.clock ?? systemClock;
  const defaultPageSize = options.pageSize ?? 10;
  const maxPageSize = options.maxPageSize ?? 100;
  const userId = options.userId ?? 'sim-user-1';
  let latencyMs = options.latencyMs ?? 0;
  let personalClients: readonly unknown[] = [...(options.personalClients ?? [])];
  let roles: readonly unknown[] = [...(options.roles ?? BUILTIN_ROLES)];

  const authority = new TokenAuthority({
    audience: tenantHost.replace(/:\d+$/, ''),
    clock,
    ttlSeconds: options.tokenTtlSeconds ?? 3600,
  });
  const credential = generateCredential(tenantHost, 'sim-owner');
  authority.register(credential.clientId, credential.publicJwk);
  for (const c of options.credentials ?? []) authority.register(c.clientId, c.publicJwk);

  const faults = new FaultQueue();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closing = false;

  /** Waits unless the simulator closes first; resolves false when it did. */
  function wait(ms: number): Promise<boolean> {
    if (ms <= 0) return Promise.resolve(!closing);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve(!closing);
      }, ms);
      timers.add(timer);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    const route = routeOf(req.method ?? '', url.pathname);
    requests.push({
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      body,
      route,
      at: clock(),
    });

    const itemId = route === 'personal_client' || route === 'delete_personal_client' ? personalClientIdOf(url.pathname) : null;
    const fault = faults.take(route, itemId ?? undefined);
    let delay = latencyMs;
    if (fault?.kind === 'delay') delay += fault.ms;
    if (!(await wait(delay)) || res.destroyed) return;

    if (fault && applyResponseFault(fault, req, body, res)) return;
    if (fault?.kind === 'expire-tokens') authority.revokeAll();
    const repeatPageToken = fault?.kind === 'repeat-page-token';

    switch (route) {
      case 'token':
        return handleToken(req, body, res);
      case 'personal_clients':
        if (!authorized(req, res)) return;
        return servePage(res, route, personalClients, url.searchParams, repeatPageToken);
      case 'roles':
        if (!authorized(req, res)) return;
        return servePage(res, route, roles, url.searchParams, repeatPageToken);
      case 'personal_client': {
        if (!authorized(req, res)) return;
        const index = indexOfPersonalClient(personalClients, itemId!);
        if (index < 0) return sendError(res, 404, 'personal client not found');
        return sendJson(res, 200, { personalClient: personalClients[index] });
      }
      case 'delete_personal_client': {
        if (!authorized(req, res)) return;
        const problem = deleteBodyProblem(req.headers['content-type'], body);
        if (problem !== null) return sendError(res, 400, problem);
        const index = indexOfPersonalClient(personalClients, itemId!);
        if (index < 0) return sendError(res, 404, 'personal client not found');
        // Revoked keys leave the listing at once, as they leave C1's UI.
        personalClients = personalClients.filter((_, position) => position !== index);
        return sendJson(res, 200, {});
      }
      case 'introspect':
        if (!authorized(req, res)) return;
        return sendJson(res, 200, {
          userId,
          tenantId: `sim-tenant-${tenantHost.split('.')[0] ?? 'acme'}`,
          roles: [BUILTIN_ROLES[0]!.id],
          permissions: ['*'],
        });
      case 'unknown':
        return sendError(res, 404, `no route for ${req.method ?? ''} ${url.pathname}`);
    }
  }

  async function handleToken(req: IncomingMessage, body: string, res: ServerResponse): Promise<void> {
    // C1 takes client credentials only in the form body; a client that puts
    // them in a header is doing something the real service would not accept.
    if (req.headers.authorization !== undefined) {
      return sendError(res, 401, 'credentials must be sent in the form body, not in an Authorization header');
    }
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (contentType !== 'application/x-www-form-urlencoded') {
      return sendError(res, 401, 'token request body must be application/x-www-form-urlencoded');
    }
    try {
      const issued = await authority.exchange(new URLSearchParams(body));
      sendJson(res, 200, { access_token: issued.accessToken, token_type: 'Bearer', expires_in: issued.expiresInSeconds });
    } catch (err) {
      if (err instanceof TokenRefusal) return sendError(res, 401, err.message);
      throw err;
    }
  }

  function authorized(req: IncomingMessage, res: ServerResponse): boolean {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match) {
      sendError(res, 401, 'missing bearer token');
      return false;
    }
    if (authority.check(match[1]!) === null) {
      sendError(res, 401, 'invalid or expired access token');
      return false;
    }
    return true;
  }

  function servePage(
    res: ServerResponse,
    route: SimulatorRoute,
    all: readonly unknown[],
    query: URLSearchParams,
    repeatPageToken: boolean,
  ): void {
    const pageSize = parsePageSize(query.get('page_size'), defaultPageSize, maxPageSize);
    if (pageSize === null) return sendError(res, 400, 'page_size must be a non-negative integer');
    const pageToken = query.get('page_token') ?? '';
    let offset = 0;
    if (pageToken !== '') {
      const decoded = decodePageToken(route, pageToken);
      if (decoded === null) return sendError(res, 400, 'invalid page_token');
      offset = decoded;
    }
    const page = slicePage(route, all, offset, pageSize);
    const nextPageToken = repeatPageToken ? pageToken || encodePageToken(route, 0) : page.nextPageToken;
    // Like C1, an empty page carries `list: null`, not `[]`.
    sendJson(res, 200, { list: page.items.length > 0 ? page.items : null, nextPageToken });
  }

  /** Answers for the faults that replace the response entirely; returns false for the others. */
  function applyResponseFault(fault: Fault, req: IncomingMessage, body: string, res: ServerResponse): boolean {
    switch (fault.kind) {
      case 'status': {
        const headers: Record<string, string> = {};
        if (fault.retryAfter !== undefined) headers['retry-after'] = formatRetryAfter(fault.retryAfter);
        let message = fault.message ?? `simulated HTTP ${fault.status}`;
        if (fault.echoCredentials) message += echoedCredentials(req, body);
        sendError(res, fault.status, message, headers);
        return true;
      }
      case 'malformed-json':
        send(res, 200, '{"list": [{"id": "broken"', 'application/json');
        return true;
      case 'truncated-body': {
        const full = Buffer.from(JSON.stringify({ list: [{ id: 'cut-off', displayName: 'x'.repeat(512) }], nextPageToken: '' }));
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(full.length) });
        // Send half of what Content-Length promised, then drop the connection once it is on the wire.
        res.write(full.subarray(0, Math.floor(full.length / 2)), () => res.destroy());
        return true;
      }
      case 'wrong-shape':
        sendJson(res, 200, fault.body === undefined ? { list: 'nope' } : fault.body);
        return true;
      case 'delay':
      case 'repeat-page-token':
      case 'expire-tokens':
        return false;
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) sendError(res, 500, `simulator error: ${(err as Error).message}`);
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('simulator did not bind a TCP port');
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${hostForUrl}:${address.port}`,
    tenantHost,
    credential,
    requests,
    requestsTo: (route) => requests.filter((r) => r.route === route),
    registerCredential: (clientId, publicJwk) => authority.register(clientId, publicJwk),
    issueToken: (clientId = credential.clientId) => authority.issue(clientId).accessToken,
    setPersonalClients: (list) => {
      personalClients = [...list];
    },
    personalClients: () => [...personalClients],
    setRoles: (list) => {
      roles = [...list];
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    setTokenTtl: (seconds) => {
      authority.ttlSeconds = seconds;
    },
    injectFault: (spec) => faults.add(spec),
    clearFaults: () => faults.clear(),
    expireTokens: () => authority.revokeAll(),
    close: async () => {
      if (closing) return;
      closing = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

function routeOf(method: string, path: string): SimulatorRoute {
  if (method === 'POST' && path === '/auth/v1/token') return 'token';
  if (method === 'GET' && path === '/api/v1/iam/personal_clients') return 'personal_clients';
  if (method === 'GET' && path === '/api/v1/iam/roles') return 'roles';
  if (method === 'GET' && path === '/api/v1/auth/introspect') return 'introspect';
  if (personalClientIdOf(path) !== null) {
    if (method === 'GET') return 'personal_client';
    if (method === 'DELETE') return 'delete_personal_client';
  }
  return 'unknown';
}

function parsePageSize(raw: string | null, fallback: number, max: number): number | null {
  if (raw !== null && raw !== '' && !/^\d+$/.test(raw)) return null;
  const size = raw === null || raw === '' || Number(raw) === 0 ? fallback : Number(raw);
  return Math.max(1, Math.min(size, max));
}

/** What a request carried that a server must never repeat, as a careless one would: ` (denied for Bearer …; client_assertion=…)`. */
function echoedCredentials(req: IncomingMessage, body: string): string {
  const parts: string[] = [];
  if (req.headers.authorization !== undefined) parts.push(`denied for ${req.headers.authorization}`);
  const assertion = new URLSearchParams(body).get('client_assertion');
  if (assertion !== null) parts.push(`client_assertion=${assertion}`);
  return parts.length > 0 ? ` (${parts.join('; ')})` : ' (no credentials received)';
}

function formatRetryAfter(value: number | Date | string): string {
  if (value instanceof Date) return value.toUTCString();
  return String(value);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: string, contentType: string, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(res, status, JSON.stringify(value), 'application/json', headers);
}

/** C1-style error body: a gRPC status code, a message and (always empty here) details. */
function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { code: GRPC_CODE_BY_STATUS[status] ?? 2, message, details: [] }, headers);
}
