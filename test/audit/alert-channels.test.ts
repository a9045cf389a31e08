/**
 * The alert stage inside `runAudit`, in process: dry-run previews without
 * e-mail configured, no state file for a failed audit nobody is told about,
 * and which channel failed named in the summary and the log.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit/run-audit.js';
import { PLACEHOLDER_SENDER } from '../../src/channels/email.js';
import { systemClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/load.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { baseKeys, T0 } from '../e2e-alerts/keys.js';
import { mailedPairs } from '../e2e-alerts/workspace.js';
import { memoryLogger } from '../helpers/simulator.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';

let sim: Simulator;
let dir: string;

beforeEach(async () => {
  sim = await startSimulator({ personalClients: baseKeys() });
  dir = await mkdtemp(join(tmpdir(), 'c1-alert-channels-'));
});

afterEach(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

async function audit(env: Record<string, string>, dryRun: boolean) {
  const config = await loadConfig({
    configPath: null,
    cwd: dir,
    env: {
      C1_CLIENT_ID: sim.credential.clientId,
      C1_CLIENT_SECRET: sim.credential.clientSecret,
      C1_API_URL: sim.url,
      REPORT_DIR: join(dir, 'reports'),
      STATE_DIR: join(dir, 'state'),
      ...env,
    },
  });
  const printed: string[] = [];
  const { logger, text } = memoryLogger();
  const outcome = await runAudit(
    { config: { ...config, c1: { ...config.c1, maxRetries: 0 }, alerts: { ...config.alerts, email: { ...config.alerts.email, retries: 0, timeoutMs: 2000 } } }, asOf: new Date(T0), dryRun, failOn: null },
    { logger, clock: systemClock, print: (line) => void printed.push(line) },
  );
  return { outcome, stdout: printed.join(''), logs: text() };
}

describe('--dry-run without e-mail configured', () => {
  it('shows the composed digest with a placeholder sender, says it would not be sent and why, and writes nothing', async () => {
    const { outcome, stdout, logs } = await audit({}, true);
    expect(outcome.exitCode, `${outcome.error?.message}\n${logs}`).toBe(0);
    const output = JSON.parse(stdout) as { dryRun: { alert: Record<string, unknown>; due: number; channels: { id: string; wouldSend: boolean; notSentBecause?: string }[] } };
    expect(output.dryRun.due).toBe(4);
    expect(output.dryRun.alert).toMatchObject({ from: PLACEHOLDER_SENDER, to: [], wouldSend: false });
    expect(String(output.dryRun.alert.notSentBecause)).toContain('SMTP_URL');
    expect(mailedPairs(String(output.dryRun.alert.text))).toHaveLength(4);
    expect(output.dryRun.channels.map((channel) => [channel.id, channel.wouldSend])).toEqual([['email', false]]);
    expect(logs).toContain('dry run: this channel would not be sent');
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('a failed audit', () => {
  it('with no alert channel configured does not create the state file', async () => {
    sim.injectFault({ kind: 'status', status: 503, route: 'personal_clients', times: 1 });
    const { outcome } = await audit({}, false);
    expect(outcome.exitCode).toBe(3);
    expect(outcome.error?.message).toContain('503');
    // The run lock lives in the state directory (and is gone once released); no state file is written.
    expect(existsSync(join(dir, 'state', 'state.json'))).toBe(false);
    if (existsSync(join(dir, 'state'))) expect(await readdir(join(dir, 'state'))).toEqual([]);
  });

  it('with e-mail configured records the streak', async () => {
    const sink = await startSmtpSink();
    try {
      sim.injectFault({ kind: 'status', status: 503, route: 'personal_clients', times: 1 });
      const { outcome } = await audit({ SMTP_URL: sink.url(), ALERT_EMAIL_TO: 'secops@example.com', ALERT_EMAIL_FROM: 'hygiene@example.com' }, false);
      expect(outcome.exitCode).toBe(3);
      expect(existsSync(join(dir, 'state', 'state.json'))).toBe(true);
      expect(sink.received).toHaveLength(1);
    } finally {
      await sink.close();
    }
  });
});

describe('a channel that fails', () => {
  it('is named, by label, in the summary, the log and the error; exit 4', async () => {
    const sink = await startSmtpSink({ rejectData: true });
    try {
      const { outcome, stdout, logs } = await audit({ SMTP_URL: sink.url(), ALERT_EMAIL_TO: 'secops@example.com,oncall@example.com', ALERT_EMAIL_FROM: 'hygiene@example.com' }, false);
      expect(outcome.exitCode).toBe(4);
      expect(stdout).toContain('Alerts: 0 of 1 channel delivered');
      expect(stdout).toContain('NOT delivered (retried by the next run): e-mail to 2 recipients');
      expect(outcome.error?.message).toContain('e-mail to 2 recipients');
      expect(logs).toMatch(/"failedChannels":\["e-mail to 2 recipients"\]/);
    } finally {
      await sink.close();
    }
  });
});
