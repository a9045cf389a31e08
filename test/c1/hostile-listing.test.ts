import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/c1/http.js';
import { EXIT, HygieneError } from '../../src/errors.js';
import { normalizeKeys } from '../../src/keys/normalize.js';
import { memoryLogger, startRig, type TestRig } from '../helpers/simulator.js';

let rig: TestRig | undefined;
let server: Server | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function failure(promise: Promise<unknown>): Promise<HygieneError> {
  const error = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(HygieneError);
  return error as HygieneError;
}

const page = (items: string, nextPageToken = ''): string => `{"list":[${items}],"nextPageToken":${JSON.stringify(nextPageToken)}}`;
const deepArray = (depth: number): string => `${'['.repeat(depth)}"10.0.0.0/8"${']'.repeat(depth)}`;

describe('a listing with values nested thousands deep', () => {
  it('costs only the bad keys a warning; the others are listed and normalised', async () => {
    rig = await startRig();
    const items = [
      `{"id":"deep","allowSourceCidr":[${deepArray(5000)},"10.1.0.0/16"]}`,
      `{"id":"object-not-list","allowSourceCidr":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`,
      `{"id":"deep-roles","scopedRoles":${deepArray(5000)},"displayName":${deepArray(5000)}}`,
      '{"id":"fine","allowSourceCidr":["192.0.2.0/24"]}',
    ].join(',');
    rig.sim.injectFault({ kind: 'raw-body', body: page(items), route: 'personal_clients' });

    const listing = await rig.client().listPersonalClients();

    expect(listing.items.map((item) => item.id)).toEqual(['deep', 'object-not-list', 'deep-roles', 'fine']);
    expect(listing.warnings.map((w) => `${w.credentialId}:${w.field}`)).toEqual([
      'deep:allowSourceCidr',
      'object-not-list:allowSourceCidr',
      'deep-roles:displayName',
      'deep-roles:scopedRoles',
    ]);
    const deep = listing.items[0]?.allowSourceCidr ?? [];
    expect(deep[1]).toBe('10.1.0.0/16');
    expect(deep[0]?.length).toBeLessThanOrEqual(201);
    const normalized = normalizeKeys(listing.items, new Date('2026-11-27T00:00:00Z'));
    expect(normalized.active.map((key) => key.allowSourceCidr?.valid.map((entry) => entry.cidr))).toEqual([
      ['10.1.0.0/16'],
      [],
      undefined,
      ['192.0.2.0/24'],
    ]);
  });
});

describe('listing bounds', () => {
  it('stops at a page token above c1.maxPageTokenBytes, after one request, naming the limit', async () => {
    rig = await startRig();
    let served = 0;
    rig.sim.injectFault({
      kind: 'raw-body',
      route: 'personal_clients',
      times: 50,
      body: () => page(`{"id":"k${served}"}`, `${++served}`.padEnd(1024 * 1024, 'x')),
    });
    const error = await failure(rig.client().listPersonalClients());
    expect(error.code).toBe('LISTING_TOO_LARGE');
    expect(error.exitCode).toBe(EXIT.auditFailed);
    expect(error.message).toContain('c1.maxPageTokenBytes');
    expect(rig.sim.requestsTo('personal_clients')).toHaveLength(1);
  });

  it('stops a listing whose pages together pass c1.maxListingBytes, naming the limit', async () => {
    rig = await startRig();
    let served = 0;
    const filler = 'x'.repeat(300 * 1024);
    rig.sim.injectFault({
      kind: 'raw-body',
      route: 'personal_clients',
      times: 50,
      body: () => page(`{"id":"k${served}","displayName":"${filler}"}`, `page-${++served}`),
    });
    const error = await failure(rig.client({ bounds: { maxListingBytes: 1024 * 1024 } }).listPersonalClients());
    expect(error.code).toBe('LISTING_TOO_LARGE');
    expect(error.message).toContain('c1.maxListingBytes');
    expect(rig.sim.requestsTo('personal_clients')).toHaveLength(4);
  });

  it('refuses one page of 100,000 keys above c1.maxResponseBytes with exit 3, naming the limit', async () => {
    rig = await startRig();
    const items = Array.from({ length: 100_000 }, (_, i) => `{"id":"k${i}"}`).join(',');
    rig.sim.injectFault({ kind: 'raw-body', body: page(items), route: 'personal_clients' });
    // The same check as the 16 MiB default (tested below), at a size that keeps this test quick.
    const error = await failure(rig.client({ maxRetries: 0, bounds: { maxResponseBytes: 1024 * 1024 } }).listPersonalClients());
    expect(error.code).toBe('C1_BAD_RESPONSE');
    expect(error.exitCode).toBe(EXIT.auditFailed);
    expect(error.message).toContain('c1.maxResponseBytes');
  });
});

describe('the default 16 MiB response cap of the HTTP client', () => {
  it('reads a body of exactly 16 MiB and refuses one byte more', async () => {
    const limit = 16 * 1024 * 1024;
    let size = limit;
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(Buffer.alloc(size, 0x20));
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const http = createHttpClient({ timeoutMs: 10_000, maxRetries: 0, logger: memoryLogger().logger });
    try {
      const req = { method: 'GET' as const, url: new URL(`http://127.0.0.1:${port}/api/v1/iam/personal_clients`) };
      expect((await http.send(req)).body.length).toBe(limit);
      size = limit + 1;
      const error = await failure(http.send(req));
      expect(error.code).toBe('C1_BAD_RESPONSE');
      expect(error.message).toContain(`exceeds ${limit} bytes`);
    } finally {
      await http.close();
    }
  });
});
