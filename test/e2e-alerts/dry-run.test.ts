/**
 * `audit --dry-run` with email configured: shows what would be mailed, sends
 * nothing, and writes or changes no file. Through the built CLI; needs
 * `npm run build` first (npm test does it).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { afterT0, baseKeys, clientIdOf, newRobot, T0 } from './keys.js';
import { createWorkspace, mailedPairs, pairKey, RECIPIENTS, reportPairs, TENANT, type Workspace } from './workspace.js';

let workspace: Workspace;
let sink: SmtpSink;

afterEach(async () => {
  await sink.close();
  await workspace.close();
});

interface DryRunOutput {
  findings: { clientId: string; ruleId: string; severity: string }[];
  dryRun: { alert: { to: string[]; subject: string; text: string } | null; due: number };
}

async function dryRun(asOf: string): Promise<DryRunOutput> {
  const result = await workspace.audit({ asOf, smtpUrl: sink.url(), dryRun: true });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as DryRunOutput;
}

const NEW_ROBOT_DUE = [pairKey(clientIdOf('new-robot'), 'missing-cidr'), pairKey(clientIdOf('new-robot'), 'no-expiry')].sort();

describe('audit --dry-run with email configured', () => {
  it('on a first run: prints the digest it would send, sends nothing, creates no report or state', async () => {
    workspace = await createWorkspace(baseKeys());
    sink = await startSmtpSink();
    const before = await workspace.snapshot();
    expect([...before.keys()]).toEqual(['config.json']);

    const output = await dryRun(T0);
    expect(output.dryRun.due).toBe(4);
    const alert = output.dryRun.alert;
    expect(alert).not.toBeNull();
    expect(alert?.to).toEqual(RECIPIENTS);
    expect(alert?.subject).toContain(TENANT);
    expect(alert?.subject).toContain('4 credential findings');
    const wouldMail = mailedPairs(alert?.text ?? '');
    expect(wouldMail).toEqual(
      output.findings
        .filter((f) => ['medium', 'high', 'critical'].includes(f.severity))
        .map((f) => pairKey(f.clientId, f.ruleId))
        .sort(),
    );
    expect(wouldMail).toHaveLength(4);

    expect(sink.received).toHaveLength(0);
    expect(sink.connections).toBe(0);
    expect(await workspace.snapshot()).toEqual(before);

    // Nothing was consumed: the real run mails the same findings.
    const real = await workspace.audit({ asOf: T0, smtpUrl: sink.url() });
    expect(real.code, real.stderr).toBe(0);
    expect(sink.received).toHaveLength(1);
    expect(mailedPairs(sink.received[0]!.parsed.text ?? '')).toEqual(wouldMail);
  });

  it('after real runs: shows only what is due, and leaves reports and state byte-identical', async () => {
    workspace = await createWorkspace(baseKeys());
    sink = await startSmtpSink();
    const first = await workspace.audit({ asOf: T0, smtpUrl: sink.url() });
    expect(first.code, first.stderr).toBe(0);
    expect(sink.received).toHaveLength(1);
    expect(reportPairs(await workspace.latestReport())).toHaveLength(4);

    // Nothing due: no alert would be sent.
    const quiet = await dryRun(T0);
    expect(quiet.dryRun).toEqual({ alert: null, due: 0, channels: [] });

    workspace.sim.setPersonalClients([...baseKeys(), newRobot()]);
    const before = await workspace.snapshot();
    expect([...before.keys()].some((path) => path.endsWith('state.json'))).toBe(true);
    const output = await dryRun(afterT0(1));
    expect(output.dryRun.due).toBe(2);
    expect(mailedPairs(output.dryRun.alert?.text ?? '')).toEqual(NEW_ROBOT_DUE);
    expect(sink.received).toHaveLength(1);
    expect(await workspace.snapshot()).toEqual(before);

    const real = await workspace.audit({ asOf: afterT0(1), smtpUrl: sink.url() });
    expect(real.code, real.stderr).toBe(0);
    expect(sink.received).toHaveLength(2);
    expect(mailedPairs(sink.received[1]!.parsed.text ?? '')).toEqual(NEW_ROBOT_DUE);
  });

  it('a failing dry run (exit 3) sends no failure notice and changes nothing', async () => {
    workspace = await createWorkspace(baseKeys(), { c1: { maxRetries: 0 } });
    sink = await startSmtpSink();
    const first = await workspace.audit({ asOf: T0, smtpUrl: sink.url() });
    expect(first.code, first.stderr).toBe(0);
    expect(sink.received).toHaveLength(1);
    const before = await workspace.snapshot();

    workspace.sim.injectFault({ kind: 'status', status: 503, route: 'personal_clients', times: 1 });
    const failed = await workspace.audit({ asOf: afterT0(1), smtpUrl: sink.url(), dryRun: true });
    expect(failed.code, failed.stderr).toBe(3);
    expect(sink.received).toHaveLength(1);
    expect(await workspace.snapshot()).toEqual(before);

    // The failure was not recorded as a streak: the next real failure still sends its notice.
    workspace.sim.injectFault({ kind: 'status', status: 503, route: 'personal_clients', times: 1 });
    const real = await workspace.audit({ asOf: afterT0(1), smtpUrl: sink.url() });
    expect(real.code).toBe(3);
    expect(sink.received).toHaveLength(2);
    expect(sink.received[1]!.parsed.subject).toMatch(/audit failed$/);
  });

  it('a corrupt state file is left exactly where it is', async () => {
    workspace = await createWorkspace(baseKeys());
    sink = await startSmtpSink();
    await mkdir(workspace.stateDir, { recursive: true });
    await writeFile(join(workspace.stateDir, 'state.json'), '{ not json');
    const before = await workspace.snapshot();

    const output = await dryRun(T0);
    expect(output.dryRun.due).toBe(4);
    expect(await workspace.snapshot()).toEqual(before);
    expect(sink.received).toHaveLength(0);
  });
});
