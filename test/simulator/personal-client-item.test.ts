import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { rejectionOf, startRig, type TestRig } from '../helpers/simulator.js';

/** `GET` and `DELETE /api/v1/iam/personal_clients/{id}`, as c1-api.md describes them. */
describe('simulator: one personal client', () => {
  let sim: Simulator;
  let token: string;

  beforeEach(async () => {
    sim = await startSimulator({ personalClients: [{ id: 'key-1', displayName: 'one' }, { id: 'key/2' }, 'garbage', { id: 3 }] });
    token = sim.issueToken();
  });
  afterEach(async () => {
    await sim.close();
  });

  async function call(method: string, id: string, init: { body?: string; contentType?: string; bearer?: string | null } = {}) {
    const headers: Record<string, string> = {};
    const bearer = init.bearer === undefined ? token : init.bearer;
    if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
    if (init.contentType) headers['content-type'] = init.contentType;
    const res = await fetch(`${sim.url}/api/v1/iam/personal_clients/${encodeURIComponent(id)}`, { method, headers, body: init.body });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  test('GET one answers {"personalClient": …}, or 404 for an unknown id', async () => {
    expect(await call('GET', 'key-1')).toEqual({ status: 200, body: { personalClient: { id: 'key-1', displayName: 'one' } } });
    expect(await call('GET', 'key/2')).toEqual({ status: 200, body: { personalClient: { id: 'key/2' } } });
    expect(await call('GET', 'nope')).toMatchObject({ status: 404, body: { code: 5 } });
    // A garbage item is never found by an id that merely looks like it.
    expect(await call('GET', '3')).toMatchObject({ status: 404 });
  });

  test('DELETE with {} answers {} and the key leaves later listings; a second DELETE is a 404', async () => {
    expect(await call('DELETE', 'key-1', { body: '{}', contentType: 'application/json' })).toEqual({ status: 200, body: {} });
    expect(sim.personalClients()).toEqual([{ id: 'key/2' }, 'garbage', { id: 3 }]);
    const listing = await fetch(`${sim.url}/api/v1/iam/personal_clients`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await listing.json()) as { list: { id: unknown }[] }).list.map((item) => item.id)).not.toContain('key-1');
    expect(await call('DELETE', 'key-1', { body: '{}', contentType: 'application/json' })).toMatchObject({ status: 404, body: { code: 5 } });
    expect(await call('GET', 'key-1')).toMatchObject({ status: 404 });
  });

  test('DELETE without a body is accepted; a body that is not a JSON object is a 400 and deletes nothing', async () => {
    expect((await call('DELETE', 'key/2', { body: 'x', contentType: 'text/plain' })).status).toBe(400);
    expect((await call('DELETE', 'key/2', { body: '[1]', contentType: 'application/json' })).status).toBe(400);
    expect(sim.personalClients()).toHaveLength(4);
    expect((await call('DELETE', 'key/2')).status).toBe(200);
    expect(sim.personalClients()).toHaveLength(3);
  });

  test('both need a live bearer token', async () => {
    expect((await call('GET', 'key-1', { bearer: null })).status).toBe(401);
    expect((await call('DELETE', 'key-1', { bearer: 'made-up' })).status).toBe(401);
    expect(sim.personalClients()).toHaveLength(4);
  });

  test('faults can be aimed at one key', async () => {
    sim.injectFault({ kind: 'status', status: 403, route: 'delete_personal_client', credentialId: 'key/2' });
    expect((await call('DELETE', 'key-1', { body: '{}', contentType: 'application/json' })).status).toBe(200);
    expect((await call('DELETE', 'key/2', { body: '{}', contentType: 'application/json' })).status).toBe(403);
    expect((await call('DELETE', 'key/2', { body: '{}', contentType: 'application/json' })).status).toBe(200);
    expect(sim.requestsTo('delete_personal_client')).toHaveLength(3);
  });
});

describe('C1 client: deletePersonalClient', () => {
  let rig: TestRig;

  beforeEach(async () => {
    rig = await startRig({ personalClients: [{ id: 'k 1' }, { id: 'k2' }] });
  });
  afterEach(async () => {
    await rig.close();
  });

  test('sends DELETE with the JSON body {} to the escaped key path', async () => {
    await expect(rig.client().deletePersonalClient('k 1')).resolves.toEqual({ attempts: 1 });
    const [req] = rig.sim.requestsTo('delete_personal_client');
    expect(req).toMatchObject({ method: 'DELETE', path: '/api/v1/iam/personal_clients/k%201', body: '{}' });
    expect(req!.headers['content-type']).toBe('application/json');
    expect(rig.sim.personalClients()).toEqual([{ id: 'k2' }]);
  });

  test('retries 5xx like the listing, and names 403 and 404 by code', async () => {
    rig.sim.injectFault({ kind: 'status', status: 503, route: 'delete_personal_client', credentialId: 'k2' });
    await expect(rig.client().deletePersonalClient('k2')).resolves.toEqual({ attempts: 2 });

    rig.sim.setPersonalClients([{ id: 'k3' }]);
    rig.sim.injectFault({ kind: 'status', status: 403, route: 'delete_personal_client', credentialId: 'k3', echoCredentials: true });
    const forbidden = await rejectionOf(() => rig.client().deletePersonalClient('k3'));
    expect(forbidden.code).toBe('C1_FORBIDDEN');
    for (const secret of rig.secretsSeen()) expect(forbidden.message).not.toContain(secret);

    const missing = await rejectionOf(() => rig.client().deletePersonalClient('gone'));
    expect(missing.code).toBe('C1_NOT_FOUND');
  });
});
