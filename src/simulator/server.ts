import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { systemClock, type Clock } from '../clock.js';
import { generateCredential, type GeneratedCredential, type PublicEd25519Jwk } from './credentials.js';
import { FaultQueue, type Fault, type FaultSpec, type SimulatorRoute } from './faults.js';
import { decodePageToken, encodePageToken, slicePage } from './paging.js';
import { BadRequest, checkQuery, parsePersonalClientSearch, parseUserSearch } from './requests.js';
import { deleteBodyProblem, indexOfPersonalClient, personalClientIdOf } from './personal-client-item.js';
import { BUILTIN_ROLES } from './roles.js';
import { TokenAuthority, TokenRefusal } from './tokens.js';
import { defaultUser, indexUsers, ownerIds } from './users.js';

export interface SimulatorOptions {
  /** The tenant the simulator pretends to be (the host in the client IDs it makes). Default `acme.conductor.one`. */
  tenantHost?: string;
  /**
   * The JWT `aud` the token endpoint accepts. Default: the host the token
   * request was addressed to, without its port, lower-cased. That is what a
   * tenant reached through an API URL override expects, because C1's CLI then
   * signs for the override host (see c1-api.md).
   */
  audience?: string;
  /** Listen address; loopback only by default. */
  host?: string;
  /** Listen port; 0 (default) picks a free one. */
  port?: number;
  /** Keys whose assertions are accepted, besides the one the simulator generates for itself. */
  credentials?: ReadonlyArray<{ clientId: string; publicJwk: PublicEd25519Jwk }>;
  /**
   * Raw JSON objects served by `GET /api/v1/iam/personal_clients` and
   * `POST /api/v1/search/iam/personal_clients`, exactly as given (garbage
   * included). The simulator does not tell callers apart: the caller's own
   * listing serves all of them too.
   */
  personalClients?: readonly unknown[];
  /**
   * Raw `User` objects served by `GET /api/v1/users/{id}` and `POST
   * /api/v1/search/users`. Default: an enabled user (e-mail in example.com)
   * for the caller and for every `userId` among the personal clients.
   */
  users?: readonly unknown[];
  /** Raw JSON objects served by `GET /api/v1/iam/roles`; default `BUILTIN_ROLES`. */
  roles?: readonly unknown[];
  /** Lifetime of issued access tokens (`expires_in`); default 3600 s. */
  tokenTtlSeconds?: number;
  /**
   * Page size of the caller's own listing (which takes none), and of the
   * other listings when the client asks for none; default 10.
   */
  pageSize?: number;
  /** Larger page sizes asked of roles and the personal clients search are cut down to this; default 100. */
  maxPageSize?: number;
  /** The user search answers at most this many users a page, whatever was asked (a server may cap); default 100. */
  maxUsersPageSize?: number;
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
  /** The most requests of `route` that were being answered at the same time so far (latency included). */
  peakConcurrency(route: SimulatorRoute): number;
  registerCredential(clientId: string, publicJwk: PublicEd25519Jwk): void;
  /** Issues a valid access token directly, as `cone token` would print one. */
  issueToken(clientId?: string): string;
  setPersonalClients(list: readonly unknown[]): void;
  /** Replaces the users; null goes back to the default (an enabled user for every owner). */
  setUsers(list: readonly unknown[] | null): void;
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
/** The user search's own page-size rules: 0 means 25, under 10 means 10, above 100 is refused. */
const USER_SEARCH_DEFAULT_PAGE_SIZE = 25;
const USER_SEARCH_MIN_PAGE_SIZE = 10;
const USER_SEARCH_MAX_PAGE_SIZE = 100;

/** Query parameters each route documents; anything else is refused with 400. */
const QUERY_PARAMETERS: Record<Exclude<SimulatorRoute, 'unknown'>, readonly string[]> = {
  token: [],
  // The documented request has no parameters; page_token is what other C1 list endpoints take, for a response that pages anyway.
  personal_clients: ['page_token'],
  search_personal_clients: [],
  roles: ['page_size', 'page_token'],
  introspect: [],
  user: [],
  search_users: [],
  personal_client: [],
  delete_personal_client: [],
};

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
  const maxUsersPageSize = options.maxUsersPageSize ?? USER_SEARCH_MAX_PAGE_SIZE;
  const userId = options.userId ?? 'sim-user-1';
  let latencyMs = options.latencyMs ?? 0;
  let personalClients: readonly unknown[] = [...(options.personalClients ?? [])];
  let roles: readonly unknown[] = [...(options.roles ?? BUILTIN_ROLES)];
  let givenUsers: readonly unknown[] | null = options.users ? [...options.users] : null;
  /** Built on first use and dropped when keys or users change: a search of 100 ids must not rescan 100,000 keys. */
  let userDirectory: { list: readonly unknown[]; byId: Map<string, unknown> } | null = null;
  const users = (): { list: readonly unknown[]; byId: Map<string, unknown> } => {
    if (userDirectory === null) {
      const list = givenUsers ?? [userId, ...ownerIds(personalClients).filter((id) => id !== userId)].map(defaultUser);
      userDirectory = { list, byId: indexUsers(list) };
    }
    return userDirectory;
  };

  const authority = new TokenAuthority({
    audience: options.audience ?? null,
    clock,
    ttlSeconds: options.tokenTtlSeconds ?? 3600,
  });
  const credential = generateCredential(tenantHost, 'sim-owner');
  authority.register(credential.clientId, credential.publicJwk);
  for (const c of options.credentials ?? []) authority.register(c.clientId, c.publicJwk);

  const faults = new FaultQueue();
  const requests: RecordedRequest[] = [];
  /** Requests of each route being answered right now, and the most at once so far. */
  const concurrency = new Map<SimulatorRoute, { now: number; peak: number }>();
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
    const { route, userPathId } = routeOf(req.method ?? '', url.pathname);
    requests.push({
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      body,
      route,
      at: clock(),
    });
    const counter = concurrency.get(route) ?? { now: 0, peak: 0 };
    concurrency.set(route, counter);
    counter.now += 1;
    counter.peak = Math.max(counter.peak, counter.now);
    try {
      await respond(req, res, url, route, userPathId, body);
    } finally {
      counter.now -= 1;
    }
  }

  async function respond(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    route: SimulatorRoute,
    userPathId: string | undefined,
    body: string,
  ): Promise<void> {
    const itemId = route === 'personal_client' || route === 'delete_personal_client' ? personalClientIdOf(url.pathname) : null;
    const fault = faults.take(route, itemId ?? undefined);
    let delay = latencyMs;
    if (fault?.kind === 'delay') delay += fault.ms;
    if (!(await wait(delay)) || res.destroyed) return;

    if (fault && applyResponseFault(fault, req, body, res)) return;
    if (fault?.kind === 'expire-tokens') authority.revokeAll();
    const repeatPageToken = fault?.kind === 'repeat-page-token';

    if (route === 'unknown') return sendError(res, 404, `no route for ${req.method ?? ''} ${url.pathname}`);
    try {
      checkQuery(url.searchParams, QUERY_PARAMETERS[route], `${req.method ?? ''} ${url.pathname}`);
      if (route === 'token') return await handleToken(req, body, res);
      if (!authorized(req, res)) return;
      switch (route) {
        case 'personal_clients':
          return servePersonalClients(res, url.searchParams.get('page_token') ?? '', repeatPageToken);
        case 'search_personal_clients':
          return searchPersonalClients(req, body, res, repeatPageToken);
        case 'roles':
          return servePage(res, route, roles, url.searchParams, repeatPageToken);
        case 'introspect':
          // C1 spells it "principleId".
          return sendJson(res, 200, { principleId: userId, userId, roles: [BUILTIN_ROLES[0]!.id], permissions: ['*'], features: [] });
        case 'user':
          return serveUser(res, userPathId ?? '');
        case 'search_users':
          return searchUsers(req, body, res, repeatPageToken);
        case 'personal_client': {
          const index = indexOfPersonalClient(personalClients, itemId!);
          if (index < 0) return sendError(res, 404, 'personal client not found');
          return sendJson(res, 200, { personalClient: personalClients[index] });
        }
        case 'delete_personal_client': {
          const problem = deleteBodyProblem(req.headers['content-type'], body);
          if (problem !== null) return sendError(res, 400, problem);
          const index = indexOfPersonalClient(personalClients, itemId!);
          if (index < 0) return sendError(res, 404, 'personal client not found');
          // Revoked keys leave the listing at once, as they leave C1's UI.
          personalClients = personalClients.filter((_, position) => position !== index);
          return sendJson(res, 200, {});
        }
      }
    } catch (err) {
      if (err instanceof BadRequest) return sendError(res, 400, err.message);
      throw err;
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
      const issued = await authority.exchange(new URLSearchParams(body), addressedHost(req));
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

  /** The caller's own listing: the page size is the server's (the request takes none). */
  function servePersonalClients(res: ServerResponse, pageToken: string, repeatPageToken: boolean): void {
    const offset = pageToken === '' ? 0 : decodePageToken('personal_clients', pageToken);
    if (offset === null) return sendError(res, 400, 'invalid page_token');
    sendList(res, 'personal_clients', personalClients, offset, defaultPageSize, pageToken, repeatPageToken);
  }

  /** Every user's keys, paged in the JSON body; optionally only those of `users` or matching `query`. */
  function searchPersonalClients(req: IncomingMessage, body: string, res: ServerResponse, repeatPageToken: boolean): void {
    const search = parsePersonalClientSearch(body, req.headers['content-type']);
    const pageToken = search.pageToken ?? '';
    const offset = pageToken === '' ? 0 : decodePageToken('search_personal_clients', pageToken);
    if (offset === null) return sendError(res, 400, 'invalid pageToken');
    const pageSize = Math.min(search.pageSize || defaultPageSize, maxPageSize);
    let matching = personalClients;
    if (search.users !== undefined && search.users.length > 0) {
      const wanted = new Set(search.users.map((ref) => ref.id));
      matching = matching.filter((item) => wanted.has(String((item as { userId?: unknown } | null)?.userId)));
    }
    if (search.query) {
      const needle = search.query.toLowerCase();
      matching = matching.filter((item) => {
        const { displayName, clientId } = (item ?? {}) as { displayName?: unknown; clientId?: unknown };
        return [displayName, clientId].some((text) => typeof text === 'string' && text.toLowerCase().includes(needle));
      });
    }
    sendList(res, 'search_personal_clients', matching, offset, pageSize, pageToken, repeatPageToken);
  }

  function serveUser(res: ServerResponse, id: string): void {
    const user = users().byId.get(id);
    if (user === undefined) return sendError(res, 404, `user ${JSON.stringify(id)} not found`);
    // The user is nested: {"userView": {"user": …}, "expanded": []}.
    sendJson(res, 200, { userView: { user }, expanded: [] });
  }

  /** Many users at once, each under `list[].user`; ids that match nobody are simply absent. */
  function searchUsers(req: IncomingMessage, body: string, res: ServerResponse, repeatPageToken: boolean): void {
    const search = parseUserSearch(body, req.headers['content-type']);
    const asked = search.pageSize ?? 0;
    if (asked > USER_SEARCH_MAX_PAGE_SIZE) return sendError(res, 400, `pageSize must be from 0 to ${USER_SEARCH_MAX_PAGE_SIZE}`);
    const pageSize = Math.min(asked === 0 ? USER_SEARCH_DEFAULT_PAGE_SIZE : Math.max(asked, USER_SEARCH_MIN_PAGE_SIZE), maxUsersPageSize);
    const pageToken = search.pageToken ?? '';
    const offset = pageToken === '' ? 0 : decodePageToken('search_users', pageToken);
    if (offset === null) return sendError(res, 400, 'invalid pageToken');

    const directory = users();
    let matching: readonly unknown[] = directory.list;
    if (search.refs !== undefined && search.refs.length > 0) {
      const seen = new Set<string>();
      matching = search.refs.flatMap(({ id }) => {
        const user = directory.byId.get(id);
        if (user === undefined || seen.has(id)) return [];
        seen.add(id);
        return [user];
      });
    }
    const field = (user: unknown, name: string): unknown => (typeof user === 'object' && user !== null ? (user as Record<string, unknown>)[name] : undefined);
    if (search.email !== undefined) matching = matching.filter((user) => field(user, 'email') === search.email);
    if (search.userStatuses !== undefined && search.userStatuses.length > 0) {
      const statuses = new Set(search.userStatuses);
      matching = matching.filter((user) => statuses.has(String(field(user, 'status'))));
    }
    if (search.query) {
      const needle = search.query.toLowerCase();
      matching = matching.filter((user) =>
        ['displayName', 'email', 'username'].some((name) => String(field(user, name) ?? '').toLowerCase().includes(needle)),
      );
    }
    const page = slicePage('search_users', matching, offset, pageSize);
    const nextPageToken = repeatPageToken ? pageToken || encodePageToken('search_users', 0) : page.nextPageToken;
    sendJson(res, 200, { list: page.items.length > 0 ? page.items.map((user) => ({ user })) : null, nextPageToken, expanded: [] });
  }

  function sendList(
    res: ServerResponse,
    route: SimulatorRoute,
    all: readonly unknown[],
    offset: number,
    pageSize: number,
    pageToken: string,
    repeatPageToken: boolean,
  ): void {
    const page = slicePage(route, all, offset, pageSize);
    const nextPageToken = repeatPageToken ? pageToken || encodePageToken(route, 0) : page.nextPageToken;
    // Like C1, an empty page carries `list: null`, not `[]`.
    sendJson(res, 200, { list: page.items.length > 0 ? page.items : null, nextPageToken });
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
    sendList(res, route, all, offset, pageSize, pageToken, repeatPageToken);
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
      case 'raw-body': {
        const query = Object.fromEntries(new URL(req.url ?? '/', 'http://simulator').searchParams);
        send(res, 200, typeof fault.body === 'function' ? fault.body(query) : fault.body, 'application/json');
        return true;
      }
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
    peakConcurrency: (route) => concurrency.get(route)?.peak ?? 0,
    registerCredential: (clientId, publicJwk) => authority.register(clientId, publicJwk),
    issueToken: (clientId = credential.clientId) => authority.issue(clientId).accessToken,
    setPersonalClients: (list) => {
      personalClients = [...list];
      userDirectory = null;
    },
    setUsers: (list) => {
      givenUsers = list === null ? null : [...list];
      userDirectory = null;
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

function routeOf(method: string, path: string): { route: SimulatorRoute; userPathId?: string } {
  if (method === 'POST' && path === '/auth/v1/token') return { route: 'token' };
  if (method === 'GET' && path === '/api/v1/iam/personal_clients') return { route: 'personal_clients' };
  if (method === 'POST' && path === '/api/v1/search/iam/personal_clients') return { route: 'search_personal_clients' };
  if (method === 'GET' && path === '/api/v1/iam/roles') return { route: 'roles' };
  if (method === 'GET' && path === '/api/v1/auth/introspect') return { route: 'introspect' };
  if (method === 'POST' && path === '/api/v1/search/users') return { route: 'search_users' };
  if (personalClientIdOf(path) !== null) {
    if (method === 'GET') return { route: 'personal_client' };
    if (method === 'DELETE') return { route: 'delete_personal_client' };
  }
  const user = /^\/api\/v1\/users\/([^/]+)$/.exec(path);
  if (method === 'GET' && user) return { route: 'user', userPathId: decodeURIComponent(user[1]!) };
  return { route: 'unknown' };
}

/** The host a request was sent to, as a JWT audience: no port, lower case. */
function addressedHost(req: IncomingMessage): string {
  try {
    return new URL(`http://${req.headers.host ?? ''}`).hostname.toLowerCase();
  } catch {
    return '';
  }
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
