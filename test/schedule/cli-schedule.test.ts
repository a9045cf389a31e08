/**
 * `c1-hygiene schedule` as users run it: the built CLI in a child process,
 * against the C1 simulator, stopped with real signals. Needs `npm run build`
 * first (npm test does it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { CLI_PATH, logLines } from '../helpers/cli.js';
import { waitFor } from './helpers.js';
import { unusedPort } from '../helpers/ports.js';

interface Running {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

let dir: string;
let simulator: Simulator;
const children: ChildProcess[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'c1-cli-schedule-'));
  simulator = await startSimulator({
    personalClients: [
      { id: 'pc-1', clientId: 'ci-bot@acme.conductor.one/pcc', displayName: 'CI bot', createdAt: '2026-01-05T10:00:00Z', allowSourceCidr: [] },
    ],
  });
});

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await simulator.close();
  await rm(dir, { recursive: true, force: true });
});


async function startSchedule(schedule: Record<string, unknown>): Promise<Running> {
  if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run "npm run build" first (npm test does)`);
  await writeFile(join(dir, 'config.json'), JSON.stringify({ schedule }));
  const child = spawn(process.execPath, [CLI_PATH, 'schedule', '--config', 'config.json'], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      C1_CLIENT_ID: simulator.credential.clientId,
      C1_CLIENT_SECRET: simulator.credential.clientSecret,
      C1_API_URL: simulator.url,
      REPORT_DIR: join(dir, 'reports'),
      STATE_DIR: join(dir, 'state'),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  return { child, stderr: () => stderr, exited };
}

const logged = (running: Running, msg: string): boolean => logLines(running.stderr()).some((line) => line.msg === msg);
const reports = async (): Promise<string[]> => (existsSync(join(dir, 'reports')) ? readdir(join(dir, 'reports')) : []);

describe('c1-hygiene schedule', () => {
  it('audits on start, serves /healthz and /metrics, and exits 0 on SIGTERM', async () => {
    const port = await unusedPort();
    const running = await startSchedule({ cron: '0 0 1 1 *', runOnStart: true, healthPort: port });

    await waitFor('the start audit', () => logged(running, 'audit finished'), 20_000);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('c1_hygiene_audits_total{outcome="ok"} 1');
    expect(metrics).toContain('c1_hygiene_keys_scanned 1');
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await reports()).toContain('latest.json');

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    expect(logged(running, 'schedule stopped')).toBe(true);
  });

  it('runs audits every second, skips ticks while a slow audit runs, never overlaps, and finishes the one in flight on SIGTERM', async () => {
    // Three requests per audit (token, keys, roles) at 400 ms each: an audit outlasts a one-second tick.
    simulator.setLatency(400);
    const running = await startSchedule({ cron: '*/1 * * * * *', shutdownGraceSeconds: 10 });
    // The scheduler's own lines: 'audit triggered' with its trigger, 'scheduled run done' with the next run time.
    const isStart = (l: Record<string, unknown>) => 'trigger' in l;
    const isEnd = (l: Record<string, unknown>) => l.msg === 'scheduled run done';
    const scheduleLines = () => logLines(running.stderr()).filter((l) => isStart(l) || isEnd(l) || 'skippedTick' in l);

    await waitFor('two audits and a skipped tick', () => {
      const lines = scheduleLines();
      return lines.filter(isEnd).length >= 2 && lines.some((l) => 'skippedTick' in l);
    }, 20_000);
    await waitFor('an audit in flight', () => scheduleLines().filter(isStart).length > scheduleLines().filter(isEnd).length, 10_000);
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);

    // Started and finished strictly alternate: never two audits at once, and the one in flight finished.
    const sequence = scheduleLines()
      .filter((l) => isStart(l) || isEnd(l))
      .map((l) => (isStart(l) ? 'start' : 'end'));
    expect(sequence.length % 2).toBe(0);
    sequence.forEach((step, i) => expect(step).toBe(i % 2 === 0 ? 'start' : 'end'));
    expect(logged(running, 'schedule stopped after the audit in flight finished')).toBe(true);
  });

  it('abandons an audit that outlives the shutdown grace: logs an error, writes no report, exits 0', async () => {
    simulator.setLatency(5_000);
    const running = await startSchedule({ cron: '0 0 1 1 *', runOnStart: true, shutdownGraceSeconds: 1 });

    await waitFor('the audit to start', () => logged(running, 'audit started'), 20_000);
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    const abandoned = logLines(running.stderr()).find((line) => String(line.msg).startsWith('audit still running when the shutdown grace ran out'));
    expect(abandoned).toMatchObject({ level: 50, signal: 'SIGTERM', graceSeconds: 1 });
    expect(await reports()).not.toContain('latest.json');
  });

  it('exits 2 before any audit when the health port is taken, naming the port', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = blocker.address() as { port: number };
      const running = await startSchedule({ cron: '0 0 1 1 *', runOnStart: true, healthPort: port });

      expect(await running.exited).toBe(2);
      const printed = logLines(running.stderr()).find((line) => line.level === 50 && line.code === 'HEALTH_LISTEN_FAILED');
      expect(printed?.msg).toContain(`:${port} `);
      expect(printed?.msg).toContain('schedule.healthPort');
      expect(logged(running, 'audit started')).toBe(false);
      expect(await reports()).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('exits at once with 130 on a second signal, abandoning the audit in flight', async () => {
    simulator.setLatency(5_000);
    const running = await startSchedule({ cron: '0 0 1 1 *', runOnStart: true, shutdownGraceSeconds: 600 });

    await waitFor('the audit to start', () => logged(running, 'audit started'), 20_000);
    running.child.kill('SIGTERM');
    await waitFor('the graceful stop to begin', () => logged(running, 'stopping: waiting for the audit in flight'), 10_000);
    running.child.kill('SIGINT');
    expect(await running.exited).toBe(130);
    expect(await reports()).not.toContain('latest.json');
  });
});
