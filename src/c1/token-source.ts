import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../clock.js';
import type { C1Credentials } from '../config/types.js';
import { HygieneError } from '../errors.js';
import type { Logger } from '../logger.js';
import { audienceFor, parseClientId, parseClientSecret, type ParsedClientSecret } from './credentials.js';
import { describeRequest, parseJsonBody, RETRYABLE_STATUSES, type HttpClient, type HttpRequest } from './http.js';

/** Where bearer tokens for API calls come from. */
export interface TokenSource {
  /** A bearer token, fetched or refreshed when none is cached or it nears expiry. */
  getToken(): Promise<string>;
  /** Forgets the cached token after C1 refused it (a 401), so the next `getToken` fetches a new one. */
  invalidate(): void;
  /** False for a ready access token: once C1 refuses it there is no way to get another. */
  readonly refreshable: boolean;
  /**
   * Every secret value this source holds or has sent recently (access
   * tokens, the latest exchange's assertions, the client secret and its key
   * material), for removing from anything quoted back from C1.
   */
  secrets(): string[];
}

export interface TokenSourceOptions {
  credentials: C1Credentials;
  /** API base URL, no trailing slash. */
  baseUrl: string;
  http: HttpClient;
  logger: Logger;
  /** Real time for the assertion's iat/nbf/exp and the cache; never the audit's --as-of. */
  clock?: Clock;
}

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The assertion is valid from 2 min before to 2 min after signing, like C1's own signer makes it. */
const ASSERTION_SKEW_SECONDS = 120;
/** Refresh this long before expiry: 10% of the lifetime, at most a minute. */
const MAX_REFRESH_MARGIN_MS = 60_000;
/** When C1 does not say how long a token lives, do not trust it for longer than this. */
const DEFAULT_TOKEN_TTL_SECONDS = 300;
/**
 * Tokens remembered as secret after they are replaced: a request sent with
 * the old one may still be answered (and echoed) after a refresh. Bounded so
 * a long-running daemon does not collect every token it ever had.
 */
const RECENT_TOKENS_KEPT = 4;

export function createTokenSource(options: TokenSourceOptions): TokenSource {
  const { credentials } = options;
  if (credentials.kind === 'access-token') return staticTokenSource(credentials.accessToken.reveal());
  return new ClientKeyTokenSource({ ...options, credentials });
}

function staticTokenSource(token: string): TokenSource {
  return {
    getToken: () => Promise.resolve(token),
    invalidate: () => undefined,
    refreshable: false,
    secrets: () => [token],
  };
}

interface CachedToken {
  token: string;
  refreshAtMs: number;
}

/** Exchanges a personal API key (client ID + Ed25519 secret) for access tokens and caches them. */
class ClientKeyTokenSource implements TokenSource {
  readonly refreshable = true;
  readonly #clientId: string;
  readonly #secret: ParsedClientSecret;
  /** The client secret as configured, and its base64url payload (the JWK). */
  readonly #secretTexts: string[];
  readonly #audience: string;
  readonly #tokenUrl: URL;
  readonly #http: HttpClient;
  readonly #logger: Logger;
  readonly #clock: Clock;
  #cached: CachedToken | null = null;
  #inFlight: Promise<string> | null = null;
  /** Newest last; includes the cached token. */
  #recentTokens: string[] = [];
  /** Assertions signed for the latest exchange (one per attempt). */
  #assertions: string[] = [];

  constructor(options: TokenSourceOptions & { credentials: Extract<C1Credentials, { kind: 'client-key' }> }) {
    this.#clientId = options.credentials.clientId;
    // Parsed up front so a malformed key fails before any network traffic.
    this.#audience = audienceFor(parseClientId(this.#clientId).tenantHost);
    this.#secret = parseClientSecret(options.credentials.clientSecret);
    const secretText = options.credentials.clientSecret.reveal();
    this.#secretTexts = [secretText, secretText.trim(), secretText.trim().split(':')[3] ?? ''];
    this.#tokenUrl = new URL(`${options.baseUrl}/auth/v1/token`);
    this.#http = options.http;
    this.#logger = options.logger;
    this.#clock = options.clock ?? systemClock;
  }

  getToken(): Promise<string> {
    const cached = this.#cached;
    if (cached && this.#clock().getTime() < cached.refreshAtMs) return Promise.resolve(cached.token);
    // Concurrent callers share one exchange instead of each fetching a token.
    this.#inFlight ??= this.#fetchToken().finally(() => {
      this.#inFlight = null;
    });
    return this.#inFlight;
  }

  invalidate(): void {
    this.#cached = null;
  }

  secrets(): string[] {
    return [...this.#secretTexts, this.#secret.jwk.d, ...this.#assertions, ...this.#recentTokens];
  }

  async #fetchToken(): Promise<string> {
    this.#assertions = [];
    const req: HttpRequest = {
      method: 'POST',
      url: this.#tokenUrl,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      // Signed afresh for each attempt: the assertion lives only 2 minutes.
      body: async () => {
        const assertion = await this.#signAssertion();
        this.#assertions.push(assertion);
        return new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: this.#clientId,
          client_assertion_type: CLIENT_ASSERTION_TYPE,
          client_assertion: assertion,
        }).toString();
      },
    };
    const requestedAt = this.#clock().getTime();
    const response = await this.#http.send(req);
    // Whatever C1 says back must not echo what we sent it (nor anything else secret).
    const c1Message = this.#http.c1ErrorMessage(response.body, this.secrets());
    const detail = c1Message ? `: ${c1Message}` : '';
    if (RETRYABLE_STATUSES.has(response.status)) {
      // Still failing after retries: C1 is unavailable, which says nothing about the key.
      throw new HygieneError(
        'C1_HTTP_ERROR',
        `C1 answered HTTP ${response.status} to ${describeRequest(req)} after ${response.attempts} attempts${detail}`,
        { details: { request: describeRequest(req), status: response.status, attempts: response.attempts, c1Message } },
      );
    }
    if (response.status !== 200) {
      throw new HygieneError('C1_AUTH_FAILED', `C1 refused the client credentials (HTTP ${response.status}${detail})`, {
        details: { request: describeRequest(req), status: response.status, c1Message },
      });
    }
    const { token, ttlSeconds } = readTokenResponse(parseJsonBody(response, req));
    const ttlMs = ttlSeconds * 1000;
    const margin = Math.min(MAX_REFRESH_MARGIN_MS, ttlMs / 10);
    this.#cached = { token, refreshAtMs: requestedAt + ttlMs - margin };
    this.#recentTokens = [...this.#recentTokens, token].slice(-RECENT_TOKENS_KEPT);
    this.#logger.debug({ expiresInSeconds: ttlSeconds }, 'obtained a C1 access token');
    return token;
  }

  async #signAssertion(): Promise<string> {
    // Loaded here, not at start: a run with a ready access token never signs.
    const { SignJWT } = await import('jose');
    const now = Math.floor(this.#clock().getTime() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA', nonce: randomBytes(16).toString('base64url') })
      .setIssuer(this.#clientId)
      .setSubject(this.#clientId)
      .setAudience(this.#audience)
      .setIssuedAt(now)
      .setNotBefore(now - ASSERTION_SKEW_SECONDS)
      .setExpirationTime(now + ASSERTION_SKEW_SECONDS)
      .sign(this.#secret.key);
  }
}

function readTokenResponse(body: unknown): { token: string; ttlSeconds: number } {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const token = fields.access_token;
  if (typeof token !== 'string' || token === '') {
    throw new HygieneError('C1_AUTH_FAILED', 'C1 refused the client credentials (HTTP 200 without an access_token)');
  }
  // `expires_in` is a number per OAuth 2.0; tolerate a numeric string, distrust anything else.
  const raw = typeof fields.expires_in === 'string' ? Number(fields.expires_in) : fields.expires_in;
  const ttlSeconds = typeof raw === 'number' && Number.isFinite(raw) && raw > 0 ? raw : DEFAULT_TOKEN_TTL_SECONDS;
  return { token, ttlSeconds };
}
