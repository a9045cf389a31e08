import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';

let sim: Simulator;
let token: string;

const keys = Array.from({ length: 23 }, (_, i) => ({ id: `key-${i}`, userId: `user-${i % 3}`, displayName: i === 5 ? 'Deploy Bot' : `key ${i}` }));

beforeEach(async () => {
  sim = await startSimulator({ personalClients: keys, maxPageSize: 8 });
  token = sim.issueToken();
});
afterEach(async () => {
  await sim.close();
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const searchKeys = (body: unknown) => post('/api/v1/search/iam/personal_clients', body);
const searchUsers = (body: unknown) => post('/api/v1/search/users', body);

describe('POST /api/v1/search/iam/personal_clients', () => {
  test('pages in the JSON body and cuts the page size to its cap', async () => {
    const ids: string[] = [];
    let pageToken = '';
    let pages = 0;
    do {
      const { status, body } = await searchKeys({ pageSize: 100, ...(pageToken && { pageToken }) });
      expect(status).toBe(200);
      const list = body.list as Array<{ id: string }>;
      expect(list.length).toBeLessThanOrEqual(8);
      ids.push(...list.map((c) => c.id));
      pageToken = body.nextPageToken as string;
      pages += 1;
    } while (pageToken !== '');
    expect(pages).toBe(3);
    expect(ids).toEqual(keys.map((k) => k.id));
  });

  test('an empty body means the defaults; users and query narrow the search', async () => {
    expect(((await searchKeys('')).body.list as unknown[]).length).toBe(8); // default 10, cut to the cap
    const mine = await searchKeys({ users: [{ id: 'user-1' }], pageSize: 100 });
    expect((mine.body.list as Array<{ userId: string }>).every((c) => c.userId === 'user-1')).toBe(true);
    expect((mine.body.list as unknown[]).length).toBe(8);
    const byName = await searchKeys({ query: 'deploy' });
    expect(byName.body).toEqual({ list: [keys[5]], nextPageToken: '' });
  });

  test('refuses what its request message does not have: unknown fields, wrong types, query parameters, a token of another route', async () => {
    for (const body of [{ page_size: 5 }, { pageSize: -1 }, { pageSize: 'ten' }, { pageToken: 5 }, { users: ['user-1'] }, { users: [{ id: 'u', email: 'x' }] }, [1], '{"pageSize":']) {
      const { status, body: answer } = await searchKeys(body);
      expect({ body, status }).toEqual({ body, status: 400 });
      expect(answer).toMatchObject({ code: 3 });
    }
    const withQuery = await post('/api/v1/search/iam/personal_clients?page_size=5', {});
    expect(withQuery.status).toBe(400);
    const roles = await fetch(`${sim.url}/api/v1/iam/roles?page_size=1`, { headers: { authorization: `Bearer ${token}` } });
    const foreignToken = ((await roles.json()) as { nextPageToken: string }).nextPageToken;
    expect(foreignToken).not.toBe('');
    expect(await searchKeys({ pageToken: foreignToken })).toMatchObject({ status: 400, body: { message: 'invalid pageToken' } });
    const form = await post('/api/v1/search/iam/personal_clients', '{}', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(400);
  });

  test('faults apply to it by its own route name', async () => {
    sim.injectFault({ kind: 'status', status: 403, route: 'search_personal_clients' });
    expect((await searchKeys({})).status).toBe(403);
    expect((await searchKeys({})).status).toBe(200);
    expect(sim.requestsTo('search_personal_clients')).toHaveLength(2);
  });
});

describe('users', () => {
  test('by default every key owner and the caller are enabled users with an example.com address', async () => {
    const { body } = await searchUsers({ pageSize: 100 });
    const users = (body.list as Array<{ user: Record<string, unknown> }>).map((view) => view.user);
    expect(users.map((u) => u.id)).toEqual(['sim-user-1', 'user-0', 'user-1', 'user-2']);
    expect(users.every((u) => u.status === 'ENABLED' && String(u.email).endsWith('@example.com'))).toBe(true);
    expect(body).toMatchObject({ nextPageToken: '', expanded: [] });
  });

  test('search by refs answers list[].user for the ids it knows, each once', async () => {
    sim.setUsers([
      { id: 'a', email: 'a@example.com', status: 'ENABLED' },
      { id: 'b', email: 'b@example.com', status: 'DISABLED' },
    ]);
    const { status, body } = await searchUsers({ refs: [{ id: 'b' }, { id: 'nobody' }, { id: 'a' }, { id: 'b' }], pageSize: 100 });
    expect(status).toBe(200);
    expect(body).toEqual({
      list: [{ user: { id: 'b', email: 'b@example.com', status: 'DISABLED' } }, { user: { id: 'a', email: 'a@example.com', status: 'ENABLED' } }],
      nextPageToken: '',
      expanded: [],
    });
    expect(await searchUsers({ refs: [{ id: 'nobody' }] })).toMatchObject({ status: 200, body: { list: null, nextPageToken: '' } });
  });

  test('page size: 0 means 25, under 10 means 10, over 100 is refused; a server cap pages the answer', async () => {
    sim.setUsers(Array.from({ length: 130 }, (_, i) => ({ id: `u${i}`, status: 'ENABLED' })));
    const count = async (pageSize: number) => ((await searchUsers({ pageSize })).body.list as unknown[]).length;
    expect(await count(0)).toBe(25);
    expect(await count(3)).toBe(10);
    expect(await count(100)).toBe(100);
    expect((await searchUsers({ pageSize: 101 })).status).toBe(400);

    const capped = await startSimulator({ users: Array.from({ length: 130 }, (_, i) => ({ id: `u${i}` })), maxUsersPageSize: 30 });
    try {
      const res = await fetch(`${capped.url}/api/v1/search/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${capped.issueToken()}`, 'content-type': 'application/json' },
        body: JSON.stringify({ refs: Array.from({ length: 100 }, (_, i) => ({ id: `u${i}` })), pageSize: 100 }),
      });
      const body = (await res.json()) as { list: unknown[]; nextPageToken: string };
      expect(body.list).toHaveLength(30);
      expect(body.nextPageToken).not.toBe('');
    } finally {
      await capped.close();
    }
  });

  test('filters by email, status and query, and refuses unknown fields', async () => {
    sim.setUsers([
      { id: 'a', email: 'ann@example.com', displayName: 'Ann', status: 'ENABLED' },
      { id: 'b', email: 'bob@example.com', displayName: 'Bob', status: 'DELETED' },
    ]);
    const ids = async (body: unknown) => ((await searchUsers(body)).body.list as Array<{ user: { id: string } }> | null)?.map((v) => v.user.id) ?? [];
    expect(await ids({ email: 'bob@example.com' })).toEqual(['b']);
    expect(await ids({ userStatuses: ['ENABLED'] })).toEqual(['a']);
    expect(await ids({ query: 'an' })).toEqual(['a']);
    expect((await searchUsers({ ids: ['a'] })).status).toBe(400);
  });

  test('GET /api/v1/users/{id} nests the user under userView.user', async () => {
    const get = (id: string) => fetch(`${sim.url}/api/v1/users/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${token}` } });
    const found = await get('user-2');
    expect(found.status).toBe(200);
    expect(await found.json()).toEqual({
      userView: { user: { id: 'user-2', email: 'user-2@example.com', emails: ['user-2@example.com'], displayName: 'User user-2', username: 'user-2', status: 'ENABLED', type: 'USER_TYPE_HUMAN' } },
      expanded: [],
    });
    const missing = await get('nobody');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 5 });
  });
});
