import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import { OwnerLookup } from '../../src/c1/owner-lookup.js';
import { checkUserViews } from '../../src/c1/users.js';
import type { C1Client } from '../../src/c1/client.js';
import { startRig, type TestRig } from '../helpers/simulator.js';

let rig: TestRig;
afterEach(async () => {
  await rig?.close();
});

const userIds = (n: number) => Array.from({ length: n }, (_, i) => `user-${String(i).padStart(4, '0')}`);
const enabledUsers = (ids: readonly string[]) => ids.map((id) => ({ id, email: `${id}@example.com`, displayName: `Name ${id}`, status: 'ENABLED' }));
const userSearches = () =>
  rig.sim.requestsTo('search_users').map((r) => JSON.parse(r.body) as { refs: Array<{ id: string }>; pageSize: number; pageToken?: string });

function lookupFor(client: C1Client, concurrency?: number): OwnerLookup {
  return new OwnerLookup({ fetchBatch: (ids) => client.searchUsersById(ids), ...(concurrency && { concurrency }) });
}

describe('owner lookup over POST /api/v1/search/users', () => {
  test('more than 100 owners: batches of at most 100 refs, each id asked once, pageSize 100', async () => {
    const ids = userIds(250);
    rig = await startRig({ users: enabledUsers(ids) });
    const lookup = lookupFor(rig.client());
    // Ids arrive page by page, with repeats, as keys of the same owner do.
    for (let i = 0; i < ids.length; i += 30) lookup.add([...ids.slice(i, i + 30), ids[0]!, ids[i]!]);
    const result = await lookup.finish();

    expect(result).toMatchObject({ ok: true, requested: 250, batches: 3 });
    if (!result.ok) return;
    expect(result.owners.size).toBe(250);
    expect(result.owners.get('user-0007')).toEqual({ id: 'user-0007', email: 'user-0007@example.com', displayName: 'Name user-0007', status: 'ENABLED' });

    const sent = userSearches();
    expect(sent.map((body) => body.refs.length)).toEqual([100, 100, 50]);
    expect(sent.every((body) => body.pageSize === 100 && body.pageToken === undefined)).toBe(true);
    const asked = sent.flatMap((body) => body.refs.map((ref) => ref.id));
    expect(asked.sort()).toEqual(ids);
    expect(rig.sim.requestsTo('search_users').every((r) => r.method === 'POST' && Object.keys(r.query).length === 0)).toBe(true);
  });

  test('requests run in parallel, never more than the bound at once', async () => {
    const ids = userIds(1000);
    rig = await startRig({ users: enabledUsers(ids), latencyMs: 40 });
    const lookup = lookupFor(rig.client());
    lookup.add(ids);
    const result = await lookup.finish();
    expect(result).toMatchObject({ ok: true, batches: 10 });
    expect(rig.sim.peakConcurrency('search_users')).toBeGreaterThan(1);
    expect(rig.sim.peakConcurrency('search_users')).toBeLessThanOrEqual(4);
  });

  test('a batch whose answer pages is followed to its end, with the same refs', async () => {
    const ids = userIds(100);
    rig = await startRig({ users: enabledUsers(ids), maxUsersPageSize: 30 });
    const owners = await rig.client().searchUsersById(ids);
    expect(owners.map((owner) => owner.id)).toEqual(ids);
    const sent = userSearches();
    expect(sent).toHaveLength(4);
    expect(sent.every((body) => body.refs.length === 100)).toBe(true);
    expect(sent.slice(1).every((body) => typeof body.pageToken === 'string' && body.pageToken !== '')).toBe(true);
  });

  test('ids C1 does not know are absent; unusable users are skipped; odd fields cost the field', async () => {
    rig = await startRig({
      users: [
        { id: 'plain', status: 'ENABLED', email: 'plain@example.com', displayName: 'Plain' },
        { id: 'from-emails', status: 'DISABLED', emails: [42, '', 'second@example.com'] },
        { id: 'spaced', email: 'a b@example.com\r\nBcc: x@evil.example', displayName: 7, status: 3 },
        { displayName: 'no id at all' },
      ],
    });
    const owners = await rig.client().searchUsersById(['plain', 'from-emails', 'spaced', 'nobody']);
    expect(owners).toEqual([
      { id: 'plain', email: 'plain@example.com', displayName: 'Plain', status: 'ENABLED' },
      { id: 'from-emails', email: 'second@example.com', displayName: null, status: 'DISABLED' },
      { id: 'spaced', email: null, displayName: null, status: 'UNKNOWN' },
    ]);
  });

  test('users the server adds without being asked never become anybody\'s owner', async () => {
    rig = await startRig({ users: enabledUsers(['a']) });
    rig.sim.injectFault({
      kind: 'wrong-shape',
      route: 'search_users',
      body: { list: [{ user: { id: 'intruder', status: 'DISABLED' } }, { user: { id: 'a', status: 'ENABLED' } }], nextPageToken: '' },
    });
    const lookup = lookupFor(rig.client());
    lookup.add(['a']);
    const result = await lookup.finish();
    expect(result.ok && [...result.owners.keys()]).toEqual(['a']);
  });

  test('a batch that still fails after its retries fails the lookup as a whole, and no further batch is sent', async () => {
    rig = await startRig({ users: enabledUsers(userIds(300)) });
    rig.sim.injectFault({ kind: 'status', status: 503, route: 'search_users', times: 2 });
    const lookup = lookupFor(rig.client({ maxRetries: 1 }), 1);
    lookup.add(userIds(300));
    const result = await lookup.finish();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toMatch(/HTTP 503 to POST \/api\/v1\/search\/users after 2 attempts/);
    expect(rig.sim.requestsTo('search_users')).toHaveLength(2);
  });

  test('flush sends the ids waiting for a full batch at once, as a batch of their own; later ids make the next batch', async () => {
    const ids = userIds(5);
    rig = await startRig({ users: enabledUsers(ids) });
    const lookup = lookupFor(rig.client());
    lookup.add(ids.slice(0, 2));
    expect(rig.sim.requestsTo('search_users')).toEqual([]);
    lookup.flush();
    lookup.flush();
    lookup.add([ids[0]!, ...ids.slice(2)]);
    const result = await lookup.finish();
    expect(result).toMatchObject({ ok: true, requested: 5, batches: 2 });
    expect(userSearches().map((body) => body.refs.map((ref) => ref.id))).toEqual([ids.slice(0, 2), ids.slice(2)]);
  });

  test('a stopped lookup sends nothing more', async () => {
    rig = await startRig();
    const lookup = lookupFor(rig.client());
    lookup.add(['a']);
    lookup.stop();
    lookup.add(userIds(150));
    expect(await lookup.finish()).toMatchObject({ ok: true, requested: 1, batches: 0 });
    expect(rig.sim.requestsTo('search_users')).toEqual([]);
  });
});

describe('checkUserViews on arbitrary JSON', () => {
  test('never throws; keeps exactly the items with a string user.id; bounded, header-safe values', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.jsonValue(), fc.record({ user: fc.record({ id: fc.string(), email: fc.jsonValue(), emails: fc.jsonValue(), displayName: fc.jsonValue(), status: fc.jsonValue() }, { requiredKeys: [] }) }))), (items) => {
        const { owners, skipped } = checkUserViews(items);
        expect(owners.length + skipped).toBe(items.length);
        for (const owner of owners) {
          expect(typeof owner.id).toBe('string');
          expect(owner.id).not.toBe('');
          if (owner.email !== null) {
            expect(owner.email.length).toBeLessThanOrEqual(254);
            expect(owner.email).not.toMatch(/[\s\p{Cc}]/u);
          }
          if (owner.displayName !== null) expect(owner.displayName.length).toBeLessThanOrEqual(256);
          expect(owner.status.length).toBeGreaterThan(0);
          expect(owner.status.length).toBeLessThanOrEqual(64);
        }
      }),
    );
  });
});
