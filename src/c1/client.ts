import type { Dispatcher } from 'undici';
import { systemClock, type Clock, type Sleep } from '../clock.js';
import type { C1Credentials } from '../config/types.js';
import { HygieneError } from '../errors.js';
import type { KeyWarning, RawPersonalClient } from '../keys/types.js';
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

export interface C1ClientOptions {
  /** API base URL without trailing slash (validated by the configuration loader). */
  baseUrl: string;
  credentials: C1Credentials;
  /** Budget for one HTTP attempt (connect, headers and body). */
  timeoutMs: number;
  /** Retries per request on 429/5xx, timeouts and network errors. */
  maxRetries: number;
  /** `page_size` sent to list endpoints. */
  pageSize: number;
  /** A listing longer than this many pages fails with C1_PAGINATION (guards against endless paging). */
  maxPages: number;
  logger: Logger;
  /** Real time, for token signing/caching and HTTP-date Retry-After. Never the audit's --as-of. */
  clock?: Clock;
  sleep?: Sleep;
  random?: () => number;
  /** First backoff ceiling (doubles per retry); default 500 ms. Tests make it small. */
  retryBaseDelayMs?: number;
  /** Longest Retry-After honoured; default 60 s. */
  maxRetryAfterMs?: number;
  /** Use this undici dispatcher instead of a private one. */
  dispatcher?: Dispatcher;
}

export interface PersonalClientListing {
  /** Every usable item once, in API order; wrong-typed fields are neutralised (see `RawPersonalClient.malformed`). */
  items: RawPersonalClient[];
  /** One per wrong-typed field of a kept item: the key is still audited. */
  warnings: KeyWarning[];
  /** One per item left out: not an object, no usable id, or an id already listed. */
  skipped: KeyWarning[];
  /** How many pages were fetched. */
  pages: number;
}

const PATHS = {
  personalClients: '/api/v1/iam/personal_clients',
  roles: '/api/v1/iam/roles',
} as const;

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
  readonly #maxPages: number;

  constructor(options: C1ClientOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#logger = options.logger;
    this.#pageSize = options.pageSize;
    this.#maxPages = options.maxPages;
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
      ...(options.dispatcher && { dispatcher: options.dispatcher }),
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

  /** Every personal client of the calling user, across all pages. */
  async listPersonalClients(): Promise<PersonalClientListing> {
    const checker = new PersonalClientChecker();
    const pages = await this.#paginate(PATHS.personalClients, 'personal_clients', (pageItems) => checker.addPage(pageItems));
    const { clients: items, warnings, skipped } = checker.result;
    for (const warning of skipped) this.#logger.warn({ warning }, 'skipped a malformed personal client');
    for (const warning of warnings) this.#logger.warn({ warning }, 'kept a personal client with a malformed field');
    this.#logger.info({ clients: items.length, skipped: skipped.length, pages }, 'listed C1 personal clients');
    return { items, warnings, skipped, pages };
  }

  /** Every IAM role of the tenant, for resolving `scopedRoles` IDs to names. */
  async listRoles(): Promise<RoleInfo[]> {
    const roles: RoleInfo[] = [];
    let skipped = 0;
    await this.#paginate(PATHS.roles, 'roles', (pageItems) => {
      const checked = checkRoles(pageItems);
      roles.push(...checked.roles);
      skipped += checked.skipped;
    });
    if (skipped > 0) this.#logger.warn({ skipped }, 'skipped malformed roles (no string "id")');
    return roles;
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

  /** Fetches pages until `nextPageToken` is empty; returns the page count. */
  async #paginate(path: string, resource: string, onPage: (items: unknown[]) => void): Promise<number> {
    const usedTokens = new Set<string>();
    let pageToken = '';
    for (let pages = 1; ; pages += 1) {
      const query: Record<string, string> = { page_size: String(this.#pageSize) };
      if (pageToken !== '') query.page_token = pageToken;
      const page = parseListPage(await this.#getJson(path, query), resource);
      onPage(page.items);
      if (page.nextPageToken === '') return pages;
      // A server that hands back a token already followed would page forever.
      usedTokens.add(pageToken);
      if (usedTokens.has(page.nextPageToken)) {
        throw new HygieneError(
          'C1_PAGINATION',
          `C1 sent a ${resource} nextPageToken it had already sent (page ${pages}); stopping to avoid an endless listing`,
          { details: { resource, pages } },
        );
      }
      if (pages >= this.#maxPages) {
        throw new HygieneError(
          'C1_PAGINATION',
          `C1's ${resource} listing has more than ${this.#maxPages} pages of ${this.#pageSize}; raise c1.maxPages if that is expected`,
          { details: { resource, pages, maxPages: this.#maxPages } },
        );
      }
      pageToken = page.nextPageToken;
    }
  }

  /**
   * GET with a bearer token. A 401 means the token expired or was revoked:
   * fetch a new one once and try again; a second 401 is final.
   */
  async #getJson(path: string, query: Record<string, string>): Promise<unknown> {
    const url = new URL(`${this.#baseUrl}${path}`);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    const req: HttpRequest = { method: 'GET', url };
    return parseJsonBody(await this.#call(req), req);
  }

  /** Sends with a bearer token (one refresh on 401); any non-2xx answer becomes a HygieneError. */
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
