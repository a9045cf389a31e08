import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditMonitor } from '../../src/health/audit-monitor.js';
import { startHealthServer, type HealthServer } from '../../src/health/health-server.js';
import { silentLogger } from '../../src/logger.js';
import { runSchedule } from '../../src/schedule/run-schedule.js';
import { memoryLogger, outcome, sampleReport, ScriptedAudit, scheduleConfig, waitFor } from '../schedule/helpers.js';

const MINUTE = 60_000;
const START = new Date('2026-11-26T07:00:00.000Z');

/** The one thing tests may fake: a clock they move by hand. */
function manualClock(start: Date): { clock: () => Date; advance: (ms: number) => void } {
  let now = start.getTime();
  return { clock: () => new Date(now), advance: (ms) => (now += ms) };
}

/** Prometheus text format 0.0.4: a comment, or `name{label="value",…} value`. */
const COMMENT = /^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$/;
const SAMPLE =
  /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*\})? (NaN|[+-]Inf|-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)$/;

function parseMetrics(text: string): Map<string, number> {
  expect(text.endsWith('\n')).toBe(true);
  const samples = new Map<string, number>();
  for (const line of text.trimEnd().split('\n')) {
    if (line.startsWith('#')) {
      expect(line).toMatch(COMMENT);
      continue;
    }
    const match = SAMPLE.exec(line);
    expect(match, `not a sample line: ${line}`).not.toBeNull();
    samples.set(`${match![1]}${match![2] ?? ''}`, Number(match![3]));
  }
  return samples;
}

const servers: HealthServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function serve(monitor: AuditMonitor): Promise<HealthServer> {
  const server = await startHealthServer({ monitor, port: 0, host: '127.0.0.1', logger: silentLogger() });
  servers.push(server);
  return server;
}

describe('health listener', () => {
  it('/healthz is ok within two intervals of start, stale after, and ok again after a success', async () => {
    const time = manualClock(START);
    const monitor = new AuditMonitor({ clock: time.clock, staleAfterMs: 2 * 60 * MINUTE, nextRun: () => new Date('2026-11-26T08:00:00Z') });
    const server = await serve(monitor);

    time.advance(119 * MINUTE);
    let res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toMatchObject({
      status: 'ok',
      lastSuccessAt: null,
      startedAt: START.toISOString(),
      staleAfterSeconds: 7200,
      nextRunAt: '2026-11-26T08:00:00.000Z',
    });

    // Exactly two intervals is still on time; one millisecond more is stale.
    time.advance(MINUTE);
    res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', ageSeconds: 120 * 60 });
    time.advance(1);
    res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'stale' });

    time.advance(MINUTE - 1);
    res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'stale', ageSeconds: 121 * 60 });

    monitor.auditFinished(outcome('findings'));
    res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', lastSuccessAt: time.clock().toISOString(), lastAudit: { status: 'findings' } });

    // A failed audit is not a success: the age keeps counting from the last one.
    time.advance(90 * MINUTE);
    monitor.auditFinished(outcome('failed'));
    monitor.auditFinished(outcome('alert-failed'));
    time.advance(31 * MINUTE);
    res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'stale', lastAudit: { status: 'alert-failed', exitCode: 4 } });
  });

  it('/metrics is valid text exposition whose values follow the audits', async () => {
    const time = manualClock(START);
    const monitor = new AuditMonitor({ clock: time.clock, staleAfterMs: MINUTE });
    const server = await serve(monitor);

    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    let metrics = parseMetrics(await res.text());
    expect(metrics.get('c1_hygiene_audits_total{outcome="ok"}')).toBe(0);
    expect(metrics.get('c1_hygiene_audits_total{outcome="alert-failed"}')).toBe(0);
    expect(metrics.get('c1_hygiene_audit_in_progress')).toBe(0);
    expect(metrics.get('c1_hygiene_skipped_ticks_total')).toBe(0);
    expect(metrics.has('c1_hygiene_last_success_timestamp_seconds')).toBe(false);

    monitor.auditStarted();
    monitor.tickSkipped();
    metrics = parseMetrics(await (await fetch(`${server.url}/metrics`)).text());
    expect(metrics.get('c1_hygiene_audit_in_progress')).toBe(1);
    expect(metrics.get('c1_hygiene_skipped_ticks_total')).toBe(1);

    time.advance(5_000);
    monitor.auditFinished(outcome('ok', sampleReport({ scanned: 7, bySeverity: { critical: 1, medium: 4 } })));
    monitor.auditFinished(outcome('failed'));
    metrics = parseMetrics(await (await fetch(`${server.url}/metrics`)).text());
    expect(metrics.get('c1_hygiene_audits_total{outcome="ok"}')).toBe(1);
    expect(metrics.get('c1_hygiene_audits_total{outcome="failed"}')).toBe(1);
    expect(metrics.get('c1_hygiene_audit_in_progress')).toBe(0);
    expect(metrics.get('c1_hygiene_last_success_timestamp_seconds')).toBe(START.getTime() / 1000 + 5);
    expect(metrics.get('c1_hygiene_last_audit_duration_seconds')).toBe(1.5);
    // The failed audit has no report, so the report gauges still describe the last one.
    expect(metrics.get('c1_hygiene_keys_scanned')).toBe(7);
    expect(metrics.get('c1_hygiene_findings{severity="critical"}')).toBe(1);
    expect(metrics.get('c1_hygiene_findings{severity="medium"}')).toBe(4);
    expect(metrics.get('c1_hygiene_findings{severity="info"}')).toBe(0);
  });

  it('answers 404 to other paths, 405 to other methods, and HEAD without a body', async () => {
    const monitor = new AuditMonitor({ clock: () => START, staleAfterMs: MINUTE });
    const server = await serve(monitor);

    expect((await fetch(`${server.url}/`)).status).toBe(404);
    expect((await fetch(`${server.url}/metrics/extra`)).status).toBe(404);
    const post = await fetch(`${server.url}/metrics`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const head = await fetch(`${server.url}/healthz?probe=1`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await fetch(`${server.url}/livez`)).status).toBe(200);
  });

  it('fails to start with HEALTH_LISTEN_FAILED when the port is taken', async () => {
    const monitor = new AuditMonitor({ clock: () => START, staleAfterMs: MINUTE });
    const first = await serve(monitor);
    await expect(startHealthServer({ monitor, port: first.port, host: '127.0.0.1', logger: silentLogger() })).rejects.toMatchObject({
      code: 'HEALTH_LISTEN_FAILED',
      exitCode: 2,
    });
  });

  it('is started by runSchedule when healthPort is set, reports its audits, and is closed on shutdown', async () => {
    const audit = new ScriptedAudit();
    const { logger, messages } = memoryLogger();
    const signals = new EventEmitter();
    let healthUrl: string | null = null;
    const done = runSchedule({
      schedule: scheduleConfig({ cron: '0 0 1 1 *', runOnStart: true, healthPort: 0 }),
      runAudit: audit.run,
      logger,
      signals,
      healthHost: '127.0.0.1',
      onReady: (info) => (healthUrl = info.healthUrl),
    });
    await waitFor('the start audit', () => audit.finished === 1 && messages('scheduled run done').length === 1);
    expect(healthUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(messages('schedule started')[0]).toMatchObject({ healthUrl });

    const metrics = parseMetrics(await (await fetch(`${healthUrl}/metrics`)).text());
    expect(metrics.get('c1_hygiene_audits_total{outcome="ok"}')).toBe(1);
    const health = await fetch(`${healthUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', nextRunAt: expect.stringMatching(/-01-01T00:00:00.000Z$/) });

    signals.emit('SIGTERM');
    expect(await done).toBe(0);
    await expect(fetch(`${healthUrl}/healthz`)).rejects.toThrow();
  });
});

describe('health listener under a connection flood', () => {
  async function idleSockets(port: number, count: number): Promise<Socket[]> {
    return Promise.all(
      Array.from({ length: count }, () => {
        const socket = connect(port, '127.0.0.1');
        socket.on('error', () => undefined);
        return new Promise<Socket>((resolve) => socket.once('connect', () => resolve(socket)));
      }),
    );
  }

  it('holds at most maxConnections: the extra idle connections are closed at once, the held ones stay', async () => {
    const monitor = new AuditMonitor({ clock: manualClock(START).clock, staleAfterMs: 60 * MINUTE, nextRun: () => null });
    const server = await startHealthServer({ monitor, port: 0, host: '127.0.0.1', logger: silentLogger(), maxConnections: 4, idleTimeoutMs: 60_000 });
    servers.push(server);
    const sockets = await idleSockets(server.port, 6);
    const closedOnes: Socket[] = [];
    await new Promise<void>((resolve) => {
      for (const socket of sockets) {
        socket.once('close', () => {
          closedOnes.push(socket);
          if (closedOnes.length === 2) resolve();
        });
      }
    });
    expect(sockets.filter((socket) => !closedOnes.includes(socket) && !socket.destroyed)).toHaveLength(4);
    for (const socket of sockets) socket.destroy();
  });

  it('closes a connection that stays idle past idleTimeoutMs, and keeps answering', async () => {
    const monitor = new AuditMonitor({ clock: manualClock(START).clock, staleAfterMs: 60 * MINUTE, nextRun: () => null });
    const server = await startHealthServer({ monitor, port: 0, host: '127.0.0.1', logger: silentLogger(), idleTimeoutMs: 300 });
    servers.push(server);
    const [socket] = await idleSockets(server.port, 1);
    const closed = await new Promise<boolean>((resolve) => socket?.once('close', () => resolve(true)));
    expect(closed).toBe(true);
    expect((await fetch(`${server.url}/livez`)).status).toBe(200);
  });
});
