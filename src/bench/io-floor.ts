/**
 * A whole audit as a child process (the CLI, as it runs in production) vs
 * its I/O floor: a plain `node:http` script (plain-fetch.ts) fetching the
 * same pages from the same simulator at the same latency and writing a file
 * of the report's size. Both launched side by side, rounds interleaved so
 * load spikes hit both alike; times are medians, peak RSS the highest seen.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../simulator/index.js';

const CLI_PATH = fileURLToPath(new URL('../cli.js', import.meta.url));
const PLAIN_PATH = fileURLToPath(new URL('./plain-fetch.js', import.meta.url));
const PEAK_RSS_PATH = fileURLToPath(new URL('./peak-rss.js', import.meta.url));

export interface IoFloorCase {
  keys: number;
  personalClients: Record<string, unknown>[];
  latencyMs: number;
  /** The own-keys listing's page size, which the server decides. */
  pageSize: number;
  rounds: number;
  /** The reference writes its file to a temp name, fsyncs and renames it, as an atomic report write must. */
  durable: boolean;
}

export interface IoFloorResult {
  keys: number;
  pages: number;
  latencyMs: number;
  auditMs: number;
  plainMs: number;
  ratio: number;
  auditPeakRss: number;
  plainPeakRss: number;
  reportBytes: number;
  /** Why the audit did not complete, when it did not. */
  failure: string | null;
}

interface Launch {
  ms: number;
  peakRss: number;
  code: number | null;
  stderr: string;
}

async function launch(args: string[], env: NodeJS.ProcessEnv, rssFile: string): Promise<Launch> {
  const start = performance.now();
  const child = spawn(process.execPath, ['--import', PEAK_RSS_PATH, ...args], {
    env: { ...env, BENCH_PEAK_RSS_FILE: rssFile },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const ms = performance.now() - start;
  const peakRss = Number(await readFile(rssFile, 'utf8').catch(() => '0'));
  return { ms, peakRss, code, stderr };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export async function measureIoFloor(c: IoFloorCase): Promise<IoFloorResult> {
  const simulator = await startSimulator({ personalClients: c.personalClients, pageSize: c.pageSize });
  simulator.setLatency(c.latencyMs);
  const dir = await mkdtemp(join(tmpdir(), 'c1-hygiene-bench-io-'));
  try {
    const baseEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '' };
    if (process.env.NODE_EXTRA_CA_CERTS) baseEnv.NODE_EXTRA_CA_CERTS = process.env.NODE_EXTRA_CA_CERTS;
    const token = simulator.issueToken();
    const audits: Launch[] = [];
    const plains: Launch[] = [];
    let reportBytes = 0;
    for (let round = 0; round < c.rounds; round += 1) {
      // A fresh state and report directory each round: every round is a first run.
      const runDir = await mkdtemp(join(dir, 'run-'));
      const audit = await launch(
        [CLI_PATH, 'audit'],
        { ...baseEnv, C1_ACCESS_TOKEN: token, C1_API_URL: simulator.url, REPORT_DIR: join(runDir, 'reports'), STATE_DIR: join(runDir, 'state'), LOG_LEVEL: 'warn' },
        join(runDir, 'audit.rss'),
      );
      if (audit.code !== 0) {
        const failure = `audit exited ${audit.code}: ${audit.stderr.trim().split('\n').slice(-3).join(' ').slice(0, 400)}`;
        return { keys: c.keys, pages: Math.ceil(c.keys / c.pageSize), latencyMs: c.latencyMs, auditMs: audit.ms, plainMs: 0, ratio: 0, auditPeakRss: audit.peakRss, plainPeakRss: 0, reportBytes: 0, failure };
      }
      audits.push(audit);
      reportBytes = (await stat(join(runDir, 'reports', 'latest.json'))).size;
      const plain = await launch(
        [PLAIN_PATH, simulator.url, join(runDir, 'plain.json'), String(reportBytes), ...(c.durable ? ['--durable'] : [])],
        { ...baseEnv, C1_ACCESS_TOKEN: token },
        join(runDir, 'plain.rss'),
      );
      if (plain.code !== 0) throw new Error(`the reference script exited ${plain.code}: ${plain.stderr.slice(0, 400)}`);
      plains.push(plain);
      await rm(runDir, { recursive: true, force: true });
    }
    const auditMs = median(audits.map((l) => l.ms));
    const plainMs = median(plains.map((l) => l.ms));
    return {
      keys: c.keys,
      pages: Math.ceil(c.keys / c.pageSize),
      latencyMs: c.latencyMs,
      auditMs,
      plainMs,
      ratio: auditMs / plainMs,
      auditPeakRss: Math.max(...audits.map((l) => l.peakRss)),
      plainPeakRss: Math.max(...plains.map((l) => l.peakRss)),
      reportBytes,
      failure: null,
    };
  } finally {
    await simulator.close();
    await rm(dir, { recursive: true, force: true });
  }
}
