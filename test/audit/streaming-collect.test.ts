/**
 * The source stage handing keys over page by page (the streaming audit):
 * against the C1 simulator over HTTP, every key reaches the consumer once, in
 * API order, with the context it needs, and none is held by the stage itself.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
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

  it('hands a page over only once the previous page\'s consumer has settled its promise, in API order', async () => {
    sim = await startSimulator({ personalClients: keys(17), pageSize: 5, roles: ROLES });
    const config = await configFor(sim);
    const handed: string[][] = [];
    let busy = false;
    let overlapped = false;
    const collected = await collectFromC1(config, requireCredentials(config), { logger: memoryLogger().logger, clock: systemClock }, async (page) => {
      overlapped ||= busy;
      busy = true;
      // The first page is held until the listing has asked for every page, so later pages are waiting meanwhile.
      if (handed.length === 0) await until(() => sim!.requestsTo('personal_clients').length === 4);
      handed.push(page.map((key) => key.id));
      busy = false;
    });
    expect(collected.items).toEqual([]);
    expect(overlapped).toBe(false);
    expect(handed.map((ids) => ids.length)).toEqual([5, 5, 5, 2]);
    expect(handed.flat()).toEqual(keys(17).map((key) => key.id));
  });

  it('a consumer whose promise rejects ends the collection with that error, and is handed no further page', async () => {
    sim = await startSimulator({ personalClients: keys(12), pageSize: 5, roles: ROLES });
    const config = await configFor(sim);
    let calls = 0;
    const failure = new Error('the judging stage could not be loaded');
    const error = await collectFromC1(config, requireCredentials(config), { logger: memoryLogger().logger, clock: systemClock }, async () => {
      calls += 1;
      await Promise.resolve();
      throw failure;
    }).catch((caught: unknown) => caught);
    expect(error).toBe(failure);
    expect(calls).toBe(1);
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

describe('the previous state, read while the listing runs', () => {
  const CORRUPT = '{"version": 2, "findings": {';
  const quiet = { asOf: null, dryRun: false, failOn: null } as const;

  it('is judged only once the listing worked: a failed listing leaves a corrupt file where it is and says nothing of it', async () => {
    sim = await startSimulator({ personalClients: keys(12), pageSize: 5, roles: ROLES });
    sim.injectFault({ kind: 'status', status: 500, route: 'personal_clients', times: 10 });
    const config = await configFor(sim);
    await mkdir(config.state.dir, { recursive: true });
    await writeFile(join(config.state.dir, 'state.json'), CORRUPT);
    const { logger, text } = memoryLogger();

    const outcome = await runAudit({ config: { ...config, c1: { ...config.c1, maxRetries: 0 } }, ...quiet }, { logger, clock: systemClock, print: () => undefined });

    expect(outcome.exitCode).toBe(EXIT.auditFailed);
    expect((await readdir(config.state.dir)).filter((name) => name.startsWith('state.json'))).toEqual(['state.json']);
    expect(text()).not.toContain('corrupt');
  });

  it('a corrupt file is moved aside with its warning after a listing that worked', async () => {
    sim = await startSimulator({ personalClients: keys(12), pageSize: 5, roles: ROLES });
    const config = await configFor(sim);
    await mkdir(config.state.dir, { recursive: true });
    await writeFile(join(config.state.dir, 'state.json'), CORRUPT);
    const { logger, lines } = memoryLogger();

    const outcome = await runAudit({ config, ...quiet }, { logger, clock: systemClock, print: () => undefined });

    expect(outcome.exitCode).toBe(EXIT.ok);
    expect((await readdir(config.state.dir)).some((name) => name.startsWith('state.json.corrupt-'))).toBe(true);
    const messages = lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
    const moved = messages.indexOf('state file was corrupt; moved aside, starting with empty alert state');
    expect(moved).toBeGreaterThan(messages.indexOf('listed C1 personal clients'));
    expect(messages.indexOf('listed C1 personal clients')).toBeGreaterThan(-1);
  });

  it('a state path that cannot be read fails the audit after the listing, as STATE_READ_FAILED', async () => {
    sim = await startSimulator({ personalClients: keys(12), pageSize: 5, roles: ROLES });
    const config = await configFor(sim);
    await mkdir(join(config.state.dir, 'state.json'), { recursive: true });

    const outcome = await runAudit({ config, ...quiet }, { logger: memoryLogger().logger, clock: systemClock, print: () => undefined });

    expect(outcome.exitCode).toBe(EXIT.auditFailed);
    expect(outcome.error).toMatchObject({ code: 'STATE_READ_FAILED' });
    expect(sim.requestsTo('personal_clients')).toHaveLength(3);
  });
});

/** Resolves once `condition` holds, checking after each turn of the event loop (no fixed wait). */
function until(condition: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (condition()) resolve();
      else setImmediate(check);
    };
    check();
  });
}
