import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterEach, describe, expect, test } from 'vitest';
import { C1Client } from '../../src/c1/client.js';
import { audienceFor } from '../../src/c1/credentials.js';
import { Secret } from '../../src/secret.js';
import { generateCredential } from '../../src/simulator/index.js';
import { USER_AGENT } from '../../src/version.js';
import { manualClock, memoryLogger, rejectionOf, startRig, type TestRig } from '../helpers/simulator.js';

let rig: TestRig;
afterEach(async () => {
  await rig.close();
});

function expectNoSecrets(text: string): void {
  for (const secret of rig.secretsSeen()) expect(text).not.toContain(secret);
}

describe('token exchange', () => {
  test('sends the credentials as a form body with a correct EdDSA client assertion, never in headers', async () => {
    const time = manualClock();
    rig = await startRig({ personalClients: [{ id: 'a' }] });
    await rig.client({ clock: time.clock }).listPersonalClients();

    const [tokenRequest] = rig.sim.requestsTo('token');
    expect(tokenRequest).toBeDefined();
    expect(tokenRequest!.headers.authorization).toBeUndefined();
    expect(tokenRequest!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(tokenRequest!.body);
    expect([...form.keys()].sort()).toEqual(['client_assertion', 'client_assertion_type', 'client_id', 'grant_type']);
    expect(form.get('grant_type')).toBe('client_credentials');
    expect(form.get('client_id')).toBe(rig.sim.credential.clientId);
    expect(form.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');

    const assertion = form.get('client_assertion')!;
    const header = decodeProtectedHeader(assertion);
    expect(header.alg).toBe('EdDSA');
    expect(typeof header.nonce).toBe('string');
    const now = time.now() / 1000;
    expect(decodeJwt(assertion)).toEqual({
      iss: rig.sim.credential.clientId,
      sub: rig.sim.credential.clientId,
      // The API URL (the simulator on 127.0.0.1) names another host than the client ID: C1's CLI signs for the API URL's host.
      aud: '127.0.0.1',
      iat: now,
      nbf: now - 120,
      exp: now + 120,
    });
    // The secret itself never goes over the wire.
    expect(tokenRequest!.body).not.toContain(rig.sim.credential.clientSecret.split(':')[3]!);
  });

  test('with an API URL naming another host, asks that host for the token and signs for it: no port, lower case', async () => {
    rig = await startRig({ tenantHost: 'Beta.Conductor.One:8443', personalClients: [{ id: 'a' }] });
    const port = new URL(rig.sim.url).port;
    const listing = await rig.client({ baseUrl: `http://LocalHost:${port}` }).listPersonalClients();
    expect(listing.items.map((c) => c.id)).toEqual(['a']);
    const [tokenRequest] = rig.sim.requestsTo('token');
    expect(tokenRequest!.headers.host).toBe(`localhost:${port}`);
    const assertion = new URLSearchParams(tokenRequest!.body).get('client_assertion')!;
    expect(decodeJwt(assertion).aud).toBe('localhost');
  });

  test('a simulator expecting the client ID host refuses the API URL host: the audience rule is enforced, not assumed', async () => {
    rig = await startRig({ audience: 'acme.conductor.one', personalClients: [{ id: 'a' }] });
    const err = await rejectionOf(() => rig.client().listPersonalClients());
    expect(err.code).toBe('C1_AUTH_FAILED');
    expect(err.message).toMatch(/aud/);
  });

  test.each([
    ['https://acme.conductor.one', 'acme.conductor.one'],
    ['https://ACME.Conductor.One:8443', 'acme.conductor.one'],
    ['http://127.0.0.1:4000', '127.0.0.1'],
    ['https://c1.example.com/base/path', 'c1.example.com'],
  ])('the audience for %s is %s', (apiUrl, audience) => {
    expect(audienceFor(apiUrl)).toBe(audience);
  });

  test('sends the User-Agent and Accept headers on every request, and the token only as a Bearer header', async () => {
    rig = await startRig();
    const client = rig.client();
    await client.listPersonalClients();
    await client.listRoles();
    expect(rig.sim.requests.length).toBe(3);
    for (const req of rig.sim.requests) {
      expect(req.headers['user-agent']).toBe(USER_AGENT);
      expect(req.headers.accept).toBe('application/json');
    }
    for (const req of rig.sim.requests.filter((r) => r.route !== 'token')) {
      expect(req.headers.authorization).toMatch(/^Bearer \S+$/);
      expect(Object.keys(req.query)).not.toContain('access_token');
    }
  });

  test('reuses one cached token across calls, including concurrent ones', async () => {
    rig = await startRig();
    const client = rig.client();
    await Promise.all([client.listPersonalClients(), client.listRoles(), client.listRoles()]);
    await client.listPersonalClients();
    expect(rig.sim.requestsTo('token')).toHaveLength(1);
    const bearers = new Set(rig.sim.requests.filter((r) => r.route !== 'token').map((r) => r.headers.authorization));
    expect(bearers.size).toBe(1);
  });

  test('refreshes the token shortly before it expires', async () => {
    const time = manualClock();
    rig = await startRig({ clock: time.clock, tokenTtlSeconds: 600 });
    const client = rig.client({ clock: time.clock });
    await client.listRoles();
    time.advance(530_000); // 70 s before expiry: outside the 60 s margin
    await client.listRoles();
    expect(rig.sim.requestsTo('token')).toHaveLength(1);
    time.advance(20_000); // 50 s before expiry: inside the margin
    await client.listRoles();
    const tokenRequests = rig.sim.requestsTo('token');
    expect(tokenRequests).toHaveLength(2);
    // A fresh assertion, with a new nonce, for the new token.
    const nonces = tokenRequests.map((r) => decodeProtectedHeader(new URLSearchParams(r.body).get('client_assertion')!).nonce);
    expect(nonces[0]).not.toBe(nonces[1]);
    expect(rig.sim.requestsTo('roles').every((r) => r.headers.authorization !== undefined)).toBe(true);
  });

  test('after a 401 it fetches a new token once and repeats the call', async () => {
    rig = await startRig({ personalClients: [{ id: 'a' }, { id: 'b' }] });
    const log = memoryLogger();
    const client = rig.client({ logger: log.logger });
    await client.listRoles();
    rig.sim.expireTokens();
    const listing = await client.listPersonalClients();
    expect(listing.items.map((c) => c.id)).toEqual(['a', 'b']);
    expect(rig.sim.requestsTo('token')).toHaveLength(2);
    const calls = rig.sim.requestsTo('personal_clients');
    expect(calls).toHaveLength(2);
    expect(calls[0]!.headers.authorization).not.toBe(calls[1]!.headers.authorization);
    expect(log.text()).toContain('fetching a new one');
    expectNoSecrets(log.text());
  });

  test('a second 401 in a row fails with C1_AUTH_FAILED', async () => {
    rig = await startRig();
    const log = memoryLogger();
    rig.sim.injectFault({ kind: 'expire-tokens', route: 'personal_clients', times: 2 });
    const err = await rejectionOf(() => rig.client({ logger: log.logger }).listPersonalClients());
    expect(err.code).toBe('C1_AUTH_FAILED');
    expect(err.message).toMatch(/GET \/api\/v1\/iam\/personal_clients \(HTTP 401: invalid or expired access token\).*freshly issued token/);
    expect(rig.sim.requestsTo('token')).toHaveLength(2);
    expect(rig.sim.requestsTo('personal_clients')).toHaveLength(2);
    expectNoSecrets(err.message);
    expectNoSecrets(log.text());
  });

  test('a token request that C1 refuses fails with C1_AUTH_FAILED naming the status and C1 message', async () => {
    rig = await startRig();
    const stranger = generateCredential('acme.conductor.one', 'stranger');
    const log = memoryLogger();
    const client = rig.client({
      credentials: { kind: 'client-key', clientId: stranger.clientId, clientSecret: new Secret(stranger.clientSecret) },
      logger: log.logger,
    });
    const err = await rejectionOf(() => client.listPersonalClients());
    expect(err.code).toBe('C1_AUTH_FAILED');
    expect(err.message).toBe('C1 refused the client credentials (HTTP 401: unknown client_id)');
    expect(rig.sim.requestsTo('personal_clients')).toHaveLength(0);
    for (const secret of [stranger.clientSecret, ...rig.secretsSeen()]) {
      expect(err.message).not.toContain(secret);
      expect(log.text()).not.toContain(secret);
    }
  });

  test('an assertion signed with a clock far off is refused as expired', async () => {
    rig = await startRig();
    const err = await rejectionOf(() => rig.client({ clock: () => new Date(Date.now() - 3_600_000) }).listRoles());
    expect(err.code).toBe('C1_AUTH_FAILED');
    expect(err.message).toMatch(/HTTP 401: invalid client assertion: expired/);
    expectNoSecrets(err.message);
  });

  test('a 200 without an access_token is an authentication failure', async () => {
    rig = await startRig();
    rig.sim.injectFault({ kind: 'wrong-shape', route: 'token', body: { token_type: 'Bearer', access_token: '' } });
    const err = await rejectionOf(() => rig.client().listRoles());
    expect(err.code).toBe('C1_AUTH_FAILED');
    expect(err.message).toMatch(/without an access_token/);
  });

  test('the token call is retried like any other, with a freshly signed assertion each time', async () => {
    rig = await startRig();
    rig.sim.injectFault({ kind: 'status', status: 503, route: 'token' });
    await rig.client().listRoles();
    const assertions = rig.sim.requestsTo('token').map((r) => new URLSearchParams(r.body).get('client_assertion'));
    expect(assertions).toHaveLength(2);
    expect(assertions[0]).not.toBe(assertions[1]);
  });

  test('a token endpoint still unavailable after retries is an HTTP error, not a refused key', async () => {
    rig = await startRig();
    rig.sim.injectFault({ kind: 'status', status: 503, route: 'token', times: 3 });
    const err = await rejectionOf(() => rig.client({ maxRetries: 2 }).listRoles());
    expect(err.code).toBe('C1_HTTP_ERROR');
    expect(err.message).toBe('C1 answered HTTP 503 to POST /auth/v1/token after 3 attempts: simulated HTTP 503');
    expectNoSecrets(err.message);
  });

  test('a malformed client secret fails before any request, without quoting it', async () => {
    rig = await startRig();
    const badSecret = 'secret-token:conductorone.com:v2:c29tZXRoaW5n';
    let thrown: (Error & { code?: string }) | undefined;
    try {
      rig.client({ credentials: { kind: 'client-key', clientId: rig.sim.credential.clientId, clientSecret: new Secret(badSecret) } });
    } catch (err) {
      thrown = err as Error & { code?: string };
    }
    expect(thrown?.code).toBe('C1_CREDENTIALS_INVALID');
    expect(thrown?.message).not.toContain('c29tZXRoaW5n');
    expect(rig.sim.requests).toHaveLength(0);
  });
});

describe('a ready access token', () => {
  test('is sent as is, with no token exchange', async () => {
    rig = await startRig({ personalClients: [{ id: 'a' }] });
    const accessToken = rig.sim.issueToken();
    const listing = await rig.client({ credentials: { kind: 'access-token', accessToken: new Secret(accessToken) } }).listPersonalClients();
    expect(listing.items).toHaveLength(1);
    expect(rig.sim.requestsTo('token')).toHaveLength(0);
    expect(rig.sim.requestsTo('personal_clients')[0]!.headers.authorization).toBe(`Bearer ${accessToken}`);
  });

  test('once refused, fails with C1_AUTH_FAILED saying it expired, without retrying', async () => {
    rig = await startRig();
    const accessToken = rig.sim.issueToken();
    const log = memoryLogger();
    const client = rig.client({ credentials: { kind: 'access-token', accessToken: new Secret(accessToken) }, logger: log.logger });
    rig.sim.expireTokens();
    const err = await rejectionOf(() => client.listPersonalClients());
    expect(err.code).toBe('C1_AUTH_FAILED');
    expect(err.message).toMatch(/access token is expired or revoked/);
    expect(rig.sim.requestsTo('personal_clients')).toHaveLength(1);
    expect(err.message).not.toContain(accessToken);
    expect(log.text()).not.toContain(accessToken);
  });
});

test('a client can be closed and closing twice is harmless', async () => {
  rig = await startRig();
  const client = new C1Client({
    baseUrl: rig.sim.url,
    credentials: { kind: 'access-token', accessToken: new Secret(rig.sim.issueToken()) },
    timeoutMs: 1000,
    maxRetries: 0,
    pageSize: 10,
    maxPages: 10,
    logger: memoryLogger().logger,
  });
  expect((await client.listRoles()).length).toBeGreaterThan(0);
  await expect(client.close()).resolves.toBeUndefined();
  await expect(client.close()).resolves.toBeUndefined();
  // Closed means closed: no new request goes out.
  const before = rig.sim.requests.length;
  await expect(client.listRoles()).rejects.toMatchObject({ code: expect.stringMatching(/^C1_/) as unknown });
  expect(rig.sim.requests).toHaveLength(before);
});
