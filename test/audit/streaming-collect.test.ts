/**
 * The source stage handing keys over page by page (the streaming audit):
 * against the C1 simulator over HTTP, every key reaches the consumer once, in
 * API order, with the context it needs, and none is held by the stage itself.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectFromC1, type ListingContext } from '../../src/audit/collect.js';
import { runAudit } from '../../src/audit/run-audit.js';
import { systemClock } from '../../src/clock.js';
import { loadConfig, requireCredentials } from '../../src/config/load.js';
import type { AppConfig } from '../../src/config/types.js';
import { EXIT } from '../../src/errors.js';
import type { RawPersonalClient } from '../../src/keys/types.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { memoryLogger } from '../helpers/simulator.js';

let dir: string;
let sim: Simulator | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'c1-streaming-collect-'));
});
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  await rm(dir, { recursive: true, force: true });
});

const ROLES = [
  { id: 'role-admin', name: 'Super Administrator', displayName: 'Super Administrator' },
  { id: 'role-reader', name: 'Log Reader', displayName: 'Log Reader' },
];

function keys(count: number, fields: (i: number) => Record<string, unknown> = () => ({})): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `key-${String(i).padStart(3, '0')}`,
    clientId: `key-${i}@acme.conductor.one/pcc`,
    displayName: `key ${i}`,
    createdAt: '2026-10-01T00:00:00Z',
    expiresTime: '2027-01-15T00:00:00Z',
    scopedRoles: ['role-admin'],
    ...fields(i),
  }));
}

async function configFor(simulator: Simulator, env: Record<string, string> = {}): Promise<AppConfig> {
  return loadConfig({
    configPath: null,
    cwd: dir,
    env: {
      C1_CLIENT_ID: simulator.credential.clientId,
      C1_CLIENT_SECRET: simulator.credential.clientSecret,
      C1_API_URL: simulator.url,
      REPORT_DIR: join(dir, 'reports'),
      STATE_DIR: join(dir, 'state'),
      ...env,
    },
  });
}

describe('the source stage with a page consumer', () => {
  it('hands every key over once, in API order, page by page, with the roles resolved and the caller as owner; it keeps none', async () => {
    sim = await startSimulator({ personalClients: keys(23, (i) => (i % 2 === 0 ? { userId: 'someone-else' } : {})), pageSize: 5, roles: ROLES, userId: 'the-caller' });
    const config = await configFor(sim);
    const pages: { ids: string[]; userIds: (string | undefined)[]; context: ListingContext }[] = [];
    const collected = await collectFromC1(config, requireCredentials(config), { logger: memoryLogger().logger, clock: systemClock }, (page: readonly RawPersonalClient[], context) => {
      pages.push({ ids: page.map((key) => key.id), userIds: page.map((key) => key.userId), context });
    });

    expect(collected.items).toEqual([]);
    expect(pages.map((page) => page.ids.length)).toEqual([5, 5, 5, 5, 3]);
    expect(pages.flatMap((page) => page.ids)).toEqual(keys(23).map((key) => key.id));
    expect(pages.flatMap((page) => page.userIds)).toEqual(keys(23).map((_, i) => (i % 2 === 0 ? 'someone-else' : 'the-caller')));
    for (const page of pages) {
      expect(page.context.rolesResolved).toBe(true);
      expect(page.context.roles.get('role-admin')?.name).toBe('Super Administrator');
    }
  });

  it('a roles listing that fails for good ends the audit with exit 3, and no report is written', async () => {
    sim = await startSimulator({ personalClients: keys(12), pageSize: 5, roles: ROLES });
    sim.injectFault({ kind: 'status', status: 500, route: 'roles', times: 10 });
    const config = await configFor(sim);
    // broad-roles names a role, so the roles must be listed before any key is judged.
    const broadRoles = { ...config, c1: { ...config.c1, maxRetries: 0 } };
    expect(broadRoles.rules.options.broadRoles.roles.length).toBeGreaterThan(0);
    const outcome = await runAudit({ config: broadRoles, asOf: null, dryRun: false, failOn: null }, { logger: memoryLogger().logger, clock: systemClock, print: () => undefined });
    expect(outcome.exitCode).toBe(EXIT.auditFailed);
    expect(outcome.error?.message).toMatch(/roles/i);
    expect(outcome.report).toBeNull();
  });
});
