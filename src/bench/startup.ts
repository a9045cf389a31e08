/**
 * Start-up cost of the CLI, as ratios to `node -e 0` launched side by side in
 * the same environment (the machine is shared and noisy; only ratios mean
 * anything). Rows: `--version`, and an `audit` of a tenant with no keys
 * authenticated by a ready bearer token against the local simulator.
 *
 * `npm run bench` measures them among its other rows; `node dist/bench/startup.js`
 * (after `npm run build`) measures only these, `BENCH_STARTUP_ROUNDS` times (default 11).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadavg, tmpdir } from 'node:os';
import { startSimulator } from '../simulator/index.js';

const CLI_PATH = fileURLToPath(new URL('../cli.js', import.meta.url));

export interface StartupRow {
  label: string;
  medianMs: number;
  referenceMs: number;
  ratio: number;
}

/** Wall time of one child process from spawn to exit; a non-zero exit is an error (a broken row must not look fast). */
function timeLaunch(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, args, { env, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - start;
      if (code === 0) resolve(ms);
      else reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr.slice(0, 500)}`));
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Runs the reference and each case in turn, `rounds` times, so load spikes hit
 * both sides alike; reports medians. The environment is the caller's own
 * (NODE_EXTRA_CA_CERTS included, when set), the same for every launch.
 */
export async function measureStartup(rounds: number): Promise<{ rows: StartupRow[]; environment: string }> {
  const simulator = await startSimulator({ personalClients: [] });
  const dir = await mkdtemp(join(tmpdir(), 'c1-hygiene-bench-startup-'));
  try {
    const baseEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '' };
    if (process.env.NODE_EXTRA_CA_CERTS) baseEnv.NODE_EXTRA_CA_CERTS = process.env.NODE_EXTRA_CA_CERTS;
    const auditEnv: NodeJS.ProcessEnv = {
      ...baseEnv,
      C1_ACCESS_TOKEN: simulator.issueToken(),
      C1_API_URL: simulator.url,
      REPORT_DIR: join(dir, 'reports'),
      STATE_DIR: join(dir, 'state'),
      LOG_LEVEL: 'warn',
    };
    const cases: { label: string; args: string[]; env: NodeJS.ProcessEnv }[] = [
      { label: 'reference: node -e 0', args: ['-e', '0'], env: baseEnv },
      { label: 'c1-hygiene --version', args: [CLI_PATH, '--version'], env: baseEnv },
      { label: 'c1-hygiene audit, 0 keys, bearer token', args: [CLI_PATH, 'audit'], env: auditEnv },
    ];
    const samples = cases.map(() => [] as number[]);
    // One warm-up round fills the file system cache for every case alike.
    for (const c of cases) await timeLaunch(c.args, c.env, dir);
    for (let round = 0; round < rounds; round++) {
      for (const [i, c] of cases.entries()) samples[i]!.push(await timeLaunch(c.args, c.env, dir));
    }
    const referenceMs = median(samples[0]!);
    const rows = cases.slice(1).map((c, i) => {
      const medianMs = median(samples[i + 1]!);
      return { label: c.label, medianMs, referenceMs, ratio: medianMs / referenceMs };
    });
    const environment = baseEnv.NODE_EXTRA_CA_CERTS ? `NODE_EXTRA_CA_CERTS=${baseEnv.NODE_EXTRA_CA_CERTS} on both sides` : 'no NODE_EXTRA_CA_CERTS';
    return { rows, environment };
  } finally {
    await simulator.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export function formatStartupRow(row: StartupRow): string {
  return `${row.label.padEnd(44)} ${row.medianMs.toFixed(0).padStart(6)} ms  ${row.ratio.toFixed(2).padStart(5)}× reference (node -e 0: ${row.referenceMs.toFixed(0)} ms)`;
}

// `node dist/bench/startup.js`: the start-up rows alone, with the load average around them.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rounds = Number(process.env.BENCH_STARTUP_ROUNDS ?? 11);
  const load = (): string => loadavg().map((value) => value.toFixed(2)).join(' / ');
  const before = load();
  const startup = await measureStartup(rounds);
  console.log(`start-up, medians of ${rounds} launches each, ${startup.environment}; load average ${before} at start, ${load()} at end:`);
  for (const row of startup.rows) console.log(formatStartupRow(row));
}
