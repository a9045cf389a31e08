import { afterEach, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { EXIT } from '../../src/errors.js';
import { memoryLogger, rejectionOf, startRig, type TestRig } from '../helpers/simulator.js';

let rig: TestRig;
afterEach(async () => {
  await rig.close();
});

const keys = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `key-${String(i).padStart(6, '0')}`, userId: `user-${i % 7}` }));
const bodies = () => rig.sim.requestsTo('search_personal_clients').map((r) => JSON.parse(r.body) as Record<string, unknown>);

describe('tenant scope: POST /api/v1/search/iam/personal_clients', () => {
  test('pages in the JSON body, never in the query, following nextPageToken; the server caps the page', async () => {
    rig = await startRig({ personalClients: keys(23), maxPageSize: 7 });
    const listing = await rig.client({ pageSize: 100 }).listPersonalClients({ scope: 'tenant' });
    expect(listing.items.map((c) => c.id)).toEqual(keys(23).map((k) => k.id));
    expect(listing.pages).toBe(4);

    const calls = rig.sim.requestsTo('search_personal_clients');
    expect(calls.map((c) => [c.method, c.query, c.headers['content-type']])).toEqual(Array(4).fill(['POST', {}, 'application/json']));
    const sent = bodies();
    expect(sent[0]).toEqual({ pageSize: 100 });
    for (const body of sent.slice(1)) expect(Object.keys(body).sort()).toEqual(['pageSize', 'pageToken']);
    expect(new Set(sent.slice(1).map((b) => b.pageToken)).size).toBe(3);
    // The caller's own listing is not asked in tenant scope.
    expect(rig.sim.requestsTo('personal_clients')).toEqual([]);
  });

  test('hands each page\'s kept keys to onKeys as the listing goes', async () => {
    rig = await startRig({ personalClients: [...keys(12), { id: 'key-000000' }, 'garbage'], maxPageSize: 5 });
    const seen: string[][] = [];
    const listing = await rig.client({ pageSize: 5 }).listPersonalClients({ scope: 'tenant', onKeys: (page) => seen.push(page.map((k) => k.id)) });
    expect(seen.flat()).toEqual(keys(12).map((k) => k.id));
    expect(seen.map((page) => page.length)).toEqual([5, 5, 2]);
    expect(listing.skipped.map((s) => s.field)).toEqual(['id', '(item)']);
  });

  test('the same guards as the own listing: a repeated token, retries, a refreshed token, duplicate ids', async () => {
    rig = await startRig({ personalClients: [...keys(9), { id: 'key-000001' }], maxPageSize: 3 });
    rig.sim.injectFault({ kind: 'status', status: 503, route: 'search_personal_clients' });
    rig.sim.injectFault({ kind: 'expire-tokens', route: 'search_personal_clients' });
    const listing = await rig.client({ pageSize: 3 }).listPersonalClients({ scope: 'tenant' });
    expect(listing.items).toHaveLength(9);
    expect(listing.skipped).toEqual([
      { credentialId: 'key-000001', index: 9, field: 'id', message: 'personal client "key-000001" (#9) listed more than once (first at #1); skipped' },
    ]);
    expect(rig.sim.requestsTo('token')).toHaveLength(2);

    rig.sim.injectFault({ kind: 'repeat-page-token', route: 'search_personal_clients', times: 3 });
    const err = await rejectionOf(() => rig.client({ pageSize: 3 }).listPersonalClients({ scope: 'tenant' }));
    expect(err.code).toBe('C1_PAGINATION');
    expect(err.message).toMatch(/nextPageToken it had already sent/);
  });

  test('a 403 says in plain words that tenant scope needs a C1 admin\'s key (exit 3)', async () => {
    rig = await startRig({ personalClients: keys(3) });
    rig.sim.injectFault({ kind: 'status', status: 403, route: 'search_personal_clients', message: 'permission denied' });
    const err = await rejectionOf(() => rig.client().listPersonalClients({ scope: 'tenant' }));
    expect(err.code).toBe('C1_FORBIDDEN');
    expect((err as unknown as { exitCode: number }).exitCode).toBe(EXIT.auditFailed);
    expect(err.message).toContain("C1 refused to list every user's API keys (HTTP 403 on POST /api/v1/search/iam/personal_clients: permission denied)");
    expect(err.message).toMatch(/needs the personal API key of a C1 admin/);
    expect(err.message).toMatch(/C1_SCOPE=self/);
  });

  test('pages that bring nothing but another token forever are stopped', async () => {
    rig = await startRig();
    for (let i = 0; i < 100; i += 1) {
      rig.sim.injectFault({ kind: 'wrong-shape', route: 'search_personal_clients', body: { list: null, nextPageToken: `endless-${i}` } });
    }
    const err = await rejectionOf(() => rig.client({ maxPages: null }).listPersonalClients({ scope: 'tenant' }));
    expect(err.code).toBe('C1_PAGINATION');
    expect(err.message).toMatch(/100 personal_clients pages in a row without any item/);
  });
});

describe('c1.maxKeys', () => {
  test.each(['self', 'tenant'] as const)('%s scope: more keys than maxKeys stops the listing at the page that crossed it, naming c1.maxKeys', async (scope) => {
    rig = await startRig({ personalClients: keys(23), pageSize: 5, maxPageSize: 5 });
    const err = await rejectionOf(() => rig.client({ pageSize: 5, maxKeys: 12 }).listPersonalClients({ scope }));
    expect(err.code).toBe('C1_TOO_MANY_KEYS');
    expect((err as unknown as { exitCode: number }).exitCode).toBe(EXIT.auditFailed);
    expect(err.message).toMatch(/more than 12 personal clients \(c1\.maxKeys\)/);
    expect(err.details).toMatchObject({ maxKeys: 12, received: 15 });
    const route = scope === 'self' ? 'personal_clients' : 'search_personal_clients';
    expect(rig.sim.requestsTo(route)).toHaveLength(3);

    const exact = await rig.client({ pageSize: 5, maxKeys: 23 }).listPersonalClients({ scope });
    expect(exact.items).toHaveLength(23);
  });
});

describe('no hidden ceiling', () => {
  test('with the default configuration, 100,001 keys are listed in full (more than the old 1,000 pages × 100)', async () => {
    const many = Array.from({ length: 100_001 }, (_, i) => ({ id: `k${i}` }));
    rig = await startRig({ personalClients: many, maxPageSize: 100 });
    const { c1 } = await loadConfig({ configPath: null, env: {}, cwd: process.cwd() });
    const log = memoryLogger('warn');
    const listing = await rig
      .client({ pageSize: c1.pageSize, maxPages: c1.maxPages, maxKeys: c1.maxKeys, logger: log.logger })
      .listPersonalClients({ scope: 'tenant' });
    expect(listing.items).toHaveLength(100_001);
    expect(listing.pages).toBe(1001);
    expect(listing.items.at(-1)?.id).toBe('k100000');
    expect(bodies().every((body) => body.pageSize === 100)).toBe(true);
  }, 60_000);
});
