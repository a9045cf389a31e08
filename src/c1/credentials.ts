import { createPrivateKey, type KeyObject } from 'node:crypto';
import { HygieneError } from '../errors.js';
import type { Secret } from '../secret.js';

/** A client ID split into its parts: `<name>@<tenant host>/<suffix>`. */
export interface ParsedClientId {
  name: string;
  /** Host (and port, when present) of the tenant, e.g. `acme.conductor.one`. */
  tenantHost: string;
  suffix: string;
}

const SECRET_PREFIX = 'secret-token';
const SECRET_VERSION = 'v1';

/**
 * Problems are returned as sentences (not thrown) so `validate` can list all
 * of them; `parseClientId` / `parseClientSecret` throw the first one.
 */
export function clientIdProblem(clientId: string): string | null {
  const at = clientId.indexOf('@');
  if (at <= 0) return 'must look like <name>@<tenant host>/<suffix> (no "@" with a name before it)';
  const rest = clientId.slice(at + 1);
  const slash = rest.indexOf('/');
  if (slash <= 0) return 'must look like <name>@<tenant host>/<suffix> (no tenant host followed by "/")';
  if (slash === rest.length - 1) return 'must look like <name>@<tenant host>/<suffix> (empty suffix)';
  const host = rest.slice(0, slash);
  if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(host)) return `has an invalid tenant host "${host}"`;
  if (/\s/.test(clientId)) return 'must not contain white space';
  return null;
}

export function parseClientId(clientId: string): ParsedClientId {
  const problem = clientIdProblem(clientId);
  if (problem) throw new HygieneError('C1_CREDENTIALS_INVALID', `C1 client ID ${problem}`);
  const at = clientId.indexOf('@');
  const rest = clientId.slice(at + 1);
  const slash = rest.indexOf('/');
  return { name: clientId.slice(0, at), tenantHost: rest.slice(0, slash), suffix: rest.slice(slash + 1) };
}

/**
 * The JWT audience for a token requested from `apiUrl`: its host without a
 * port, lower-cased. The API URL defaults to the client ID's tenant host; when
 * an explicit one names another host, C1's CLI signs for that host (and sends
 * the token request there), and C1's SDK lower-cases it, so this does too.
 */
export function audienceFor(apiUrl: string): string {
  return new URL(apiUrl).hostname.toLowerCase();
}

export interface ParsedClientSecret {
  /** The Ed25519 private key as a JWK (`kty: OKP`, `crv: Ed25519`, `d`, `x`). */
  jwk: { kty: 'OKP'; crv: 'Ed25519'; d: string; x: string };
  key: KeyObject;
}

/** Describes what is wrong with a client secret without ever quoting it. */
export function clientSecretProblem(secret: Secret): string | null {
  try {
    decodeSecret(secret);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

export function parseClientSecret(secret: Secret): ParsedClientSecret {
  try {
    return decodeSecret(secret);
  } catch (err) {
    throw new HygieneError('C1_CREDENTIALS_INVALID', `C1 client secret ${(err as Error).message}`);
  }
}

function decodeSecret(secret: Secret): ParsedClientSecret {
  const parts = secret.reveal().trim().split(':');
  if (parts.length !== 4) {
    throw new Error(`must have 4 ":"-separated parts (secret-token:conductorone.com:v1:<payload>), found ${parts.length}`);
  }
  const [prefix, , version, payload] = parts as [string, string, string, string];
  if (prefix !== SECRET_PREFIX) throw new Error(`must start with "${SECRET_PREFIX}:"`);
  if (version !== SECRET_VERSION) throw new Error(`has an unsupported version (the third part must be "${SECRET_VERSION}")`);
  if (!/^[A-Za-z0-9_-]+$/.test(payload)) throw new Error('payload is not base64url');
  let jwk: unknown;
  try {
    jwk = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new Error('payload is not a base64url-encoded JSON Web Key');
  }
  if (!isEd25519PrivateJwk(jwk)) {
    throw new Error('payload is not an Ed25519 private JSON Web Key (kty "OKP", crv "Ed25519", with "d" and "x")');
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: jwk, format: 'jwk' });
  } catch {
    throw new Error('payload holds an Ed25519 key that does not load');
  }
  return { jwk, key };
}

function isEd25519PrivateJwk(value: unknown): value is ParsedClientSecret['jwk'] {
  if (typeof value !== 'object' || value === null) return false;
  const jwk = value as Record<string, unknown>;
  return jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && typeof jwk.d === 'string' && typeof jwk.x === 'string';
}
