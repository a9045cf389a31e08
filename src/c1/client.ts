import { createHash } from 'node:crypto';
import { systemClock, type Clock, type Sleep } from '../clock.js';
import type { C1Credentials } from '../config/types.js';
import { HygieneError } from '../errors.js';
import type { KeyWarning, Owner, RawPersonalClient } from '../keys/types.js';
import type { Logger } from '../logger.js';
import type { RoleInfo } from '../rules/types.js';
import {
  createHttpClient,
  describeRequest,
  parseJsonBody,
  type HttpClient,
  type HttpRequest,
  type HttpResponse,
} from './http.js';
import { parseListPage } from './list-page.js';
import { PersonalClientChecker } from './personal-clients.js';
import { checkRoles } from './roles.js';
import { createTokenSource, type TokenSource } from './token-source.js';
import { checkUserViews } from './users.js';

export interface C1ClientOptions {
  /** API base URL without trailing slash (validated by the configuration loader). */
  baseUrl: string;
  credentials: C1Credentials;
  /** Budget for one HTTP attempt (connect, headers and body). */
  timeoutMs: number;
  /** Retries per request on 429/5xx, timeouts and network errors. */
  maxRetries: number;
  /** Page size asked of endpoints that take one (roles, the tenant search); the caller's own listing takes none. */
  pageSize: number;
  /** A listing longer than this many pages fails with C1_PAGINATION; null = no page count limit (`maxKeys` and the empty-page guard still bound it). */
  maxPages: number | null;
  /** A personal clients listing with more items than this fails with C1_TOO_MANY_KEYS (`c1.maxKeys`); default 200,000. */
  maxKeys?: number;
  /** Byte bounds against hostile listings (defaults: see `DEFAULT_LISTING_BOUNDS`); each names its config key when hit. */
  bounds?: Partial<ListingBounds>;
  logger: Logger;
  /** Real time, for token signing/caching and HTTP-date Retry-After. Never the audit's --as-of. */
  clock?: Clock;
  sleep?: Sleep;
  random?: () => number;
  /** First backoff ceiling (doubles per retry); default 500 ms. Tests make it small. */
  retryBaseDelayMs?: number;
  /** Longest Retry-After honoured; default 60 s. */
  maxRetryAfterMs?: number;
}

export interface PersonalClientListing {
  /**
   * Every usable item once, in API order; wrong-typed fields are neutralised
   * (see `RawPersonalClient.malformed`). Empty with `keepItems: false`: the
   * items went to `onKeys` only.
   */
  items: RawPersonalClient[];
  /** How many usable items were listed (kept or not). */
  count: number;
  /** One per wrong-typed field of a kept item: the key is still audited. */
  warnings: KeyWarning[];
  /** One per item left out: not an object, no usable id, or an id already listed. */
  skipped: KeyWarning[];
  /** How many pages were fetched. */
  pages: number;
}

/** Whose keys a listing returns: the caller's own, or every user's (admins only). */
export type Scope = 'self' | 'tenant';

export interface ListOptions {
  /** Default `self`. */
  scope?: Scope;
  /** Called with each page's kept keys as the listing goes, so owners can be looked up (and keys judged) meanwhile. */
  onKeys?: (keys: readonly RawPersonalClient[]) => void;
  /** False: the items are only handed to `onKeys`, never held (a streaming audit). Default true. */
  keepItems?: boolean;
}

export interface ListingBounds {
  /** One response (one page); `c1.maxResponseBytes`. */
  maxResponseBytes: number;
  /** One `nextPageToken`; `c1.maxPageTokenBytes`. */
  maxPageTokenBytes: number;
  /** All responses of one listing together; `c1.maxListingBytes`. */
  maxListingBytes: number;
}

export const DEFAULT_LISTING_BOUNDS: ListingBounds = {
  maxResponseBytes: 16 * 1024 * 1024,
  maxPageTokenBytes: 16 * 1024,
  maxListingBytes: 512 * 1024 * 1024,
};

/** A parsed JSON answer and the size of its body, so a listing can bound its total bytes. */
interface JsonReply {
  value: unknown;
  bytes: number;
}

const PATHS = {
  personalClients: '/api/v1/iam/personal_clients',
  searchPersonalClients: '/api/v1/search/iam/personal_clients',
  roles: '/api/v1/iam/roles',
  introspect: '/api/v1/auth/introspect',
  searchUsers: '/api/v1/search/users',
} as const;

export const DEFAULT_MAX_KEYS = 200_000;
/** The user search takes at most 100 ids and answers at most 100 users a page. */
export const USER_BATCH_SIZE = 100;
/**
 * Pages in a row that carry no item at all, yet a next page token: a server
 * paging through nothing forever. `maxKeys` cannot catch it (no keys arrive),
 * and a real listing has no reason to send more than a few.
 */
const MAX_EMPTY_PAGES_IN_A_ROW = 100;

type JsonBody = Record<string, unknown>;

/**
 * Read-only client for the parts of the C1 API the audit needs. Owns its
 * HTTP connections: call `close()` when done.
 */
export class C1Client {
  readonly #baseUrl: string;
  readonly #http: HttpClient;
  readonly #tokens: TokenSource;
  readonly #logger: Logger;
  readonly #pageSize: number;
  readonly #maxPages: number | null;
  readonly #maxKeys: number;
  readonly #bounds: ListingBounds;

  constructor(options: C1ClientOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#logger = options.logger;
    this.#pageSize = options.pageSize;
    this.#maxPages = options.maxPages;
    this.#maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
    this.#bounds = { ...DEFAULT_LISTING_BOUNDS, ...options.bounds };
    // The token source is made after the HTTP client (it sends through it), so
    // the secrets callback reads it late; until it exists there is nothing to hide.
    let tokens: TokenSource | undefined;
    this.#http = createHttpClient({
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
      logger: options.logger,
      clock: options.clock ?? systemClock,
      ...(options.sleep && { sleep: options.sleep }),
      ...(options.random && { random: options.random }),
      ...(options.retryBaseDelayMs !== undefined && { retryBaseDelayMs: options.retryBaseDelayMs }),
      ...(options.maxRetryAfterMs !== undefined && { maxRetryAfterMs: options.maxRetryAfterMs }),
      maxBodyBytes: this.#bounds.maxResponseBytes,
      secrets: () => tokens?.secrets() ?? [],
    });
    try {
      tokens = createTokenSource({
        credentials: options.credentials,
        baseUrl: this.#baseUrl,
        http: this.#http,
        logger: options.logger,
        clock: options.clock ?? systemClock,
      });
      this.#tokens = tokens;
    } catch (err) {
      void this.#http.close();
      throw err;
    }
  }

  /**
   * Every personal client in scope, across all pages: the caller's own
   * (`GET /api/v1/iam/personal_clients`, sent bare, `page_token` only to
   * follow a `nextPageToken`), or every user's (`POST
   * /api/v1/search/iam/personal_clients`, paging in the JSON body).
   */
  async listPersonalClients(options: ListOptions = {}): Promise<PersonalClientListing> {
    const scope = options.scope ?? 'self';
    const checker = new PersonalClientChecker({ keepItems: options.keepItems ?? true });
    let received = 0;
    let count = 0;
    const onPage = (pageItems: unknown[]): void => {
      received += pageItems.length;
      // Checked before the page is kept: a runaway listing stops here, not when memory runs out.
      if (received > this.#maxKeys) throw this.#tooManyKeys(received);
      const kept = checker.addPage(pageItems);
      count += kept.length;
      if (kept.length > 0) options.onKeys?.(kept);
    };
    const pages =
      scope === 'tenant'
        ? await this.#searchAllKeys(onPage)
        : await this.#paginate('personal_clients', (pageToken) => this.#getJson(PATHS.personalClients, pageToken === '' ? {} : { page_token: pageToken }), onPage);
    const { clients: items, warnings, skipped } = checker.result;
    for (const warning of skipped) this.#logger.warn({ warning }, 'skipped a malformed personal client');
    for (const warning of warnings) this.#logger.warn({ warning }, 'kept a personal client with a malformed field');
    this.#logger.info({ scope, clients: count, skipped: skipped.length, pages }, 'listed C1 personal clients');
    return { items, count, warnings, skipped, pages };
  }

  /** Every IAM role of the tenant, for resolving `scopedRoles` IDs to names. */
  async listRoles(): Promise<RoleInfo[]> {
    const roles: RoleInfo[] = [];
    let skipped = 0;
    await this.#paginate(
      'roles',
      (pageToken) => this.#getJson(PATHS.roles, { page_size: String(this.#pageSize), ...(pageToken !== '' && { page_token: pageToken }) }),
      (pageItems) => {
        const checked = checkRoles(pageItems);
        roles.push(...checked.roles);
        skipped += checked.skipped;
      },
    );
    if (skipped > 0) this.#logger.warn({ skipped }, 'skipped malformed roles (no string "id")');
    return roles;
  }

  /** Who the credentials belong to (`GET /api/v1/auth/introspect`): the caller's user id, or null when C1 does not say. */
  async introspect(): Promise<{ userId: string | null }> {
    const { value: body } = await this.#getJson(PATHS.introspect, {});
    const userId = typeof body === 'object' && body !== null ? (body as { userId?: unknown }).userId : undefined;
    return { userId: typeof userId === 'string' && userId !== '' ? userId : null };
  }

  /**
   * The users with these ids (at most 100), from `POST /api/v1/search/users`
   * (`refs`), following `nextPageToken` should the answer page. Ids C1 does
   * not know are simply absent from the result.
   */
  async searchUsersById(ids: readonly string[]): Promise<Owner[]> {
    if (ids.length > USER_BATCH_SIZE) throw new RangeError(`at most ${USER_BATCH_SIZE} ids per user search, got ${ids.length}`);
    const owners: Owner[] = [];
    let skipped = 0;
    const refs = ids.map((id) => ({ id }));
    await this.#paginate(
      'users',
      (pageToken) => this.#postJson(PATHS.searchUsers, { refs, pageSize: USER_BATCH_SIZE, ...(pageToken !== '' && { pageToken }) }),
      (pageItems) => {
        const checked = checkUserViews(pageItems);
        owners.push(...checked.owners);
        skipped += checked.skipped;
      },
    );
    if (skipped > 0) this.#logger.warn({ skipped }, 'skipped malformed users (no "user" with a string "id")');
    return owners;
  }

  /**
   * Revokes one personal client: `DELETE /api/v1/iam/personal_clients/{id}`
   * with the JSON body `{}` C1 documents. Retried like the listing (429/5xx,
   * network errors; a 401 fetches a new token once). Resolves on any 2xx and
   * throws a HygieneError otherwise: C1_FORBIDDEN (403), C1_NOT_FOUND (404,
   * the key is gone; `details.attempts` > 1 means an earlier attempt may
   * have deleted it), C1_HTTP_ERROR, or a transport error.
   */
  async deletePersonalClient(id: string): Promise<{ attempts: number }> {
    const url = new URL(`${this.#baseUrl}${PATHS.personalClients}/${encodeURIComponent(id)}`);
    const req: HttpRequest = { method: 'DELETE', url, headers: { 'content-type': 'application/json' }, body: '{}' };
    const response = await this.#call(req);
    return { attempts: response.attempts };
  }

  async close(): Promise<void> {
    await this.#http.close();
  }

  /** The tenant-wide search; a 403 here means the key is not an admin's, said in those words. */
  async #searchAllKeys(onPage: (items: unknown[]) => void): Promise<number> {
    try {
      return await this.#paginate(
        'personal_clients',
        (pageToken) => this.#postJson(PATHS.searchPersonalClients, { pageSize: this.#pageSize, ...(pageToken !== '' && { pageToken }) }),
        onPage,
      );
    } catch (err) {
      if (!(err instanceof HygieneError) || err.code !== 'C1_FORBIDDEN') throw err;
      const c1Message = typeof err.details.c1Message === 'string' ? `: ${err.details.c1Message}` : '';
      throw new HygieneError(
        'C1_FORBIDDEN',
        `C1 refused to list every user's API keys (HTTP 403 on POST ${PATHS.searchPersonalClients}${c1Message}). ` +
          'Tenant scope (c1.scope / C1_SCOPE = "tenant") needs the personal API key of a C1 admin (for example a Super Administrator ' +
          'or Read-only Super Administrator) whose scoped roles keep that access. Use such a key, or set C1_SCOPE=self to audit only ' +
          "this key owner's own keys.",
        { details: { ...err.details, scope: 'tenant' } },
      );
    }
  }

  #tooManyKeys(received: number): HygieneError {
    return new HygieneError(
      'C1_TOO_MANY_KEYS',
      `C1 listed more than ${this.#maxKeys} personal clients (c1.maxKeys); the audit stopped before holding more. ` +
        'If the tenant really has that many keys, raise c1.maxKeys.',
      { details: { maxKeys: this.#maxKeys, received } },
    );
  }

  /**
   * Fetches pages until `nextPageToken` is empty; returns the page count.
   * Stops a listing that would never end: a token handed back twice, pages
   * without items in a row, or more pages than `maxPages` when one is set.
   */
  async #paginate(resource: string, fetchPage: (pageToken: string) => Promise<JsonReply>, onPage: (items: unknown[]) => void): Promise<number> {
    // Digests, not the tokens: memory for the loop guard stays small whatever the tokens' size.
    const usedTokens = new Set<string>();
    let pageToken = '';
    let emptyInARow = 0;
    // Counted per listing (not per client): the owner lookups page while the key listing does.
    let listingBytes = 0;
    for (let pages = 1; ; pages += 1) {
      const reply = await fetchPage(pageToken);
      listingBytes += reply.bytes;
      this.#checkListingBytes(resource, pages, listingBytes);
      const page = parseListPage(reply.value, resource);
      onPage(page.items);
      if (page.nextPageToken === '') return pages;
      this.#checkPageToken(resource, pages, page.nextPageToken);
      emptyInARow = page.items.length === 0 ? emptyInARow + 1 : 0;
      if (emptyInARow >= MAX_EMPTY_PAGES_IN_A_ROW) {
        throw new HygieneError(
          'C1_PAGINATION',
          `C1 sent ${emptyInARow} ${resource} pages in a row without any item, each with another nextPageToken; stopping to avoid an endless listing`,
          { details: { resource, pages } },
        );
      }
      // A server that hands back a token already followed would page forever.
      usedTokens.add(tokenDigest(pageToken));
      if (usedTokens.has(tokenDigest(page.nextPageToken))) {
        throw new HygieneError(
          'C1_PAGINATION',
          `C1 sent a ${resource} nextPageToken it had already sent (page ${pages}); stopping to avoid an endless listing`,
          { details: { resource, pages } },
        );
      }
      if (this.#maxPages !== null && pages >= this.#maxPages) {
        throw new HygieneError(
          'C1_PAGINATION',
          `C1's ${resource} listing has more than ${this.#maxPages} pages; raise or remove c1.maxPages if that is expected`,
          { details: { resource, pages, maxPages: this.#maxPages } },
        );
      }
      pageToken = page.nextPageToken;
    }
  }

  #checkListingBytes(resource: string, pages: number, listingBytes: number): void {
    const { maxListingBytes } = this.#bounds;
    if (listingBytes <= maxListingBytes) return;
    throw new HygieneError(
      'LISTING_TOO_LARGE',
      `C1's ${resource} listing exceeds ${maxListingBytes} bytes after ${pages} pages; stopping before memory runs out. Raise c1.maxListingBytes if that is expected`,
      { details: { resource, pages, limit: 'c1.maxListingBytes', maxListingBytes } },
    );
  }

  #checkPageToken(resource: string, pages: number, token: string): void {
    const { maxPageTokenBytes } = this.#bounds;
    const size = Buffer.byteLength(token, 'utf8');
    if (size <= maxPageTokenBytes) return;
    throw new HygieneError(
      'LISTING_TOO_LARGE',
      `C1 sent a ${resource} nextPageToken of ${size} bytes on page ${pages}, above c1.maxPageTokenBytes (${maxPageTokenBytes}); stopping. Raise c1.maxPageTokenBytes if that is expected`,
      { details: { resource, pages, limit: 'c1.maxPageTokenBytes', maxPageTokenBytes } },
    );
  }

  /** GET with exactly these query parameters (none when empty: C1 refuses what an endpoint does not document). */
  #getJson(path: string, query: Record<string, string>): Promise<JsonReply> {
    const url = new URL(`${this.#baseUrl}${path}`);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    return this.#callJson({ method: 'GET', url });
  }

  /** POST of a JSON message (the search endpoints: paging goes in the body). */
  #postJson(path: string, body: JsonBody): Promise<JsonReply> {
    return this.#callJson({
      method: 'POST',
      url: new URL(`${this.#baseUrl}${path}`),
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  /** An API call whose answer is JSON, with the body's size for the listing bounds. */
  async #callJson(req: HttpRequest): Promise<JsonReply> {
    const response = await this.#call(req);
    return { value: parseJsonBody(response, req), bytes: Buffer.byteLength(response.body, 'utf8') };
  }

  /**
   * Sends with a bearer token; any non-2xx answer becomes a HygieneError. A
   * 401 means the token expired or was revoked: fetch a new one once and try
   * again; a second 401 is final.
   */
  async #call(req: HttpRequest): Promise<HttpResponse> {
    let { response, token } = await this.#authorizedSend(req);
    if (response.status === 401) {
      if (!this.#tokens.refreshable) {
        throw this.#tokenRefused(req, response, token, 'the access token is expired or revoked; get a new one');
      }
      this.#logger.info({ request: describeRequest(req) }, 'C1 refused the access token; fetching a new one');
      this.#tokens.invalidate();
      ({ response, token } = await this.#authorizedSend(req));
      if (response.status === 401) throw this.#tokenRefused(req, response, token, 'a freshly issued token was refused too');
    }
    if (response.status < 200 || response.status > 299) throw this.#http.statusError(response, req, [token]);
    return response;
  }

  async #authorizedSend(req: HttpRequest): Promise<{ response: HttpResponse; token: string }> {
    const token = await this.#tokens.getToken();
    const response = await this.#http.send({ ...req, headers: { ...req.headers, authorization: `Bearer ${token}` } });
    return { response, token };
  }

  #tokenRefused(req: HttpRequest, response: HttpResponse, token: string, why: string): HygieneError {
    const c1Message = this.#http.c1ErrorMessage(response.body, [token]);
    const what = describeRequest(req);
    return new HygieneError('C1_AUTH_FAILED', `C1 refused the access token for ${what} (HTTP 401${c1Message ? `: ${c1Message}` : ''}): ${why}`, {
      details: { request: what, status: 401, c1Message },
    });
  }
}

// Re-exported so callers that build a client find the URL/tenant helpers beside it.

export function createC1Client(options: C1ClientOptions): C1Client {
  return new C1Client(options);
}

function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('base64');
}
