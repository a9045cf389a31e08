import { afterEach, describe, expect, test } from 'vitest';
import type { C1ClientOptions } from '../../src/c1/client.js';
import { Secret } from '../../src/secret.js';
import { memoryLogger, rejectionOf, startRig, type TestRig } from '../helpers/simulator.js';

/**
 * A C1 (or a proxy in front of it) that echoes what it was sent must not make
 * the tool repeat a credential: not in the error message, its details, or
 * anything logged about it. The simulator's `echoCredentials` fault repeats
 * the Authorization header and the form `client_assertion`; the message also
 * carries the client secret and the JWK `d` outright, the worst a server
 * could send back.
 */

let rig: TestRig;
afterEach(async () => {
  await rig.close();
});

function keyMaterial(): { clientSecret: string; payload: string; d: string } {
  const clientSecret = rig.sim.credential.clientSecret;
  const payload = clientSecret.split(':')[3]!;
  const { d } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { d: string };
  return { clientSecret, payload, d };
}

/** The message a careless server sends: its own words plus every secret it could have. */
function leakyMessage(): string {
  const { clientSecret, d } = keyMaterial();
  return `denied; key ${d}; secret ${clientSecret}`;
}

/** Fails the client, logs the error the way the app does, and returns everything that would be printed or stored. */
async function failureTraces(overrides: Partial<C1ClientOptions>, call: 'personal_clients' | 'roles' = 'personal_clients') {
  const log = memoryLogger();
  const client = rig.client({ logger: log.logger, ...overrides });
  const err = await rejectionOf(() => (call === 'roles' ? client.listRoles() : client.listPersonalClients()));
  log.logger.error({ err, details: err.details }, err.message);
  const text = [err.message, JSON.stringify(err.details), JSON.stringify(err), String(err.stack), log.text()].join('\n');
  return { err, text };
}

function expectNothingSecret(text: string, extra: string[] = []): void {
  const secrets = [...rig.secretsSeen(), ...extra];
  // The rig saw a token or an assertion go over the wire, so the check has something to find.
  expect(secrets.length).toBeGreaterThan(3);
  for (const secret of secrets) expect(text).not.toContain(secret);
}

describe('C1 echoing credentials back', () => {
  test('403 on an API call: the bearer token, assertion, client secret and key are redacted', async () => {
    rig = await startRig();
    rig.sim.injectFault({ kind: 'status', status: 403, route: 'personal_clients', message: leakyMessage(), echoCredentials: true });
    const { err, text } = await failureTraces({});
    expect(err.code).toBe('C1_FORBIDDEN');
    expect(err.message).toContain('(HTTP 403: denied; key [redacted]; secret [redacted] (denied for Bearer [redacted])): the API key lacks permission');
    expectNothingSecret(text);
  });

  test('500 after retries: the same, for the message of the last attempt', async () => {
    rig = await startRig();
    rig.sim.injectFault({ kind: 'status', status: 500, route: 'roles', times: 3, message: leakyMessage(), echoCredentials: true });
    const { err, text } = await failureTraces({ maxRetries: 2 }, 'roles');
    expect(err.code).toBe('C1_HTTP_ERROR');
    expect(err.message).toMatch(/^C1 answered HTTP 500 to GET \/api\/v1\/iam\/roles after 3 attempts: denied; key \[redacted\]; .*Bearer \[redacted\]\)$/);
    expect(rig.sim.requestsTo('roles')).toHaveLength(3);
    expectNothingSecret(text);
  });

  test('401 on the token request: the assertion it was sent is redacted', async () => {
    rig = await startRig();
    rig.sim.injectFault({ kind: 'status', status: 401, route: 'token', message: leakyMessage(), echoCredentials: true });
    const { err, text } = await failureTraces({});
    expect(err.code).toBe('C1_AUTH_FAILED');
    expect(err.message).toBe('C1 refused the client credentials (HTTP 401: denied; key [redacted]; secret [redacted] (client_assertion=[redacted]))');
    expect(rig.sim.requestsTo('token')).toHaveLength(1);
    expectNothingSecret(text);
  });

  test('503 on the token request after retries: every attempt signed a new assertion; none is repeated', async () => {
    rig = await startRig();
    rig.sim.injectFault({ kind: 'status', status: 503, route: 'token', times: 3, echoCredentials: true });
    const { err, text } = await failureTraces({ maxRetries: 2 });
    expect(err.code).toBe('C1_HTTP_ERROR');
    expect(err.message).toBe('C1 answered HTTP 503 to POST /auth/v1/token after 3 attempts: simulated HTTP 503 (client_assertion=[redacted])');
    expect(rig.sim.requestsTo('token')).toHaveLength(3);
    expectNothingSecret(text);
  });

  test('401 twice on an API call: both tokens are redacted from the refusal', async () => {
    rig = await startRig();
    rig.sim.injectFault({ kind: 'status', status: 401, route: 'personal_clients', times: 2, message: leakyMessage(), echoCredentials: true });
    const { err, text } = await failureTraces({});
    expect(err.code).toBe('C1_AUTH_FAILED');
    expect(err.message).toContain('(denied for Bearer [redacted])): a freshly issued token was refused too');
    expect(rig.sim.requestsTo('token')).toHaveLength(2);
    expectNothingSecret(text);
  });

  test('a ready access token echoed in a 403 is redacted', async () => {
    rig = await startRig();
    const accessToken = rig.sim.issueToken();
    rig.sim.injectFault({ kind: 'status', status: 403, route: 'personal_clients', echoCredentials: true });
    const { err, text } = await failureTraces({ credentials: { kind: 'access-token', accessToken: new Secret(accessToken) } });
    expect(err.code).toBe('C1_FORBIDDEN');
    expect(err.message).toContain('(HTTP 403: simulated HTTP 403 (denied for Bearer [redacted]))');
    expectNothingSecret(text, [accessToken]);
  });

  test('an echoed token in base64 or percent-encoded form is redacted too', async () => {
    rig = await startRig();
    const accessToken = rig.sim.issueToken();
    const encoded = `b64=${Buffer.from(`Bearer ${accessToken}`).toString('base64')} raw=${Buffer.from(accessToken).toString('base64')} url=${encodeURIComponent(`${accessToken}~!`)}`;
    rig.sim.injectFault({ kind: 'status', status: 403, route: 'roles', message: encoded });
    const { err, text } = await failureTraces({ credentials: { kind: 'access-token', accessToken: new Secret(accessToken) } }, 'roles');
    expect(err.message).toContain('raw=[redacted]');
    expect(text).not.toContain(Buffer.from(accessToken).toString('base64'));
    expect(text).not.toContain(accessToken);
  });
});
