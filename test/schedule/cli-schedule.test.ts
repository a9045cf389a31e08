/**
 * `c1-hygiene schedule` against the C1 simulator. The smoke tests launch the
 * built CLI in a child process and stop it with real signals (it needs `npm
 * run build` first; npm test does it): they prove the process really exits,
 * with the contract's codes, even while an audit it abandoned still holds
 * sockets. The rest runs in process: the scheduler with real audits and ticks
 * fired by hand, and the refusal to start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit/run-audit.js';
import { systemClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/load.js';
import { runSchedule } from '../../src/schedule/run-schedule.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { CLI_PATH, logLines, runCli } from '../helpers/cli.js';
import { unusedPort } from '../helpers/ports.js';
import { Conditions, ManualCron, memoryLogger, nextTurn } from './helpers.js';

interface Running {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
  /** Resolves once a log line with this message has been written. */
  logged: (msg: string) => Promise<void>;
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

/** The environment `schedule` runs with: the simulator's key, reports and state in the temp dir. */
function scheduleEnv(): Record<string, string> {
  return {
    C1_CLIENT_ID: simulator.credential.clientId,
    C1_CLIENT_SECRET: simulator.credential.clientSecret,
    C1_API_URL: simulator.url,
    REPORT_DIR: join(dir, 'reports'),
    STATE_DIR: join(dir, 'state'),
    LOG_LEVEL: 'info',
  };
}

async function startSchedule(schedule: Record<string, unknown>): Promise<Running> {
  if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run "npm run build" first (npm test does)`);
  await writeFile(join(dir, 'config.json'), JSON.stringify({ schedule }));
  const child = spawn(process.execPath, [CLI_PATH, 'schedule', '--config', 'config.json'], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', ...scheduleEnv() },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  const output = new Conditions();
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    output.changed();
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  const logged = async (msg: string): Promise<void> => {
    // A process that exits first would leave the wait hanging; say what it printed instead.
    const seen = output.until(() => hasLine(stderr, msg)).then(() => true);
    if (!(await Promise.race([seen, exited.then(() => hasLine(stderr, msg))]))) {
      throw new Error(`schedule exited before logging "${msg}":\n${stderr}`);
    }
  };
  return { child, stderr: () => stderr, exited, logged };
}

const hasLine = (stderr: string, msg: string): boolean => logLines(stderr).some((line) => line.msg === msg);
const logged = (running: Running, msg: string): boolean => hasLine(running.stderr(), msg);
const reports = async (): Promise<string[]> => (existsSync(join(dir, 'reports')) ? readdir(join(dir, 'reports')) : []);

describe('c1-hygiene schedule, launched (smoke tests)', () => {
  it('audits on start, serves /healthz and /metrics, and exits 0 on SIGTERM', async () => {
    const port = await unusedPort();
    const running = await startSchedule({ cron: '0 0 1 1 *', runOnStart: true, healthPort: port });

    await running.logged('scheduled run done');
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('c1_hygiene_audits_total{outcome="ok"} 1');
    expect(metrics).toContain('c1_hygiene_keys_scanned 1');
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await reports()).toContain('latest.json');

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    expect(logged(running, 'audit finished')).toBe(true);
    expect(logged(running, 'schedule stopped')).toBe(true);
  });

  it('abandons an audit that outlives the shutdown grace: logs an error, writes no report, exits 0', async () => {
    simulator.setLatency(5_000);
    const running = await startSchedule({ cron: '0 0 1 1 *', runOnStart: true, shutdownGraceSeconds: 1 });

    await running.logged('audit started');
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    const abandoned = logLines(running.stderr()).find((line) => String(line.msg).startsWith('audit still running when the shutdown grace ran out'));
    expect(abandoned).toMatchObject({ level: 50, signal: 'SIGTERM', graceSeconds: 1 });
    expect(await reports()).not.toContain('latest.json');
  });

  it('exits at once with 130 on a second signal, abandoning the audit in flight', async () => {
    simulator.setLatency(5_000);
    const running = await startSchedule({ cron: '0 0 1 1 *', runOnStart: true, shutdownGraceSeconds: 600 });

    await running.logged('audit started');
    running.child.kill('SIGTERM');
    await running.logged('stopping: waiting for the audit in flight');
    running.child.kill('SIGINT');
    expect(await running.exited).toBe(130);
    expect(await reports()).not.toContain('latest.json');
  });
});

describe('c1-hygiene schedule, in process', () => {
  it('exits 2 before any audit when the health port is taken, naming the port', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = blocker.address() as { port: number };
      await writeFile(join(dir, 'config.json'), JSON.stringify({ schedule: { cron: '0 0 1 1 *', runOnStart: true, healthPort: port } }));
      const result = await runCli(['schedule', '--config', 'config.json'], { env: scheduleEnv(), cwd: dir });

      expect(result.code).toBe(2);
      const printed = result.errors.find((line) => line.code === 'HEALTH_LISTEN_FAILED');
      expect(printed?.msg).toContain(`:${port} `);
      expect(printed?.msg).toContain('schedule.healthPort');
      expect(result.logs.some((line) => line.msg === 'audit started')).toBe(false);
      expect(simulator.requests).toHaveLength(0);
      expect(await reports()).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('with real audits: skips ticks while one runs, never overlaps, and finishes the one in flight on SIGTERM', async () => {
    await writeFile(join(dir, 'config.json'), JSON.stringify({ schedule: { cron: '*/1 * * * * *', shutdownGraceSeconds: 10 } }));
    const config = await loadConfig({ configPath: 'config.json', env: scheduleEnv(), cwd: dir, requireCredentials: true });
    const log = memoryLogger();
    const signals = new EventEmitter();
    const cron = new ManualCron();
    // Wired as the `schedule` command wires it.
    const done = runSchedule({
      schedule: config.schedule,
      logger: log.logger,
      signals,
      clock: systemClock,
      createCronTask: cron.create,
      runAudit: () =>
        runAudit({ config, asOf: null, dryRun: false, failOn: null, lockAs: 'schedule' }, { logger: log.logger, clock: systemClock, print: () => undefined }),
    });
    await log.logged('schedule started');

    // A tick while the audit runs is skipped, not queued and not run alongside.
    cron.tick();
    await log.logged('audit started');
    cron.tick();
    await log.logged('scheduled run done');
    await nextTurn();
    cron.tick();
    await log.logged('audit started', 2);
    cron.tick();
    await log.logged('scheduled run done', 2);
    await nextTurn();
    // SIGTERM with an audit in flight: it finishes, and nothing new starts.
    cron.tick();
    await log.logged('audit started', 3);
    signals.emit('SIGTERM');
    await log.logged('stopping: waiting for the audit in flight');
    cron.tick();
    expect(await done).toBe(0);

    const isStart = (line: Record<string, unknown>): boolean => line.msg === 'audit triggered';
    const isEnd = (line: Record<string, unknown>): boolean => line.msg === 'scheduled run done';
    const sequence = log.lines.filter((line) => isStart(line) || isEnd(line)).map((line) => (isStart(line) ? 'start' : 'end'));
    expect(sequence).toEqual(['start', 'end', 'start', 'end', 'start', 'end']);
    expect(log.messages('audit still running; tick skipped').map((line) => line.skippedTicks)).toEqual([1, 2]);
    expect(log.messages('audit finished')).toHaveLength(3);
    expect(log.messages('schedule stopped after the audit in flight finished')).toHaveLength(1);
    expect(await reports()).toContain('latest.json');
  });
});
