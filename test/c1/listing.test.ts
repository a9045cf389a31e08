import { afterEach, describe, expect, test } from 'vitest';
import { BUILTIN_ROLES } from '../../src/simulator/index.js';
import { memoryLogger, rejectionOf, startRig, type TestRig } from '../helpers/simulator.js';

let rig: TestRig;
afterEach(async () => {
  await rig.close();
});

const keys = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `key-${String(i).padStart(2, '0')}` }));

describe('listPersonalClients pagination', () => {
  test('follows nextPageToken across pages and returns every id in order; the first request is bare', async () => {
    // The listing takes no page size: the server's (5 here) decides.
    rig = await startRig({ personalClients: keys(23), pageSize: 5 });
    const listing = await rig.client().listPersonalClients();
    expect(listing.pages).toBe(5);
    expect(listing.items.map((c) => c.id)).toEqual(keys(23).map((k) => k.id));
    expect(listing.warnings).toEqual([]);
    expect(listing.skipped).toEqual([]);

    const calls = rig.sim.requestsTo('personal_clients');
    expect(calls).toHaveLength(5);
    expect(calls[0]!.query).toEqual({});
    for (const call of calls.slice(1)) expect(Object.keys(call.query)).toEqual(['page_token']);
    const tokens = calls.slice(1).map((c) => c.query.page_token);
    expect(new Set(tokens).size).toBe(4);
  });

  test('an exact multiple of the page size ends on the empty nextPageToken', async () => {
    rig = await startRig({ personalClients: keys(10), pageSize: 5 });
    const listing = await rig.client().listPersonalClients();
    expect(listing.pages).toBe(2);
    expect(listing.items).toHaveLength(10);
  });

  test('"list": null means no keys', async () => {
    rig = await startRig({ personalClients: [] });
    const listing = await rig.client().listPersonalClients();
    expect(listing).toEqual({ items: [], count: 0, warnings: [], skipped: [], pages: 1 });
  });

  test('an absent list and absent nextPageToken mean an empty last page', async () => {
    rig = await startRig();
    rig.sim.injectFault({ kind: 'wrong-shape', route: 'personal_clients', body: {} });
    expect(await rig.client().listPersonalClients()).toEqual({ items: [], count: 0, warnings: [], skipped: [], pages: 1 });
  });

  test('a nextPageToken that was already followed fails with C1_PAGINATION', async () => {
    rig = await startRig({ personalClients: keys(23), pageSize: 5 });
    rig.sim.injectFault({ kind: 'repeat-page-token', route: 'personal_clients', times: 5 });
    const err = await rejectionOf(() => rig.client().listPersonalClients());
    expect(err.code).toBe('C1_PAGINATION');
    expect(err.message).toMatch(/nextPageToken it had already sent/);
    expect(rig.sim.requestsTo('personal_clients')).toHaveLength(2);
  });

  test('more pages than maxPages fails with C1_PAGINATION; exactly maxPages is fine', async () => {
    rig = await startRig({ personalClients: keys(23), pageSize: 5 });
    const err = await rejectionOf(() => rig.client({ maxPages: 4 }).listPersonalClients());
    expect(err.code).toBe('C1_PAGINATION');
    expect(err.message).toMatch(/more than 4 pages.*c1\.maxPages/);
    expect(rig.sim.requestsTo('personal_clients')).toHaveLength(4);

    const ok = await rig.client({ maxPages: 5 }).listPersonalClients();
    expect(ok.items).toHaveLength(23);
  });
});

describe('listPersonalClients shape checks', () => {
  const badEnvelopes: Array<{ body: unknown; message: string }> = [
    { body: { list: 'nope' }, message: 'C1 returned a personal_clients page whose "list" is not an array' },
    { body: { list: { id: 'x' } }, message: 'C1 returned a personal_clients page whose "list" is not an array' },
    { body: { list: [], nextPageToken: 5 }, message: 'C1 returned a personal_clients page whose "nextPageToken" is not a string' },
    { body: [{ id: 'x' }], message: 'C1 returned a personal_clients page that is not a JSON object' },
    { body: 'hello', message: 'C1 returned a personal_clients page that is not a JSON object' },
    { body: null, message: 'C1 returned a personal_clients page that is not a JSON object' },
  ];

  test.each(badEnvelopes)('a page $body fails with C1_BAD_RESPONSE', async ({ body, message }) => {
    rig = await startRig();
    rig.sim.injectFault({ kind: 'wrong-shape', route: 'personal_clients', body });
    const err = await rejectionOf(() => rig.client().listPersonalClients());
    expect(err.code).toBe('C1_BAD_RESPONSE');
    expect(err.message).toBe(message);
  });

  test('only items with no usable identity are skipped; a wrong-typed field costs the field, not the key', async () => {
    rig = await startRig({
      personalClients: [
        { id: 'good-1', clientId: 'a@acme.conductor.one/pcc', expiresTime: 'garbage date stays a string', futureField: { x: 1 } },
        { id: 'bad-expiry', expiresTime: 123 },
        { id: 'bad-cidr', allowSourceCidr: '10.0.0.0/8' },
        { id: 'bad-roles', scopedRoles: ['ok', 1] },
        { id: 'two-bad', displayName: false, lastUsedAt: [] },
        'just a string',
        { clientId: 'no-id@acme.conductor.one/pcc' },
        { id: 42 },
        { id: 'good-2', deletedAt: null, allowSourceCidr: null, scopedRoles: [] },
      ],
      pageSize: 4,
    });
    const log = memoryLogger();
    const listing = await rig.client({ logger: log.logger }).listPersonalClients();

    expect(listing.items).toEqual([
      { id: 'good-1', clientId: 'a@acme.conductor.one/pcc', expiresTime: 'garbage date stays a string' },
      { id: 'bad-expiry', malformed: { invalidFields: ['expiresTime'], nonStringCidrEntries: [] } },
      { id: 'bad-cidr', allowSourceCidr: ['"10.0.0.0/8"'], malformed: { invalidFields: [], nonStringCidrEntries: [0] } },
      { id: 'bad-roles', scopedRoles: ['ok'], malformed: { invalidFields: ['scopedRoles'], nonStringCidrEntries: [] } },
      { id: 'two-bad', malformed: { invalidFields: ['lastUsedAt'], nonStringCidrEntries: [] } },
      { id: 'good-2', allowSourceCidr: null, scopedRoles: [] },
    ]);
    expect(listing.warnings).toEqual([
      {
        credentialId: 'bad-expiry',
        index: 1,
        field: 'expiresTime',
        message: 'personal client "bad-expiry" (#1): "expiresTime" is not a string (got number); rules reading expiresTime were skipped for this key',
      },
      {
        credentialId: 'bad-cidr',
        index: 2,
        field: 'allowSourceCidr',
        message: 'personal client "bad-cidr" (#2): "allowSourceCidr" is not a list of strings (got string); reported as an invalid entry',
      },
      {
        credentialId: 'bad-roles',
        index: 3,
        field: 'scopedRoles',
        message: 'personal client "bad-roles" (#3): "scopedRoles[1]" is not a string (got number); rules reading scopedRoles were skipped for this key',
      },
      {
        credentialId: 'two-bad',
        index: 4,
        field: 'displayName',
        message: 'personal client "two-bad" (#4): "displayName" is not a string (got boolean); treated as absent',
      },
      {
        credentialId: 'two-bad',
        index: 4,
        field: 'lastUsedAt',
        message: 'personal client "two-bad" (#4): "lastUsedAt" is not a string (got array); rules reading lastUsedAt were skipped for this key',
      },
    ]);
    expect(listing.skipped).toEqual([
      { credentialId: null, index: 5, field: '(item)', message: 'personal client #5 is not a JSON object (got string); skipped' },
      { credentialId: null, index: 6, field: 'id', message: 'personal client #6 has no usable "id" (got undefined); skipped' },
      { credentialId: null, index: 7, field: 'id', message: 'personal client #7 has no usable "id" (got number); skipped' },
    ]);
    // Indexes count across pages (page size 4: items 5-7 came on page 2).
    expect(listing.pages).toBe(3);
    expect(log.lines.filter((l) => l.includes('skipped a malformed personal client'))).toHaveLength(3);
    expect(log.lines.filter((l) => l.includes('kept a personal client with a malformed field'))).toHaveLength(5);
    expect(log.lines.find((l) => l.includes('listed C1 personal clients'))).toMatch(/"clients":6,"skipped":3/);
  });

  test('an id listed again on a later page (or the same page) is skipped once kept, so it is counted once', async () => {
    rig = await startRig({
      personalClients: [
        { id: 'a', displayName: 'first' },
        { id: 'b' },
        { id: 'c' },
        { id: 'a', displayName: 'second' },
        { id: 'b', expiresTime: 5 },
        { id: 'b' },
      ],
      pageSize: 3,
    });
    const listing = await rig.client().listPersonalClients();

    expect(listing.pages).toBe(2);
    expect(listing.items).toEqual([{ id: 'a', displayName: 'first' }, { id: 'b' }, { id: 'c' }]);
    // The skipped repeat's own field problems are not reported: it is not audited.
    expect(listing.warnings).toEqual([]);
    expect(listing.skipped).toEqual([
      { credentialId: 'a', index: 3, field: 'id', message: 'personal client "a" (#3) listed more than once (first at #0); skipped' },
      { credentialId: 'b', index: 4, field: 'id', message: 'personal client "b" (#4) listed more than once (first at #1); skipped' },
      { credentialId: 'b', index: 5, field: 'id', message: 'personal client "b" (#5) listed more than once (first at #1); skipped' },
    ]);
  });

  test('a long or hostile id is quoted and shortened in the warning', async () => {
    const hostile = `evil"\n${'x'.repeat(200)}`;
    rig = await startRig({ personalClients: [{ id: hostile, expiresTime: 1 }] });
    const [warning] = (await rig.client().listPersonalClients()).warnings;
    expect(warning!.credentialId).toBe(hostile);
    expect(warning!.message).not.toContain('\n');
    expect(warning!.message.length).toBeLessThan(200);
  });
});

describe('listRoles', () => {
  test('lists every role across pages as id, name and display name', async () => {
    rig = await startRig();
    const roles = await rig.client({ pageSize: 3 }).listRoles();
    expect(roles).toEqual(BUILTIN_ROLES.map(({ id, name, displayName }) => ({ id, name, displayName })));
    expect(rig.sim.requestsTo('roles')).toHaveLength(2);
  });

  test('skips roles without an id and fills missing names with ""', async () => {
    rig = await startRig({ roles: [{ id: 'r1', displayName: 'One' }, { name: 'no-id' }, 7, { id: 'r2', name: 'two', displayName: null }] });
    expect(await rig.client().listRoles()).toEqual([
      { id: 'r1', name: '', displayName: 'One' },
      { id: 'r2', name: 'two', displayName: '' },
    ]);
  });

  test('a roles page of the wrong shape fails with C1_BAD_RESPONSE naming roles', async () => {
    rig = await startRig();
    rig.sim.injectFault({ kind: 'wrong-shape', route: 'roles' });
    const err = await rejectionOf(() => rig.client().listRoles());
    expect(err.code).toBe('C1_BAD_RESPONSE');
    expect(err.message).toBe('C1 returned a roles page whose "list" is not an array');
  });
});
