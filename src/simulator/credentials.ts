import { generateKeyPairSync, randomBytes, type JsonWebKey } from 'node:crypto';

/** The public half of a personal API key, as the simulator registers it. */
export interface PublicEd25519Jwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
}

/** A personal API key made up for the simulator: both halves, shaped like C1's. */
export interface GeneratedCredential {
  /** `<name>@<tenant host>/pcc`, like the client IDs C1 hands out. */
  clientId: string;
  /** `secret-token:conductorone.com:v1:<base64url of the private JWK>`. */
  clientSecret: string;
  /** What the simulator needs to verify this key's client assertions. */
  publicJwk: PublicEd25519Jwk;
}

/**
 * Creates a fresh Ed25519 key pair and wraps it the way C1 does, so the real
 * token code path (secret parsing, JWT signing) runs against the simulator.
 * `name` defaults to a random `sim-<hex>` so several keys can coexist.
 */
export function generateCredential(tenantHost: string, name?: string): GeneratedCredential {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const privateJwk = privateKey.export({ format: 'jwk' }) as JsonWebKey;
  const publicJwk = publicKey.export({ format: 'jwk' }) as JsonWebKey;
  if (typeof privateJwk.d !== 'string' || typeof privateJwk.x !== 'string' || typeof publicJwk.x !== 'string') {
    throw new Error('node:crypto exported an Ed25519 JWK without "d"/"x"');
  }
  const secretJwk = { kty: 'OKP', crv: 'Ed25519', d: privateJwk.d, x: privateJwk.x };
  const payload = Buffer.from(JSON.stringify(secretJwk), 'utf8').toString('base64url');
  const keyName = name ?? `sim-${randomBytes(4).toString('hex')}`;
  return {
    clientId: `${keyName}@${tenantHost}/pcc`,
    clientSecret: `secret-token:conductorone.com:v1:${payload}`,
    publicJwk: { kty: 'OKP', crv: 'Ed25519', x: publicJwk.x },
  };
}
