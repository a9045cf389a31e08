import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { BUILTIN_ROLES, startSimulator, type Simulator } from '../../src/simulator/index.js';

let sim: Simulator;
let token: string;

beforeEach(async () => {
  sim = await startSimulator({
    personalClients: Array.from({ length: 23 }, (_, i) => ({ id: `key-${i}` })),
    pageSize: 10,
    maxPageSize: 8,
  });
  token = sim.issueToken();
});
afterEach(async () => {
  await sim.close();
});

async function get(path: string, bearer: string | null = token) {
  const res = await fetch(`${sim.url}${path}`, { headers: bearer === null ? {} : { authorization: `Bearer ${bearer}` } });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text };
}

async function getJson(path: string, bearer: string | null = token) {
  const res = await get(path, bearer);
  return { ...res, body: JSON.parse(res.text) as Record<string, unknown> };
}

describe('listing endpoints', () => {
  test('listens on loopback and exposes its URL and tenant', () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.tenantHost).toBe('acme.conductor.one');
    expect(sim.credential.clientId).toMatch(/@acme\.conductor\.one\/pcc$/);
  });

  test('requires a live bearer token', async () => {
    for (const bearer of [null, 'made-up-token']) {
      const { status, body } = await getJson('/api/v1/iam/personal_clients', bearer);
      expect(status).toBe(401);
      expect(body).toMatchObject({ code: 16, details: [] });
    }
  });

  test('the caller\'s listing takes no page size: pages of the server\'s size, then page_token until the last page', async () => {
    const ids: string[] = [];
    let pageToken = '';
    let pages = 0;
    do {
      const query = pageToken === '' ? '' : `?${new URLSearchParams({ page_token: pageToken })}`;
      const { status, body } = await getJson(`/api/v1/iam/personal_clients${query}`);
      expect(status).toBe(200);
      ids.push(...(body.list as Array<{ id: string }>).map((c) => c.id));
      pageToken = body.nextPageToken as string;
      pages += 1;
    } while (pageToken !== '');
    expect(pages).toBe(3);
    expect(ids).toEqual(Array.from({ length: 23 }, (_, i) => `key-${i}`));
  });

  test('refuses query parameters a route does not document with 400, naming them', async () => {
    for (const path of [
      '/api/v1/iam/personal_clients?page_size=5',
      '/api/v1/iam/personal_clients?pageToken=x',
      '/api/v1/iam/roles?limit=3',
      '/api/v1/auth/introspect?verbose=1',
      '/api/v1/users/sim-user-1?expand=all',
    ]) {
      const { status, body } = await getJson(path);
      expect({ path, status }).toEqual({ path, status: 400 });
      expect(body).toMatchObject({ code: 3 });
      expect(body.message).toMatch(/^unknown query parameter "\w+"/);
    }
    const search = await fetch(`${sim.url}/api/v1/search/users?page_size=10`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(search.status).toBe(400);
  });

  test('roles take page_size: the default when none is given, large ones capped, bad ones refused', async () => {
    sim.setRoles(Array.from({ length: 20 }, (_, i) => ({ id: `role-${i}`, name: `r${i}`, displayName: `Role ${i}` })));
    const defaults = await getJson('/api/v1/iam/roles');
    expect((defaults.body.list as unknown[]).length).toBe(8); // default 10 is above the cap of 8
    const capped = await getJson('/api/v1/iam/roles?page_size=500');
    expect((capped.body.list as unknown[]).length).toBe(8);
    const small = await getJson('/api/v1/iam/roles?page_size=3');
    expect((small.body.list as unknown[]).length).toBe(3);
    const bad = await getJson('/api/v1/iam/roles?page_size=-3');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 3 });
  });

  test('refuses a page token it did not issue for that route', async () => {
    const rolesPage = await getJson('/api/v1/iam/roles?page_size=1');
    const rolesToken = rolesPage.body.nextPageToken as string;
    expect(rolesToken).not.toBe('');
    for (const bad of ['garbage', rolesToken, Buffer.from('sim-page:personal_clients:-1').toString('base64url')]) {
      const { status, body } = await getJson(`/api/v1/iam/personal_clients?page_token=${encodeURIComponent(bad)}`);
      expect(status).toBe(400);
      expect(body).toMatchObject({ code: 3, message: 'invalid page_token' });
    }
  });

  test('serves configured items exactly as given, and an empty list as null', async () => {
    const odd = [{ id: 'x', expiresTime: 123, extra: { nested: true } }, 'not-an-object', null];
    sim.setPersonalClients(odd);
    const { body } = await getJson('/api/v1/iam/personal_clients');
    expect(body).toEqual({ list: odd, nextPageToken: '' });

    sim.setPersonalClients([]);
    const empty = await get('/api/v1/iam/personal_clients');
    expect(JSON.parse(empty.text)).toEqual({ list: null, nextPageToken: '' });
  });

  test('serves builtin-looking roles by default, and introspect', async () => {
    const { body } = await getJson('/api/v1/iam/roles?page_size=100');
    expect(body.list).toEqual(BUILTIN_ROLES);
    expect((body.list as Array<{ displayName: string }>).map((r) => r.displayName)).toContain('Read-only Super Administrator');

    const intro = await getJson('/api/v1/auth/introspect');
    // C1 spells it "principleId".
    expect(intro.body).toEqual({ principleId: 'sim-user-1', userId: 'sim-user-1', roles: [BUILTIN_ROLES[0]!.id], permissions: ['*'], features: [] });
  });

  test('answers unknown routes with a C1-style 404', async () => {
    const { status, body } = await getJson('/api/v1/nothing-here');
    expect(status).toBe(404);
    expect(body).toMatchObject({ code: 5 });
  });

  test('records every request with method, path, query, headers and body', async () => {
    await fetch(`${sim.url}/api/v1/iam/roles?page_size=2`, { headers: { authorization: `Bearer ${token}`, 'user-agent': 'probe/1' } });
    await fetch(`${sim.url}/auth/v1/token`, { method: 'POST', body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(sim.requests).toHaveLength(2);
    expect(sim.requests[0]).toMatchObject({ method: 'GET', path: '/api/v1/iam/roles', query: { page_size: '2' }, route: 'roles', body: '' });
    expect(sim.requests[0]!.headers['user-agent']).toBe('probe/1');
    expect(sim.requests[0]!.headers.authorization).toBe(`Bearer ${token}`);
    expect(sim.requestsTo('token')).toHaveLength(1);
    expect(sim.requestsTo('token')[0]!.body).toBe('a=1');
  });

  test('tokens expire after the configured TTL on the simulator clock', async () => {
    let now = Date.parse('2030-01-01T00:00:00Z');
    const timed = await startSimulator({ clock: () => new Date(now), tokenTtlSeconds: 60 });
    try {
      const t = timed.issueToken();
      const call = () => fetch(`${timed.url}/api/v1/iam/roles`, { headers: { authorization: `Bearer ${t}` } }).then((r) => r.status);
      expect(await call()).toBe(200);
      now += 59_000;
      expect(await call()).toBe(200);
      now += 1_000;
      expect(await call()).toBe(401);
    } finally {
      await timed.close();
    }
  });
});

describe('fault injection', () => {
  test('a status fault answers with a C1 error body and Retry-After in seconds or as an HTTP date', async () => {
    const at = new Date('2031-05-06T07:08:09Z');
    sim.injectFault({ kind: 'status', status: 429, retryAfter: 7, route: 'personal_clients' });
    sim.injectFault({ kind: 'status', status: 503, retryAfter: at, route: 'personal_clients' });
    const first = await getJson('/api/v1/iam/personal_clients');
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('7');
    expect(first.body).toMatchObject({ code: 8, details: [] });
    const second = await getJson('/api/v1/iam/personal_clients');
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('Tue, 06 May 2031 07:08:09 GMT');
    expect((await get('/api/v1/iam/personal_clients')).status).toBe(200);
  });

  test('faults apply to the next N matching requests only, and only on their route', async () => {
    sim.injectFault({ kind: 'status', status: 500, route: 'roles', times: 2 });
    expect((await get('/api/v1/iam/personal_clients')).status).toBe(200);
    expect((await get('/api/v1/iam/roles')).status).toBe(500);
    expect((await get('/api/v1/auth/introspect')).status).toBe(200);
    expect((await get('/api/v1/iam/roles')).status).toBe(500);
    expect((await get('/api/v1/iam/roles')).status).toBe(200);

    sim.injectFault({ kind: 'status', status: 502 });
    expect((await get('/api/v1/auth/introspect')).status).toBe(502);
    sim.injectFault({ kind: 'status', status: 504, times: 3 });
    sim.clearFaults();
    expect((await get('/api/v1/auth/introspect')).status).toBe(200);
  });

  test('malformed JSON and wrong-shape bodies', async () => {
    sim.injectFault({ kind: 'malformed-json', route: 'personal_clients' });
    sim.injectFault({ kind: 'wrong-shape', route: 'personal_clients' });
    sim.injectFault({ kind: 'wrong-shape', route: 'personal_clients', body: [1, 2] });
    const malformed = await get('/api/v1/iam/personal_clients');
    expect(malformed.status).toBe(200);
    expect(() => JSON.parse(malformed.text)).toThrow();
    expect(JSON.parse((await get('/api/v1/iam/personal_clients')).text)).toEqual({ list: 'nope' });
    expect(JSON.parse((await get('/api/v1/iam/personal_clients')).text)).toEqual([1, 2]);
  });

  test('a truncated body breaks off before its Content-Length', async () => {
    sim.injectFault({ kind: 'truncated-body' });
    const res = await fetch(`${sim.url}/api/v1/iam/personal_clients`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  test('repeat-page-token hands back the token just used', async () => {
    sim.injectFault({ kind: 'repeat-page-token', route: 'personal_clients', times: 2 });
    const first = await getJson('/api/v1/iam/personal_clients');
    const firstToken = first.body.nextPageToken as string;
    expect(firstToken).not.toBe('');
    const second = await getJson(`/api/v1/iam/personal_clients?page_token=${firstToken}`);
    expect(second.body.nextPageToken).toBe(firstToken);
  });

  test('expire-tokens and expireTokens() revoke every issued token', async () => {
    sim.injectFault({ kind: 'expire-tokens', route: 'roles' });
    expect((await get('/api/v1/iam/personal_clients')).status).toBe(200);
    expect((await get('/api/v1/iam/roles')).status).toBe(401);
    expect((await get('/api/v1/iam/personal_clients')).status).toBe(401);

    token = sim.issueToken();
    expect((await get('/api/v1/iam/roles')).status).toBe(200);
    sim.expireTokens();
    expect((await get('/api/v1/iam/roles')).status).toBe(401);
  });

  test('a delay fault holds the response back and then answers normally', async () => {
    sim.injectFault({ kind: 'delay', ms: 50, route: 'roles' });
    const { status, body } = await getJson('/api/v1/iam/roles');
    expect(status).toBe(200);
    expect(body.list).toBeInstanceOf(Array);
    expect(sim.requestsTo('roles')).toHaveLength(1);
  });

  test('echoCredentials repeats the Authorization header and a form client_assertion in the error message', async () => {
    sim.injectFault({ kind: 'status', status: 403, route: 'personal_clients', message: 'permission denied', echoCredentials: true });
    const api = await getJson('/api/v1/iam/personal_clients');
    expect(api.status).toBe(403);
    expect(api.body).toMatchObject({ code: 7, message: `permission denied (denied for Bearer ${token})` });

    sim.injectFault({ kind: 'status', status: 401, route: 'token', echoCredentials: true });
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'x', client_assertion: 'aaa.bbb.ccc' });
    const res = await fetch(`${sim.url}/auth/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 16, message: 'simulated HTTP 401 (client_assertion=aaa.bbb.ccc)' });
  });

  test('refuses a fault with a non-positive count', () => {
    expect(() => sim.injectFault({ kind: 'malformed-json', times: 0 })).toThrow(/positive integer/);
  });
});

describe('close', () => {
  test('drops a response held back by a delay and destroys open connections', async () => {
    sim.injectFault({ kind: 'delay', ms: 60_000 });
    const pending = fetch(`${sim.url}/api/v1/iam/roles`, { headers: { authorization: `Bearer ${token}` } });
    await waitFor(() => sim.requests.length === 1);
    const idle = connect(Number(new URL(sim.url).port), '127.0.0.1');
    await new Promise<void>((resolve) => idle.once('connect', () => resolve()));
    const idleClosed = new Promise<void>((resolve) => idle.once('close', () => resolve()));

    await sim.close();
    await expect(pending).rejects.toThrow();
    await idleClosed;
    await expect(fetch(`${sim.url}/api/v1/iam/roles`)).rejects.toThrow();
    await sim.close(); // idempotent
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i += 1) await new Promise((r) => setTimeout(r, 5));
  expect(condition()).toBe(true);
}
