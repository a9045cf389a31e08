/**
 * Which findings a digest names, run after run, through the built CLI
 * (`dist/cli.js audit`) against the C1 simulator and a real SMTP server on
 * loopback. Needs `npm run build` first (npm test does it).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { logLines } from '../helpers/cli.js';
import { afterT0, baseKeys, cleanKey, clientIdOf, deployBot, legacySync, newRobot, reportsJob, T0 } from './keys.js';
import {
  c1Secrets,
  createWorkspace,
  expectNoSecretsAnywhere,
  mailedPairs,
  mailedResolvedPairs,
  pairKey,
  RECIPIENTS,
  reportPairs,
  TENANT,
  type Workspace,
} from './workspace.js';

let workspace: Workspace;
let sink: SmtpSink;

async function setUp(config: Record<string, unknown> = {}): Promise<void> {
  workspace = await createWorkspace(baseKeys(), config);
  sink = await startSmtpSink();
}

afterEach(async () => {
  await sink.close();
  await workspace.close();
});

/** Runs an audit that must succeed (exit 0) against the good sink. */
async function auditOk(asOf: string): Promise<void> {
  const result = await workspace.audit({ asOf, smtpUrl: sink.url() });
  expect(result.code, result.stderr).toBe(0);
}

function lastMail() {
  const mail = sink.received.at(-1);
  if (!mail) throw new Error('no mail received');
  return mail;
}

const INITIAL_DUE = [
  pairKey(clientIdOf('deploy-bot'), 'broad-cidr'),
  pairKey(clientIdOf('deploy-bot'), 'no-expiry'),
  pairKey(clientIdOf('reports-job'), 'broad-roles'),
  pairKey(clientIdOf('reports-job'), 'missing-cidr'),
].sort();

describe('digest: what is due, run after run', () => {
  it('first run mails exactly the findings at or above minSeverity; an identical run mails nothing; renotify only after renotifyAfterDays', async () => {
    await setUp({ alerts: { renotifyAfterDays: 7 } });

    await auditOk(T0);
    expect(sink.received).toHaveLength(1);
    const report = await workspace.latestReport();
    // The low finding (long-lived) is in the report but below minSeverity, so not mailed.
    expect(report.findings.map((f) => pairKey(f.clientId, f.ruleId))).toContain(pairKey(clientIdOf('legacy-sync'), 'long-lived'));
    expect(reportPairs(report, 'medium')).toEqual(INITIAL_DUE);
    const first = lastMail();
    expect(mailedPairs(first.parsed.text ?? '')).toEqual(INITIAL_DUE);
    expect(first.parsed.subject).toContain(TENANT);
    expect(first.parsed.subject).toContain('4 credential findings');
    expect(first.parsed.subject).toContain('highest: high');
    expect(first.envelope.to.sort()).toEqual([...RECIPIENTS].sort());
    // The HTML part lists the same findings.
    for (const clientId of [clientIdOf('deploy-bot'), clientIdOf('reports-job')]) expect(String(first.parsed.html)).toContain(clientId);
    expect(String(first.parsed.html)).not.toContain(clientIdOf('legacy-sync'));
    const state = await workspace.state();
    expect(Object.values(state.channels.email?.alerted ?? {}).filter((entry) => entry.at === T0)).toHaveLength(4);

    await auditOk(T0);
    expect(sink.received).toHaveLength(1);

    // Exactly renotifyAfterDays later is not "more than" renotifyAfterDays.
    await auditOk(afterT0(7));
    expect(sink.received).toHaveLength(1);

    await auditOk(afterT0(7, 1));
    expect(sink.received).toHaveLength(2);
    const reminder = lastMail();
    expect(mailedPairs(reminder.parsed.text ?? '')).toEqual(INITIAL_DUE);
    expect(reminder.parsed.text).toContain('reminder: still open');

    // Reminded just now: the same time again sends nothing.
    await auditOk(afterT0(7, 1));
    expect(sink.received).toHaveLength(2);

    await expectNoSecretsAnywhere(workspace, c1Secrets(workspace.sim), [sink]);
  });

  it('a severity rise on the same key mails only that finding', async () => {
    await setUp();
    await auditOk(T0);
    expect(sink.received).toHaveLength(1);
    const before = (await workspace.latestReport()).findings.find((f) => f.ruleId === 'broad-cidr');
    expect(before?.severity).toBe('high');

    workspace.sim.setPersonalClients([deployBot(['0.0.0.0/0']), reportsJob(), legacySync(), cleanKey()]);
    await auditOk(afterT0(1));
    expect(sink.received).toHaveLength(2);
    const after = (await workspace.latestReport()).findings.find((f) => f.ruleId === 'broad-cidr');
    expect(after?.severity).toBe('critical');
    expect(after?.fingerprint).toBe(before?.fingerprint);

    const mail = lastMail();
    expect(mailedPairs(mail.parsed.text ?? '')).toEqual([pairKey(clientIdOf('deploy-bot'), 'broad-cidr')]);
    expect(mail.parsed.subject).toContain('1 credential finding needs attention');
    expect(mail.parsed.subject).toContain('highest: critical');
    expect(mail.parsed.text).toContain('severity raised since the last alert');

    await auditOk(afterT0(1));
    expect(sink.received).toHaveLength(2);
  });

  it('a new key mails only what is new', async () => {
    await setUp();
    await auditOk(T0);
    expect(sink.received).toHaveLength(1);

    workspace.sim.setPersonalClients([...baseKeys(), newRobot()]);
    await auditOk(afterT0(0, 30));
    expect(sink.received).toHaveLength(2);
    expect(mailedPairs(lastMail().parsed.text ?? '')).toEqual(
      [pairKey(clientIdOf('new-robot'), 'missing-cidr'), pairKey(clientIdOf('new-robot'), 'no-expiry')].sort(),
    );
    expect(lastMail().parsed.text).not.toContain(clientIdOf('deploy-bot'));
  });

  it('a fixed key is in the report\'s resolved list when it disappears and in the next digest\'s "resolved since the last alert"', async () => {
    await setUp();
    await auditOk(T0);
    expect(sink.received).toHaveLength(1);
    const reportsFingerprints = (await workspace.latestReport()).findings
      .filter((f) => f.credentialId === 'pc-reports')
      .map((f) => f.fingerprint)
      .sort();
    expect(reportsFingerprints).toHaveLength(2);

    // The key is fixed: its two findings are gone. Nothing new is due, so no digest yet.
    workspace.sim.setPersonalClients([deployBot(), reportsJob(true), legacySync(), cleanKey()]);
    await auditOk(afterT0(1));
    expect(sink.received).toHaveLength(1);
    const fixedRun = await workspace.latestReport();
    expect(fixedRun.resolved.map((r) => r.fingerprint).sort()).toEqual(reportsFingerprints);
    expect(fixedRun.findings.some((f) => f.credentialId === 'pc-reports')).toBe(false);

    // Something new is due: the digest also says what was resolved since the last one.
    workspace.sim.setPersonalClients([deployBot(), reportsJob(true), legacySync(), cleanKey(), newRobot()]);
    await auditOk(afterT0(2));
    expect(sink.received).toHaveLength(2);
    const text = lastMail().parsed.text ?? '';
    expect(mailedPairs(text)).toEqual([pairKey(clientIdOf('new-robot'), 'missing-cidr'), pairKey(clientIdOf('new-robot'), 'no-expiry')].sort());
    expect(mailedResolvedPairs(text)).toEqual(
      [pairKey(clientIdOf('reports-job'), 'broad-roles'), pairKey(clientIdOf('reports-job'), 'missing-cidr')].sort(),
    );
    expect(String(lastMail().parsed.html)).toContain('Resolved since the last alert');
    // Resolved on the earlier run, not this one.
    expect((await workspace.latestReport()).resolved).toEqual([]);

    // Mentioned once: the next digest no longer lists them.
    workspace.sim.setPersonalClients([deployBot(), reportsJob(true), legacySync(), cleanKey(), newRobot(), newRobot('pc-new-2', 'second-robot', 'Second robot')]);
    await auditOk(afterT0(3));
    expect(sink.received).toHaveLength(3);
    expect(mailedPairs(lastMail().parsed.text ?? '')).toEqual(
      [pairKey(clientIdOf('second-robot'), 'missing-cidr'), pairKey(clientIdOf('second-robot'), 'no-expiry')].sort(),
    );
    expect(mailedResolvedPairs(lastMail().parsed.text ?? '')).toEqual([]);
  });

  it('logs the delivery and the number alerted', async () => {
    await setUp();
    const result = await workspace.audit({ asOf: T0, smtpUrl: sink.url() });
    expect(result.code).toBe(0);
    const finished = logLines(result.stderr).find((line) => line.msg === 'audit finished');
    expect(finished).toMatchObject({ exitCode: 0, alerted: 4 });
    expect(logLines(result.stderr).some((line) => line.msg === 'alert digest delivered')).toBe(true);
  });
});
