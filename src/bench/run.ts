/**
 * `npm run bench`: measures what a large tenant costs. Speed and memory
 * live here, not in timed test assertions.
 *
 *   1. normalise + evaluate N synthetic keys (pure CPU; the rules engine)
 *   2. list M keys from the local C1 simulator over real HTTP (pagination, JSON, validation)
 *   3. a whole audit (list, evaluate, state, report) of M keys
 *   4. loading a state file of N fingerprints, as a ratio to JSON.parse of the same file
 *   5. start-up: `--version` and an audit of 0 keys, as ratios to `node -e 0`
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runAudit } from '../audit/run-audit.js';
import { createC1Client } from '../c1/client.js';
import { systemClock } from '../clock.js';
import { loadConfig } from '../config/load.js';
import { DEMO_ROLES, DEMO_TENANT, demoPersonalClients } from '../demo/sample-keys.js';
import { normalizeKeys } from '../keys/normalize.js';
import { loadState, saveState } from '../lifecycle/state.js';
import { emptyChannelRecord, emptyState, type AlertedEntry, type TrackedFinding } from '../lifecycle/types.js';
import type { RawPersonalClient } from '../keys/types.js';
import { silentLogger } from '../logger.js';
import { Secret } from '../secret.js';
import { evaluateKeys } from '../rules/evaluate.js';
import { generateCredential, startSimulator } from '../simulator/index.js';
import { formatStartupRow, measureStartup } from './startup.js';

const ENGINE_KEYS = Number(process.env.BENCH_ENGINE_KEYS ?? 100_000);
const API_KEYS = Number(process.env.BENCH_API_KEYS ?? 5_000);
const STARTUP_ROUNDS = Number(process.env.BENCH_STARTUP_ROUNDS ?? 11);

/** The demo's keys repeated with unique ids: every rule has work to do. */
function syntheticKeys(count: number, now: Date): Record<string, unknown>[] {
  const templates = demoPersonalClients(now);
  return Array.from({ length: count }, (_, i) => {
    const template = templates[i % templates.length] as Record<string, unknown>;
    return { ...template, id: `bench-${i}`, clientId: `bench-${i}@${DEMO_TENANT}/pcc` };
  });
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

async function measure<T>(label: string, count: number, work: () => Promise<T> | T): Promise<T> {
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const start = performance.now();
  const result = await work();
  const ms = performance.now() - start;
  const { heapUsed, rss } = process.memoryUsage();
  console.log(
    `${label.padEnd(44)} ${String(count).padStart(7)} keys  ${ms.toFixed(0).padStart(6)} ms  ` +
      `${((count / ms) * 1000).toFixed(0).padStart(8)} keys/s  heap +${mib(Math.max(0, heapUsed - heapBefore))}  rss ${mib(rss)}`,
  );
  return result;
}

async function main(): Promise<void> {
  const now = new Date();
  console.log(`node ${process.version}; engine keys ${ENGINE_KEYS}, API keys ${API_KEYS}\n`);

  const raws = syntheticKeys(ENGINE_KEYS, now) as unknown as RawPersonalClient[];
  const config = await loadConfig({ configPath: null, env: {}, cwd: process.cwd() });
  const normalized = await measure('normalise', ENGINE_KEYS, () => normalizeKeys(raws, now));
  await measure('evaluate 10 rules', ENGINE_KEYS, () =>
    evaluateKeys(normalized.active, { now, rules: config.rules, roles: new Map(), suppressions: [] }),
  );

  const credential = generateCredential(DEMO_TENANT, 'bench');
  const simulator = await startSimulator({
    tenantHost: DEMO_TENANT,
    credentials: [credential],
    personalClients: syntheticKeys(API_KEYS, now),
    roles: DEMO_ROLES,
    pageSize: 100,
  });
  const dir = await mkdtemp(join(tmpdir(), 'c1-hygiene-bench-'));
  try {
    const client = createC1Client({
      baseUrl: simulator.url,
      credentials: { kind: 'access-token', accessToken: new Secret(simulator.issueToken(credential.clientId)) },
      timeoutMs: 10_000,
      maxRetries: 0,
      pageSize: 100,
      maxPages: 10_000,
      logger: silentLogger(),
    });
    await measure('list over HTTP (page size 100)', API_KEYS, () => client.listPersonalClients());
    await client.close();

    const auditConfig = await loadConfig({
      configPath: null,
      cwd: dir,
      env: {
        C1_CLIENT_ID: credential.clientId,
        C1_CLIENT_SECRET: credential.clientSecret,
        C1_API_URL: simulator.url,
        REPORT_DIR: join(dir, 'reports'),
        STATE_DIR: join(dir, 'state'),
      },
    });
    auditConfig.c1.pageSize = 100;
    for (const run of ['first', 'second'] as const) {
      await measure(`whole audit, ${run} run (state ${run === 'first' ? 'empty' : 'full'})`, API_KEYS, () =>
        runAudit({ config: auditConfig, asOf: null, dryRun: false, failOn: null }, { logger: silentLogger(), clock: systemClock, print: () => {} }),
      );
    }
  } finally {
    await simulator.close();
    await rm(dir, { recursive: true, force: true });
  }
  await benchStateLoad(ENGINE_KEYS);

  const startup = await measureStartup(STARTUP_ROUNDS);
  console.log(`\nstart-up, medians of ${STARTUP_ROUNDS} launches each, ${startup.environment}:`);
  for (const row of startup.rows) console.log(formatStartupRow(row));
}

/**
 * The state is read on every run and can hold every finding of a large
 * tenant, once in the shared tracking and once per channel that was told.
 * Its checks should cost a fraction of parsing the JSON itself.
 */
async function benchStateLoad(count: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'c1-hygiene-bench-state-'));
  try {
    const state = emptyState();
    const email = emptyChannelRecord();
    const tracked = new Map<string, TrackedFinding>();
    const alerted = new Map<string, AlertedEntry>();
    for (let i = 0; i < count; i++) {
      tracked.set(`fp-${i}`, {
        ruleId: 'no-expiry',
        credentialId: `bench-${i}`,
        clientId: `bench-${i}@${DEMO_TENANT}/pcc`,
        displayName: `bench key ${i}`,
        severity: 'high',
        firstSeenAt: '2026-11-01T07:00:00.000Z',
        lastSeenAt: '2026-11-26T07:00:00.000Z',
      });
      alerted.set(`fp-${i}`, { at: '2026-11-20T07:00:00.000Z', severity: 'high' });
    }
    await saveState(dir, { ...state, findings: Object.fromEntries(tracked), channels: { email: { ...email, alerted: Object.fromEntries(alerted) } } });
    const text = await readFile(join(dir, 'state.json'), 'utf8');
    const parseMs = await timed(() => JSON.parse(text));
    const loadMs = await timed(() => loadState(dir, silentLogger()));
    console.log(
      `${'load state (JSON.parse = 1.00)'.padEnd(44)} ${String(count).padStart(7)} fps   ${loadMs.toFixed(0).padStart(6)} ms  ratio ${(loadMs / parseMs).toFixed(2)}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function timed(work: () => unknown): Promise<number> {
  globalThis.gc?.();
  const start = performance.now();
  await work();
  return performance.now() - start;
}

await main();
