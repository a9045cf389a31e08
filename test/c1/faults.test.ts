import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { afterEach, describe, expect, test } from 'vitest';
import { Secret } from '../../src/secret.js';
import { manualClock, memoryLogger, recordingSleep, rejectionOf, startRig, type TestRig } from '../helpers/simulator.js';
import { unusedPort } from '../helpers/ports.js';

let rig: TestRig;
afterEach(async () => {
  await rig.close();
});

const someKeys = [{ id: 'k1' }, { id: 'k2' }];

describe('retries', () => {
  test('a 429 with Retry-After in seconds waits that long, then succeeds', async () => {
    rig = await startRig({ personalClients: someKeys });
    const sleeper = recordingSleep();
    rig.sim.injectFault({ kind: 'status', status: 429, retryAfter: 7, route: 'personal_clients' });
    const listing = await rig.client({ sleep: sleeper.sleep }).listPersonalClients();
    expect(listing.items).toHaveLength(2);
    expect(sleeper.delays).toEqual([7000]);
  });

  test('a 503 with Retry-After as an HTTP date waits until that date', async () => {
    const time = manualClock();
    rig = await startRig({ personalClients: someKeys });
    const sleeper = recordingSleep();
    rig.sim.injectFault({ kind: 'status', status: 503, retryAfter: new Date(time.now() + 9000), route: 'personal_clients' });
    await rig.client({ sleep: sleeper.sleep, clock: time.clock }).listPersonalClients();
    expect(sleeper.delays).toEqual([9000]);
  });

  test('a Retry-After longer than the cap is cut to the cap, and logged', async () => {
    rig = await startRig({ personalClients: someKeys });
    const sleeper = recordingSleep();
    const log = memoryLogger();
    rig.sim.injectFault({ kind: 'status', status: 429, retryAfter: 3600, route: 'personal_clients' });
    await rig.client({ sleep: sleeper.sleep, logger: log.logger }).listPersonalClients();
    expect(sleeper.delays).toEqual([60_000]);
    const line = log.lines.find((l) => l.includes('longer than the cap'));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ retryAfterMs: 3_600_000, cappedToMs: 60_000 });
  });

  test('an unreadable Retry-After falls back to backoff', async () => {
    rig = await startRig({ personalClients: someKeys });
    const sleeper = recordingSleep();
    rig.sim.injectFault({ kind: 'status', status: 429, retryAfter: 'soon', route: 'personal_clients' });
    await rig.client({ sleep: sleeper.sleep, random: () => 0.5, retryBaseDelayMs: 100 }).listPersonalClients();
    expect(sleeper.delays).toEqual([50]);
  });

  test.each([500, 502, 503, 504])('HTTP %i is retried, then the call succeeds', async (status) => {
    rig = await startRig({ personalClients: someKeys });
    const sleeper = recordingSleep();
    rig.sim.injectFault({ kind: 'status', status, route: 'personal_clients' });
    const listing = await rig.client({ sleep: sleeper.sleep }).listPersonalClients();
    expect(listing.items.map((c) => c.id)).toEqual(['k1', 'k2']);
    expect(rig.sim.requestsTo('personal_clients')).toHaveLength(2);
    expect(sleeper.delays).toHaveLength(1);
  });

  test('backoff doubles per retry with full jitter', async () => {
    rig = await startRig({ personalClients: someKeys });
    const sleeper = recordingSleep();
    const randoms = [0.5, 0.5, 0.25];
    rig.sim.injectFault({ kind: 'status', status: 503, route: 'personal_clients', times: 3 });
    await rig.client({ sleep: sleeper.sleep, random: () => randoms.shift() ?? 0, retryBaseDelayMs: 100, maxRetries: 3 }).listPersonalClients();
    // Ceilings 100, 200, 400 ms; the delay is a random fraction of each.
    expect(sleeper.delays).toEqual([50, 100, 100]);
  });

  test('retries exhausted: C1_HTTP_ERROR with the status, attempts and C1 message', async () => {
    rig = await startRig();
    const log = memoryLogger();
    rig.sim.injectFault({ kind: 'status', status: 500, route: 'personal_clients', times: 3, message: 'database on fire' });
    const err = await rejectionOf(() => rig.client({ maxRetries: 2, logger: log.logger }).listPersonalClients());
    expect(err.code).toBe('C1_HTTP_ERROR');
    expect(err.message).toBe('C1 answered HTTP 500 to GET /api/v1/iam/personal_clients after 3 attempts: database on fire');
    expect(err.details).toMatchObject({ status: 500, attempts: 3 });
    expect(rig.sim.requestsTo('personal_clients')).toHaveLength(3);
    expect(log.lines.filter((l) => l.includes('retrying'))).toHaveLength(2);
  });

  test('a long C1 error message is shortened and stripped of control characters', async () => {
    rig = await startRig();
    rig.sim.injectFault({ kind: 'status', status: 418, route: 'roles', message: `line1\nline2 ${'y'.repeat(500)}` });
    const err = await rejectionOf(() => rig.client().listRoles());
    expect(err.code).toBe('C1_HTTP_ERROR');
    expect(err.message).toMatch(/^C1 answered HTTP 418 to GET \/api\/v1\/iam\/roles: line1 line2 y+…$/);
    expect(err.message.length).toBeLessThan(300);
  });
});

describe('failures that are not retried', () => {
  test('403 is C1_FORBIDDEN saying the key lacks permission', async () => {
    rig = await startRig();
    rig.sim.injectFault({ kind: 'status', status: 403, route: 'personal_clients', message: 'permission denied' });
    const err = await rejectionOf(() => rig.client().listPersonalClients());
    expect(err.code).toBe('C1_FORBIDDEN');
    expect(err.message).toMatch(/C1 denied GET \/api\/v1\/iam\/personal_clients \(HTTP 403: permission denied\): the API key lacks permission/);
    expect(rig.sim.requestsTo('personal_clients')).toHaveLength(1);
  });

  test('404 is C1_NOT_FOUND', async () => {
    rig = await startRig();
    const err = await rejectionOf(() => rig.client({ baseUrl: `${rig.sim.url}/wrong-prefix` }).listRoles());
    // The token endpoint is under the wrong prefix too, so the exchange is what C1 refuses.
    expect(err.code).toBe('C1_AUTH_FAILED');
    expect(err.message).toMatch(/HTTP 404/);

    rig.sim.injectFault({ kind: 'status', status: 404, route: 'roles' });
    const notFound = await rejectionOf(() => rig.client().listRoles());
    expect(notFound.code).toBe('C1_NOT_FOUND');
  });

  test('malformed JSON is C1_BAD_RESPONSE', async () => {
    rig = await startRig();
    rig.sim.injectFault({ kind: 'malformed-json', route: 'personal_clients' });
    const err = await rejectionOf(() => rig.client().listPersonalClients());
    expect(err.code).toBe('C1_BAD_RESPONSE');
    expect(err.message).toMatch(/^C1's response to GET \/api\/v1\/iam\/personal_clients is not valid JSON \(HTTP 200/);
    expect(rig.sim.requestsTo('personal_clients')).toHaveLength(1);
  });
});

describe('transport failures', () => {
  test('a response slower than timeoutMs is retried, and then succeeds', async () => {
    rig = await startRig({ personalClients: someKeys });
    rig.sim.injectFault({ kind: 'delay', ms: 5_000, route: 'personal_clients' });
    const listing = await rig.client({ timeoutMs: 150 }).listPersonalClients();
    expect(listing.items).toHaveLength(2);
    expect(rig.sim.requestsTo('personal_clients')).toHaveLength(2);
  });

  test('still too slow after retries: C1_TIMEOUT', async () => {
    rig = await startRig();
    rig.sim.injectFault({ kind: 'delay', ms: 5_000, route: 'personal_clients', times: 3 });
    const err = await rejectionOf(() => rig.client({ timeoutMs: 150, maxRetries: 2 }).listPersonalClients());
    expect(err.code).toBe('C1_TIMEOUT');
    expect(err.message).toMatch(/^C1 at 127\.0\.0\.1:\d+ did not answer GET \/api\/v1\/iam\/personal_clients within 150 ms \(3 attempts\)$/);
    expect(rig.sim.requestsTo('personal_clients')).toHaveLength(3);
  });

  test('a body cut off mid-way is retried; if it keeps happening, C1_BAD_RESPONSE', async () => {
    rig = await startRig({ personalClients: someKeys });
    rig.sim.injectFault({ kind: 'truncated-body', route: 'personal_clients' });
    expect((await rig.client().listPersonalClients()).items).toHaveLength(2);

    rig.sim.injectFault({ kind: 'truncated-body', route: 'personal_clients', times: 3 });
    const err = await rejectionOf(() => rig.client({ maxRetries: 2 }).listPersonalClients());
    expect(err.code).toBe('C1_BAD_RESPONSE');
    expect(err.message).toMatch(/^C1's response to GET \/api\/v1\/iam\/personal_clients was cut off before its end \(.+, 3 attempts\)$/);
  });

  test('connection refused is C1_NETWORK naming the host', async () => {
    rig = await startRig();
    const port = await unusedPort();
    const err = await rejectionOf(() => rig.client({ baseUrl: `http://127.0.0.1:${port}`, maxRetries: 1 }).listRoles());
    expect(err.code).toBe('C1_NETWORK');
    expect(err.message).toBe(`could not reach C1 at 127.0.0.1:${port} for POST /auth/v1/token (ECONNREFUSED, 2 attempts)`);
  });

  test('an untrusted certificate is C1_TLS and is not retried', async () => {
    rig = await startRig();
    const fixtures = new URL('./fixtures/', import.meta.url);
    let connections = 0;
    const server = createHttpsServer(
      { cert: readFileSync(new URL('self-signed-cert.pem', fixtures)), key: readFileSync(new URL('self-signed-key.pem', fixtures)) },
      (_req, res) => res.end('{}'),
    );
    server.on('connection', () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const err = await rejectionOf(() =>
        rig.client({ baseUrl: `https://127.0.0.1:${port}`, credentials: { kind: 'access-token', accessToken: new Secret('t') } }).listRoles(),
      );
      expect(err.code).toBe('C1_TLS');
      expect(err.message).toMatch(/^TLS connection to C1 at 127\.0\.0\.1:\d+ failed \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)/);
      expect(connections).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('secrets stay secret', () => {
  test('no failure message or log line carries the client secret, JWK d, assertion or access token', async () => {
    rig = await startRig({ personalClients: someKeys });
    const log = memoryLogger('trace');
    const client = rig.client({ logger: log.logger, timeoutMs: 150, maxRetries: 1 });
    const messages: string[] = [];
    const codes: Array<string | undefined> = [];
    const failWith = async (setup: () => void) => {
      setup();
      const err = await rejectionOf(() => client.listPersonalClients());
      messages.push(err.message);
      codes.push(err.code);
    };
    await client.listPersonalClients(); // a token is cached and used from here on
    await failWith(() => rig.sim.injectFault({ kind: 'status', status: 503, route: 'personal_clients', times: 2 }));
    await failWith(() => rig.sim.injectFault({ kind: 'delay', ms: 5_000, route: 'personal_clients', times: 2 }));
    await failWith(() => rig.sim.injectFault({ kind: 'malformed-json', route: 'personal_clients' }));
    await failWith(() => rig.sim.injectFault({ kind: 'truncated-body', route: 'personal_clients', times: 2 }));
    await failWith(() => rig.sim.injectFault({ kind: 'status', status: 403, route: 'personal_clients' }));
    await failWith(() => rig.sim.injectFault({ kind: 'expire-tokens', route: 'personal_clients', times: 2 }));
    await failWith(() => {
      rig.sim.expireTokens();
      rig.sim.injectFault({ kind: 'status', status: 401, route: 'token', message: 'assertion refused' });
    });

    expect(codes).toEqual([
      'C1_HTTP_ERROR',
      'C1_TIMEOUT',
      'C1_BAD_RESPONSE',
      'C1_BAD_RESPONSE',
      'C1_FORBIDDEN',
      'C1_AUTH_FAILED',
      'C1_AUTH_FAILED',
    ]);
    const secrets = rig.secretsSeen();
    expect(secrets.length).toBeGreaterThan(5); // secret, payload, d, assertions, bearer tokens
    const everything = [...messages, log.text()].join('\n');
    expect(log.lines.length).toBeGreaterThan(5);
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });
});

