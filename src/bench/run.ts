/**
 * `npm run bench`: measures what a large tenant costs. Speed and memory
 * live here, not in timed test assertions.
 *
 *   1. normalise + evaluate N synthetic keys (pure CPU; the rules engine), in
 *      one call each and page by page (N / 50 calls of 50 keys, as the
 *      streaming audit calls it)
 *   2. list M keys from the local C1 simulator over real HTTP (pagination, JSON, validation)
 *   3. a whole audit (list, evaluate, state, report) of M keys
 *   4. rendering that audit's report in each format, as a ratio to JSON; and
 *      writing it, scaled to W keys, streamed vs rendered to one string per
 *      format first (the way it was written before), with the growth of each
 *   5. loading a state file of N fingerprints, as a ratio to JSON.parse of the same file
 *   6. start-up: `--version` and an audit of 0 keys, as ratios to `node -e 0`
 *   7. a tenant-wide audit of T keys over O owners at 5 ms simulated latency per
 *      response, against its budget: 2 × (list pages + user batches) × 5 ms +
 *      start-up, where start-up is the same audit measured at 0 ms latency
 *   8. the CLI's audit of 10,000 keys at 5 ms per response, and of 100,000 keys
 *      with the default config, each as a child process vs its I/O floor (a
 *      plain node:http script fetching the same pages and writing a file of
 *      the report's size; fsync + rename for the 100k row), with peak RSS
 *   9. with BENCH_TEST_SUITE=1, the test suite's wall time (`vitest run`)
 *
 * It ends with the table of goals: each row as a ratio to its reference
 * measured in this run, with the load average (the machine is shared).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runAudit } from '../audit/run-audit.js';
import { createC1Client } from '../c1/client.js';
import { systemClock } from '../clock.js';
import { loadConfig } from '../config/load.js';
import { DEMO_ROLES, DEMO_TENANT, demoPersonalClients } from '../demo/sample-keys.js';
import { parseCidrEntry } from '../keys/cidr.js';
import { normalizeKeys } from '../keys/normalize.js';
import { loadState, saveState } from '../lifecycle/state.js';
import { emptyChannelRecord, emptyState, type AlertedEntry, type TrackedFinding } from '../lifecycle/types.js';
import type { RawPersonalClient } from '../keys/types.js';
import { silentLogger } from '../logger.js';
import { DEFAULT_REPORT_FORMATS } from '../report/formats.js';
import { RENDERERS } from '../report/render/index.js';
import type { AuditReport } from '../report/types.js';
import { Secret } from '../secret.js';
import { evaluateKeys } from '../rules/evaluate.js';
import { RULES } from '../rules/index.js';
import type { Finding } from '../rules/types.js';
import { generateCredential, startSimulator } from '../simulator/index.js';
import { measureIoFloor, type IoFloorResult } from './io-floor.js';
import { compareReportWrites, formatReportWriteRows, scaleReport } from './report-write.js';
import { formatStartupRow, measureStartup } from './startup.js';
import { measureTestSuite } from './test-suite.js';

const ENGINE_KEYS = Number(process.env.BENCH_ENGINE_KEYS ?? 100_000);
const API_KEYS = Number(process.env.BENCH_API_KEYS ?? 5_000);
const TENANT_KEYS = Number(process.env.BENCH_TENANT_KEYS ?? 20_000);
const TENANT_OWNERS = Number(process.env.BENCH_TENANT_OWNERS ?? 2_000);
const TENANT_LATENCY_MS = 5;
/** The tenant search's page size and the user search's batch size. */
const SEARCH_PAGE = 100;
const STARTUP_ROUNDS = Number(process.env.BENCH_STARTUP_ROUNDS ?? 11);
/** The CLI audit vs its I/O floor: keys, rounds, and the own-keys listing's page size (the server's choice; C1's is 50). */
const IO_KEYS = Number(process.env.BENCH_IO_KEYS ?? 10_000);
const IO_ROUNDS = Number(process.env.BENCH_IO_ROUNDS ?? 5);
const IO_LATENCY_MS = Number(process.env.BENCH_IO_LATENCY_MS ?? 5);
const HUGE_KEYS = Number(process.env.BENCH_HUGE_KEYS ?? 100_000);
const HUGE_ROUNDS = Number(process.env.BENCH_HUGE_ROUNDS ?? 1);
const HUGE_LATENCY_MS = Number(process.env.BENCH_HUGE_LATENCY_MS ?? 0);
const LIST_PAGE = Number(process.env.BENCH_LIST_PAGE ?? 50);
/** Minutes of `vitest run`: only when asked for. */
const TEST_SUITE = process.env.BENCH_TEST_SUITE === '1';
const TEST_SUITE_GOAL_MS = 180_000;
/** Writing the report: keys it is scaled to, and rounds of both ways. */
const WRITE_KEYS = Number(process.env.BENCH_WRITE_KEYS ?? 100_000);
const WRITE_ROUNDS = Number(process.env.BENCH_WRITE_ROUNDS ?? 1);
/** Keys per call in the engine's page-by-page row. */
const ENGINE_PAGE = 50;

/** One row of the closing table: what, measured vs reference, the ratio and the goal. */
interface GoalRow {
  what: string;
  measured: string;
  reference: string;
  ratio: string;
  goal: string;
  /** null: not measured in this run. */
  met: boolean | null;
}

function loadAverage(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ');
}

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

/**
 * A tenant of `keys` keys spread over `owners` owners (every 50th owner
 * disabled, so owner-inactive has work), audited in tenant scope: once with
 * no latency (the start-up: token, CPU, files), then with 5 ms per response.
 */
async function tenantBench(now: Date, dir: string): Promise<void> {
  const credential = generateCredential(DEMO_TENANT, 'bench-admin');
  const personalClients = syntheticKeys(TENANT_KEYS, now).map((key, i) => ({ ...key, userId: `owner-${i % TENANT_OWNERS}` }));
  const users = Array.from({ length: TENANT_OWNERS }, (_, i) => ({
    id: `owner-${i}`,
    email: `owner-${i}@example.com`,
    displayName: `Owner ${i}`,
    status: i % 50 === 0 ? 'DISABLED' : 'ENABLED',
  }));
  const simulator = await startSimulator({ tenantHost: DEMO_TENANT, credentials: [credential], personalClients, users, roles: DEMO_ROLES, maxPageSize: SEARCH_PAGE });
  try {
    const auditAt = async (latencyMs: number): Promise<number> => {
      simulator.setLatency(latencyMs);
      const runDir = await mkdtemp(join(dir, `tenant-${latencyMs}ms-`));
      const config = await loadConfig({
        configPath: null,
        cwd: dir,
        env: {
          C1_CLIENT_ID: credential.clientId,
          C1_CLIENT_SECRET: credential.clientSecret,
          C1_API_URL: simulator.url,
          C1_SCOPE: 'tenant',
          REPORT_DIR: join(runDir, 'reports'),
          STATE_DIR: join(runDir, 'state'),
        },
      });
      const start = performance.now();
      const outcome = await runAudit({ config, asOf: now, dryRun: false, failOn: null }, { logger: silentLogger(), clock: systemClock, print: () => {} });
      const ms = performance.now() - start;
      if (outcome.exitCode !== 0) throw new Error(`tenant audit failed: ${outcome.error?.message ?? `exit ${outcome.exitCode}`}`);
      return ms;
    };
    // The best of two runs without latency: the first also warms up the JIT.
    const startup = Math.min(await auditAt(0), await auditAt(0));
    const measured = await auditAt(TENANT_LATENCY_MS);
    const pages = Math.ceil(TENANT_KEYS / SEARCH_PAGE);
    const batches = Math.ceil(TENANT_OWNERS / SEARCH_PAGE);
    const budget = 2 * (pages + batches) * TENANT_LATENCY_MS + startup;
    console.log(
      `\ntenant audit, ${TENANT_KEYS} keys over ${TENANT_OWNERS} owners, ${TENANT_LATENCY_MS} ms per response ` +
        `(${pages} list pages + ${batches} user batches + token):\n` +
        `  start-up (same audit at 0 ms) ${startup.toFixed(0)} ms; measured ${measured.toFixed(0)} ms; ` +
        `budget 2 × (${pages} + ${batches}) × ${TENANT_LATENCY_MS} ms + start-up = ${budget.toFixed(0)} ms; ` +
        `ratio ${(measured / budget).toFixed(2)} ${measured <= budget ? '(within budget)' : '(OVER BUDGET)'}`,
    );
  } finally {
    await simulator.close();
  }
}

/**
 * Normalising with the integer CIDR parser vs the big-number library it
 * replaced (`new IPCIDR()` per entry, what normalisation used to do), as a
 * ratio measured in this run. ip-cidr is a devDependency: without it (a
 * production install) the row says so and is skipped.
 */
async function compareCidrParsing(raws: readonly RawPersonalClient[], now: Date): Promise<void> {
  let IPCIDR: typeof import('ip-cidr').default;
  try {
    IPCIDR = (await import('ip-cidr')).default;
  } catch {
    console.log('CIDR parsing vs ip-cidr: skipped (ip-cidr is a devDependency and is not installed)');
    return;
  }
  const entries = raws.flatMap((raw) => raw.allowSourceCidr ?? []);
  const time = (work: () => void): number => {
    globalThis.gc?.();
    const start = performance.now();
    work();
    return performance.now() - start;
  };
  // Best of three each, interleaved, so both sides see the same machine load.
  const runs = { ours: [] as number[], reference: [] as number[], normalise: [] as number[] };
  for (let round = 0; round < 3; round += 1) {
    runs.ours.push(time(() => entries.forEach((entry) => parseCidrEntry(entry))));
    runs.reference.push(
      time(() =>
        entries.forEach((entry) => {
          const text = entry.trim();
          if (!IPCIDR.isValidAddress(text.split('/')[0] ?? '')) return;
          try {
            new IPCIDR(text.includes('/') ? text : `${text}/${text.includes(':') ? 128 : 32}`).start({ type: 'bigInteger' });
          } catch {
            // invalid entries cost the reference its exception, as they did
          }
        }),
      ),
    );
    runs.normalise.push(time(() => normalizeKeys(raws, now)));
  }
  const [ours, reference, normalise] = [Math.min(...runs.ours), Math.min(...runs.reference), Math.min(...runs.normalise)];
  const before = normalise - ours + reference;
  console.log(
    `CIDR entries (${entries.length}): parseCidrEntry ${ours.toFixed(0)} ms vs ip-cidr ${reference.toFixed(0)} ms = ${(reference / ours).toFixed(1)}x faster`,
  );
  console.log(
    `normalise ${raws.length} keys: ${normalise.toFixed(0)} ms now vs ${before.toFixed(0)} ms with ip-cidr per entry = ${(before / normalise).toFixed(1)}x faster`,
  );
}

async function main(): Promise<void> {
  const now = new Date();
  console.log(`node ${process.version}, ${cpus().length} cores, load average ${loadAverage()}; engine keys ${ENGINE_KEYS}, API keys ${API_KEYS}\n`);

  const raws = syntheticKeys(ENGINE_KEYS, now) as unknown as RawPersonalClient[];
  const config = await loadConfig({ configPath: null, env: {}, cwd: process.cwd() });
  const goals: GoalRow[] = [];
  const loadAtStart = loadAverage();
  // The engine as the audit drives it, a page at a time: median of three rounds after one to warm up.
  evaluatePages(raws, now, config.rules);
  const pagedRounds: number[] = [];
  let enginePages = 0;
  for (let round = 0; round < 3; round += 1) {
    const pagedStart = performance.now();
    ({ pages: enginePages } = await measure(`normalise + evaluate, pages of ${ENGINE_PAGE}`, ENGINE_KEYS, () => evaluatePages(raws, now, config.rules)));
    pagedRounds.push(performance.now() - pagedStart);
  }
  const pagedMs = [...pagedRounds].sort((a, b) => a - b)[1]!;
  const pagedRate = (ENGINE_KEYS / pagedMs) * 1000;
  // And in one call over every key, holding them all, as the audit did before it streamed.
  let engineStart = performance.now();
  const normalized = await measure('normalise', ENGINE_KEYS, () => normalizeKeys(raws, now));
  let engineMs = performance.now() - engineStart;
  await compareCidrParsing(raws, now);
  engineStart = performance.now();
  await measure(`evaluate ${RULES.length} rules`, ENGINE_KEYS, () =>
    evaluateKeys(normalized.active, { now, rules: config.rules, roles: new Map(), suppressions: [] }),
  );
  engineMs += performance.now() - engineStart;
  const engineRate = (ENGINE_KEYS / engineMs) * 1000;

  const credential = generateCredential(DEMO_TENANT, 'bench');
  const simulator = await startSimulator({
    tenantHost: DEMO_TENANT,
    credentials: [credential],
    personalClients: syntheticKeys(API_KEYS, now),
    roles: DEMO_ROLES,
    // The own-keys listing takes no page size: the server's decides.
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
      maxPages: null,
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
    let report: AuditReport | null = null;
    for (const run of ['first', 'second'] as const) {
      const outcome = await measure(`whole audit, ${run} run (state ${run === 'first' ? 'empty' : 'full'})`, API_KEYS, () =>
        runAudit({ config: auditConfig, asOf: null, dryRun: false, failOn: null }, { logger: silentLogger(), clock: systemClock, print: () => {} }),
      );
      report = outcome.report;
    }
    if (report) {
      benchRenderers(report);
      const writes = await compareReportWrites(scaleReport(report, WRITE_KEYS), { dir, formats: DEFAULT_REPORT_FORMATS, rounds: WRITE_ROUNDS });
      for (const line of formatReportWriteRows(writes)) console.log(line);
    }
    await tenantBench(now, dir);
  } finally {
    await simulator.close();
    await rm(dir, { recursive: true, force: true });
  }
  await benchStateLoad(ENGINE_KEYS);

  const startup = await measureStartup(STARTUP_ROUNDS);
  console.log(`\nstart-up, medians of ${STARTUP_ROUNDS} launches each, ${startup.environment}:`);
  for (const row of startup.rows) console.log(formatStartupRow(row));
  const [version, emptyAudit] = startup.rows;
  const startupGoal = (row: typeof version, what: string, goal: number): void => {
    if (row) goals.push({ what, measured: `${row.medianMs.toFixed(0)} ms`, reference: `node -e 0: ${row.referenceMs.toFixed(0)} ms`, ratio: `${row.ratio.toFixed(2)}×`, goal: `≤ ${goal}×`, met: row.ratio <= goal });
  };
  startupGoal(version, '`--version` vs `node -e 0`', 1.5);
  startupGoal(emptyAudit, '`audit` of 0 keys (bearer token) vs `node -e 0`', 5);

  const demo = (count: number): Record<string, unknown>[] => syntheticKeys(count, now);
  const io = await measureIoFloor({ keys: IO_KEYS, personalClients: demo(IO_KEYS), latencyMs: IO_LATENCY_MS, pageSize: LIST_PAGE, rounds: IO_ROUNDS, durable: false });
  printIoFloor(io, IO_ROUNDS);
  goals.push({
    what: `${IO_KEYS} keys at ${IO_LATENCY_MS} ms per response (${io.pages} pages of ${LIST_PAGE}) vs plain node:http`,
    measured: io.failure ? 'fails' : `${io.auditMs.toFixed(0)} ms`,
    reference: `${io.plainMs.toFixed(0)} ms`,
    ratio: io.failure ? '—' : `${io.ratio.toFixed(2)}×`,
    goal: '≤ 1.5×',
    met: io.failure === null && io.ratio <= 1.5,
  });
  const huge = await measureIoFloor({ keys: HUGE_KEYS, personalClients: demo(HUGE_KEYS), latencyMs: HUGE_LATENCY_MS, pageSize: LIST_PAGE, rounds: HUGE_ROUNDS, durable: true });
  printIoFloor(huge, HUGE_ROUNDS);
  const hugeRss = huge.auditPeakRss / 1024 / 1024;
  goals.push({
    what: `${HUGE_KEYS} keys, default config (${huge.pages} pages of ${LIST_PAGE}, ${HUGE_LATENCY_MS} ms) vs plain node:http + fsync + rename`,
    measured: huge.failure ? `fails: ${huge.failure}` : `${huge.auditMs.toFixed(0)} ms, peak RSS ${hugeRss.toFixed(0)} MiB`,
    reference: huge.failure ? '—' : `${huge.plainMs.toFixed(0)} ms, peak RSS ${(huge.plainPeakRss / 1024 / 1024).toFixed(0)} MiB`,
    ratio: huge.failure ? '—' : `${huge.ratio.toFixed(2)}×`,
    goal: 'completes; ≤ 300 MB RSS; ≤ 3×',
    met: huge.failure === null && huge.auditPeakRss <= 300e6 && huge.ratio <= 3,
  });
  goals.push({
    what: `normalise + evaluate, as the audit runs it (${enginePages} pages of ${ENGINE_PAGE}, median of 3)`,
    measured: `${pagedRate.toFixed(0)} keys/s`,
    reference: `${ENGINE_KEYS} keys in ${pagedMs.toFixed(0)} ms (in one call over all keys held at once: ${engineRate.toFixed(0)} keys/s)`,
    ratio: '—',
    goal: '≥ 100000 keys/s',
    met: pagedRate >= 100_000,
  });

  if (TEST_SUITE) {
    const suite = await measureTestSuite(process.cwd());
    console.log(`\ntest suite (vitest run): ${(suite.ms / 1000).toFixed(0)} s, ${suite.passed} passed, ${suite.failed} failed`);
    goals.push({
      what: 'the test suite (`vitest run`, build excluded)',
      measured: `${(suite.ms / 1000).toFixed(0)} s, ${suite.passed} passed, ${suite.failed} failed`,
      reference: '—',
      ratio: '—',
      goal: '≤ 3 min, all passing',
      met: suite.failed === 0 && suite.ms <= TEST_SUITE_GOAL_MS,
    });
  } else {
    goals.push({ what: 'the test suite (`vitest run`, build excluded)', measured: 'not run (BENCH_TEST_SUITE=1)', reference: '—', ratio: '—', goal: '≤ 3 min, all passing', met: null });
  }

  console.log(`\n## goals (${cpus().length} cores, node ${process.version}; load average 1/5/15 min: ${loadAtStart} at start, ${loadAverage()} at end)\n`);
  console.log('| what | measured | reference | ratio | goal | met |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const row of goals) console.log(`| ${row.what} | ${row.measured} | ${row.reference} | ${row.ratio} | ${row.goal} | ${row.met === null ? '—' : row.met ? 'yes' : 'no'} |`);
}

/**
 * The engine as the streaming audit drives it: each page normalised and
 * evaluated by its own calls, so per-call set-up counts; the findings are
 * kept (the report needs them), the keys are not.
 */
function evaluatePages(raws: readonly RawPersonalClient[], now: Date, rules: Awaited<ReturnType<typeof loadConfig>>['rules']): { pages: number; findings: Finding[] } {
  const findings: Finding[] = [];
  let pages = 0;
  for (let start = 0; start < raws.length; start += ENGINE_PAGE) {
    const page = normalizeKeys(raws.slice(start, start + ENGINE_PAGE), now);
    for (const finding of evaluateKeys(page.active, { now, rules, roles: new Map(), suppressions: [] }).findings) findings.push(finding);
    pages += 1;
  }
  return { pages, findings };
}

function printIoFloor(result: IoFloorResult, rounds: number): void {
  const head = `\nCLI audit of ${result.keys} keys, ${result.pages} pages at ${result.latencyMs} ms per response, vs plain node:http (median of ${rounds}):`;
  if (result.failure) {
    console.log(`${head}\n  FAILS: ${result.failure} (peak RSS ${mib(result.auditPeakRss)}, ${result.auditMs.toFixed(0)} ms)`);
    return;
  }
  console.log(
    `${head}\n  audit ${result.auditMs.toFixed(0)} ms, peak RSS ${mib(result.auditPeakRss)}; plain ${result.plainMs.toFixed(0)} ms, peak RSS ${mib(result.plainPeakRss)}; ` +
      `report ${mib(result.reportBytes)}; ratio ${result.ratio.toFixed(2)}×`,
  );
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

/** Each format's rendering time as a multiple of the JSON rendering of the same report, measured in the same run. */
function benchRenderers(report: AuditReport): void {
  const time = (render: (value: AuditReport) => string): { ms: number; bytes: number } => {
    let bytes = 0;
    const start = performance.now();
    for (let i = 0; i < 3; i++) bytes = render(report).length;
    return { ms: (performance.now() - start) / 3, bytes };
  };
  const json = time(RENDERERS.json.render);
  for (const [format, renderer] of Object.entries(RENDERERS)) {
    const result = format === 'json' ? json : time(renderer.render);
    console.log(
      `${`render ${format}`.padEnd(44)} ${String(report.clients.length).padStart(7)} keys  ${result.ms.toFixed(0).padStart(6)} ms  ` +
        `${(result.ms / json.ms).toFixed(2).padStart(6)} × JSON  ${mib(result.bytes)}`,
    );
  }
}

await main();
