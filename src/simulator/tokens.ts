import { createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { jwtVerify, errors as joseErrors } from 'jose';
import type { Clock } from '../clock.js';
import type { PublicEd25519Jwk } from './credentials.js';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Leeway for `exp`/`nbf`, as real servers allow for clock drift between machines. */
const CLOCK_TOLERANCE_SECONDS = 30;

export interface IssuedToken {
  accessToken: string;
  expiresInSeconds: number;
}

interface TokenRecord {
  clientId: string;
  expiresAtMs: number;
}

/** Why a token request was refused, as a sentence for the 401 body. */
export class TokenRefusal extends Error {}

/**
 * The simulator's authorization server: verifies client assertions for real
 * (signature, iss, sub, aud, exp, nbf) against registered public keys, and
 * issues opaque bearer tokens it remembers until they expire or are revoked.
 */
export class TokenAuthority {
  readonly #keys = new Map<string, KeyObject>();
  readonly #tokens = new Map<string, TokenRecord>();
  /** null: the audience is the host each request was addressed to. */
  readonly #audience: string | null;
  readonly #clock: Clock;
  #ttlSeconds: number;

  constructor(options: { audience: string | null; clock: Clock; ttlSeconds: number }) {
    this.#audience = options.audience;
    this.#clock = options.clock;
    this.#ttlSeconds = options.ttlSeconds;
  }

  register(clientId: string, publicJwk: PublicEd25519Jwk): void {
    this.#keys.set(clientId, createPublicKey({ key: { ...publicJwk }, format: 'jwk' }));
  }

  set ttlSeconds(value: number) {
    this.#ttlSeconds = value;
  }

  /**
   * Handles the form fields of `POST /auth/v1/token`; throws TokenRefusal
   * with the reason. `addressedHost` is the host (no port, lower case) the
   * request was sent to: the audience expected unless one was fixed.
   */
  async exchange(form: URLSearchParams, addressedHost: string): Promise<IssuedToken> {
    if (form.get('grant_type') !== 'client_credentials') throw new TokenRefusal('grant_type must be client_credentials');
    if (form.get('client_assertion_type') !== CLIENT_ASSERTION_TYPE) {
      throw new TokenRefusal(`client_assertion_type must be ${CLIENT_ASSERTION_TYPE}`);
    }
    const clientId = form.get('client_id');
    const assertion = form.get('client_assertion');
    if (!clientId) throw new TokenRefusal('client_id is missing');
    if (!assertion) throw new TokenRefusal('client_assertion is missing');
    await this.verifyAssertion(clientId, assertion, this.#audience ?? addressedHost);
    return this.issue(clientId);
  }

  /** Verifies a compact JWS client assertion for `clientId`; throws TokenRefusal when it does not hold. */
  async verifyAssertion(clientId: string, assertion: string, audience: string): Promise<void> {
    const key = this.#keys.get(clientId);
    if (!key) throw new TokenRefusal('unknown client_id');
    try {
      await jwtVerify(assertion, key, {
        algorithms: ['EdDSA'],
        issuer: clientId,
        subject: clientId,
        audience,
        requiredClaims: ['exp', 'nbf', 'iat'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: this.#clock(),
      });
    } catch (err) {
      throw new TokenRefusal(`invalid client assertion: ${describeJoseError(err)}`);
    }
  }

  /** Issues a token without an assertion: for tests and the demo that use a ready bearer token. */
  issue(clientId: string): IssuedToken {
    const accessToken = randomBytes(32).toString('base64url');
    this.#tokens.set(accessToken, { clientId, expiresAtMs: this.#clock().getTime() + this.#ttlSeconds * 1000 });
    return { accessToken, expiresInSeconds: this.#ttlSeconds };
  }

  /** The client ID a live token was issued to, or null when it is unknown, expired or revoked. */
  check(accessToken: string): string | null {
    const record = this.#tokens.get(accessToken);
    if (!record) return null;
    if (record.expiresAtMs <= this.#clock().getTime()) {
      this.#tokens.delete(accessToken);
      return null;
    }
    return record.clientId;
  }

  revokeAll(): void {
    this.#tokens.clear();
  }
}

function describeJoseError(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `claim "${err.claim}" ${err.reason}`;
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'signature verification failed';
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (err instanceof joseErrors.JOSEError) return err.code;
  return 'malformed';
}
