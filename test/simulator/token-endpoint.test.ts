import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CLIENT_ASSERTION_TYPE, generateCredential, startSimulator, type Simulator } from '../../src/simulator/index.js';

const TENANT = 'acme.conductor.one';
/** The host the tests send token requests to: the audience the simulator expects unless one is pinned. */
const ADDRESSED = '127.0.0.1';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ tenantHost: TENANT, tokenTtlSeconds: 900 });
});
afterAll(async () => {
  await sim.close();
});

function privateKeyOf(clientSecret: string) {
  const payload = clientSecret.split(':')[3]!;
  return createPrivateKey({ key: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')), format: 'jwk' });
}

interface AssertionParts {
  iss?: string;
  sub?: string;
  aud?: string;
  /** Seconds relative to now. */
  iat?: number;
  nbf?: number;
  exp?: number;
  key?: ReturnType<typeof createPrivateKey>;
}

async function assertion(clientId: string, parts: AssertionParts = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'EdDSA', nonce: 'test-nonce' })
    .setIssuer(parts.iss ?? clientId)
    .setSubject(parts.sub ?? clientId)
    .setAudience(parts.aud ?? ADDRESSED)
    .setIssuedAt(now + (parts.iat ?? 0))
    .setNotBefore(now + (parts.nbf ?? -120))
    .setExpirationTime(now + (parts.exp ?? 120))
    .sign(parts.key ?? privateKeyOf(sim.credential.clientSecret));
}

async function postToken(form: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(`${sim.url}/auth/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function form(clientId: string, clientAssertion: string): Record<string, string> {
  return {
    grant_type: 'client_credentials',
    client_id: clientId,
    client_assertion_type: CLIENT_ASSERTION_TYPE,
    client_assertion: clientAssertion,
  };
}

describe('POST /auth/v1/token', () => {
  test('accepts a correct assertion and issues a bearer token the API accepts', async () => {
    const { clientId } = sim.credential;
    const { status, body } = await postToken(form(clientId, await assertion(clientId)));
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    expect(typeof body.access_token).toBe('string');
    expect((body.access_token as string).length).toBeGreaterThan(20);

    const api = await fetch(`${sim.url}/api/v1/auth/introspect`, { headers: { authorization: `Bearer ${body.access_token as string}` } });
    expect(api.status).toBe(200);
  });

  test('accepts a key registered through options and one registered later', async () => {
    const given = generateCredential(TENANT, 'given');
    const later = generateCredential(TENANT, 'later');
    const other = await startSimulator({ tenantHost: TENANT, credentials: [given] });
    try {
      other.registerCredential(later.clientId, later.publicJwk);
      for (const cred of [given, later]) {
        const a = await assertion(cred.clientId, { key: privateKeyOf(cred.clientSecret) });
        const res = await fetch(`${other.url}/auth/v1/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(form(cred.clientId, a)).toString(),
        });
        expect(res.status).toBe(200);
      }
    } finally {
      await other.close();
    }
  });

  const unregistered = generateCredential(TENANT, 'stranger');
  const strangerKey = generateKeyPairSync('ed25519').privateKey;

  const refusals: Array<{ name: string; build: (clientId: string) => Promise<Record<string, string>>; reason: RegExp }> = [
    {
      name: 'a signature made by another key',
      build: async (id) => form(id, await assertion(id, { key: strangerKey })),
      reason: /signature/,
    },
    {
      name: 'a signature altered after signing',
      build: async (id) => {
        const [h, p, s] = (await assertion(id)).split('.') as [string, string, string];
        const flipped = s.slice(0, 10) + (s[10] === 'A' ? 'B' : 'A') + s.slice(11);
        return form(id, `${h}.${p}.${flipped}`);
      },
      reason: /signature/,
    },
    {
      name: 'claims altered after signing',
      build: async (id) => {
        const [h, , s] = (await assertion(id)).split('.') as [string, string, string];
        const forged = Buffer.from(JSON.stringify({ iss: id, sub: id, aud: TENANT, exp: 9_999_999_999 })).toString('base64url');
        return form(id, `${h}.${forged}.${s}`);
      },
      reason: /signature/,
    },
    { name: 'another tenant as aud', build: async (id) => form(id, await assertion(id, { aud: 'evil.conductor.one' })), reason: /aud/ },
    { name: 'the addressed host with a port as aud', build: async (id) => form(id, await assertion(id, { aud: `${ADDRESSED}:443` })), reason: /aud/ },
    { name: 'an expired exp', build: async (id) => form(id, await assertion(id, { iat: -900, nbf: -1020, exp: -780 })), reason: /expired/ },
    { name: 'an nbf in the future', build: async (id) => form(id, await assertion(id, { iat: 600, nbf: 600, exp: 900 })), reason: /nbf/ },
    { name: 'a wrong iss', build: async (id) => form(id, await assertion(id, { iss: 'someone@acme.conductor.one/pcc' })), reason: /iss/ },
    { name: 'a wrong sub', build: async (id) => form(id, await assertion(id, { sub: 'someone@acme.conductor.one/pcc' })), reason: /sub/ },
    {
      name: 'a key that is not registered',
      build: async () =>
        form(unregistered.clientId, await assertion(unregistered.clientId, { key: privateKeyOf(unregistered.clientSecret) })),
      reason: /unknown client_id/,
    },
    {
      name: 'an HMAC assertion',
      build: async (id) =>
        form(
          id,
          await new SignJWT({})
            .setProtectedHeader({ alg: 'HS256' })
            .setIssuer(id)
            .setSubject(id)
            .setAudience(TENANT)
            .setIssuedAt()
            .setExpirationTime('2m')
            .sign(new Uint8Array(32)),
        ),
      reason: /algorithm/,
    },
    { name: 'a garbage assertion', build: async (id) => form(id, 'not-a-jwt'), reason: /invalid client assertion/ },
    { name: 'a wrong grant_type', build: async (id) => ({ ...form(id, await assertion(id)), grant_type: 'password' }), reason: /grant_type/ },
    {
      name: 'a wrong client_assertion_type',
      build: async (id) => ({ ...form(id, await assertion(id)), client_assertion_type: 'jwt' }),
      reason: /client_assertion_type/,
    },
    {
      name: 'no client_assertion',
      build: async (id) => ({ grant_type: 'client_credentials', client_id: id, client_assertion_type: CLIENT_ASSERTION_TYPE }),
      reason: /client_assertion is missing/,
    },
  ];

  test.each(refusals)('refuses $name with a 401 C1 error body', async ({ build, reason }) => {
    const { status, body } = await postToken(await build(sim.credential.clientId));
    expect(status).toBe(401);
    expect(body).toMatchObject({ code: 16, details: [] });
    expect(body.message).toMatch(reason);
    expect(body).not.toHaveProperty('access_token');
  });

  test('refuses credentials sent in an Authorization header, even with a valid body', async () => {
    const { clientId } = sim.credential;
    const { status, body } = await postToken(form(clientId, await assertion(clientId)), { authorization: 'Basic Zm9vOmJhcg==' });
    expect(status).toBe(401);
    expect(body.message).toMatch(/not in an Authorization header/);
  });

  test('refuses a body that is not form-encoded', async () => {
    const { clientId } = sim.credential;
    const res = await fetch(`${sim.url}/auth/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(form(clientId, await assertion(clientId))),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { message: string }).message).toMatch(/x-www-form-urlencoded/);
  });

  test('verifies aud against the host the request is addressed to, without its port and lower-cased', async () => {
    const { clientId } = sim.credential;
    const port = new URL(sim.url).port;
    const send = async (base: string, aud: string) =>
      fetch(`${base}/auth/v1/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form(clientId, await assertion(clientId, { aud }))).toString(),
      });
    // A tenant reached through an API URL override expects that host, as C1's CLI signs for it.
    expect((await send(`http://LocalHost:${port}`, 'localhost')).status).toBe(200);
    expect((await send(`http://localhost:${port}`, ADDRESSED)).status).toBe(401);
    expect((await send(`http://localhost:${port}`, TENANT)).status).toBe(401);
    expect((await send(`http://localhost:${port}`, `localhost:${port}`)).status).toBe(401);
  });

  test('a pinned audience replaces the addressed host', async () => {
    const pinned = await startSimulator({ tenantHost: 'beta.conductor.one:8443', audience: 'beta.conductor.one' });
    try {
      const id = pinned.credential.clientId;
      const key = privateKeyOf(pinned.credential.clientSecret);
      const send = async (aud: string) =>
        fetch(`${pinned.url}/auth/v1/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(form(id, await assertion(id, { aud, key }))).toString(),
        });
      expect((await send('beta.conductor.one')).status).toBe(200);
      expect((await send(ADDRESSED)).status).toBe(401);
    } finally {
      await pinned.close();
    }
  });
});

describe('generateCredential', () => {
  test('makes a C1-shaped client ID and secret whose private key matches the public JWK', () => {
    const cred = generateCredential('acme.conductor.one', 'my-key');
    expect(cred.clientId).toBe('my-key@acme.conductor.one/pcc');
    const parts = cred.clientSecret.split(':');
    expect(parts.slice(0, 3)).toEqual(['secret-token', 'conductorone.com', 'v1']);
    const jwk = JSON.parse(Buffer.from(parts[3]!, 'base64url').toString('utf8')) as Record<string, string>;
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', x: cred.publicJwk.x });
    expect(typeof jwk.d).toBe('string');
    expect(cred.publicJwk).not.toHaveProperty('d');
    expect(generateCredential('acme.conductor.one').clientId).toMatch(/^sim-[0-9a-f]{8}@acme\.conductor\.one\/pcc$/);
  });
});
