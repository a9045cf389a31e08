/**
 * SMTP refusing the digest, through the built CLI: exit 4, the report is
 * still written, nothing is marked delivered, and the next run with a working
 * server delivers once. Needs `npm run build` first (npm test does it).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { logLines } from '../helpers/cli.js';
import { startSmtpSink, type SmtpSink, type SmtpSinkOptions } from '../helpers/smtp-sink.js';
import { afterT0, baseKeys, cleanKey, clientIdOf, deployBot, legacySync, newRobot, reportsJob, T0 } from './keys.js';
import {
  c1Secrets,
  closedPort,
  createWorkspace,
  expectNoSecretsAnywhere,
  mailedPairs,
  mailedResolvedPairs,
  pairKey,
  RECIPIENTS,
  reportPairs,
  smtpPasswordForms,
  type Workspace,
} from './workspace.js';

let workspace: Workspace;
const sinks: SmtpSink[] = [];

afterEach(async () => {
  await Promise.all(sinks.splice(0).map((sink) => sink.close()));
  await workspace.close();
});

async function sink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const started = await startSmtpSink(options);
  sinks.push(started);
  return started;
}

const REPORTS_JOB_PAIRS = [pairKey(clientIdOf('reports-job'), 'broad-roles'), pairKey(clientIdOf('reports-job'), 'missing-cidr')].sort();
const NEW_ROBOT_DUE = [pairKey(clientIdOf('new-robot'), 'missing-cidr'), pairKey(clientIdOf('new-robot'), 'no-expiry')];

/** A broken SMTP endpoint: its URL, and the sink behind it if there is one (to check it kept nothing). */
interface BrokenSmtp {
  url: string;
  sink: SmtpSink | null;
}

/**
 * `acceptedBy`: recipients the broken server did accept. With a partial
 * refusal the accepted recipient has the mail already; it still counts as
 * undelivered (by design, see src/alerts/transport.ts), so the others get it
 * on the next run.
 */
const REFUSALS: { name: string; config?: Record<string, unknown>; acceptedBy?: string[]; start: () => Promise<BrokenSmtp> }[] = [
  {
    name: 'connection refused (nothing listens on the port)',
    start: async () => ({ url: `smtp://127.0.0.1:${await closedPort()}`, sink: null }),
  },
  {
    name: '5xx on RCPT for every recipient',
    start: async () => {
      const refusing = await sink({ rejectRecipient: () => true });
      return { url: refusing.url(), sink: refusing };
    },
  },
  {
    name: '5xx on RCPT for one of the recipients',
    acceptedBy: [RECIPIENTS[0]!],
    start: async () => {
      const refusing = await sink({ rejectRecipient: (address) => address === RECIPIENTS[1] });
      return { url: refusing.url(), sink: refusing };
    },
  },
  {
    name: 'a silent server (timeout)',
    config: { alerts: { email: { timeoutMs: 300 } } },
    start: async () => {
      const silent = await sink({ silent: true });
      return { url: silent.url(), sink: silent };
    },
  },
];

describe('SMTP refusing the digest', () => {
  it.each(REFUSALS)('$name: exit 4, report written, nothing delivered; the next good run delivers once', async ({ config, acceptedBy, start }) => {
    workspace = await createWorkspace(baseKeys(), config);
    const broken = await start();

    const failed = await workspace.audit({ asOf: T0, smtpUrl: broken.url });
    expect(failed.code, failed.stderr).toBe(4);
    expect((broken.sink?.received ?? []).map((mail) => mail.envelope.to)).toEqual(acceptedBy ? [acceptedBy] : []);
    const report = await workspace.latestReport();
    const due = reportPairs(report, 'medium');
    expect(due).toHaveLength(4);
    await expectNothingDelivered(workspace);
    expect(logLines(failed.stderr).some((line) => line.msg === 'alert digest not delivered; it will be retried by the next run')).toBe(true);

    // A key appears meanwhile; the good server gets the undelivered findings plus the new ones, in one mail.
    workspace.sim.setPersonalClients([...baseKeys(), newRobot()]);
    const good = await sink();
    const delivered = await workspace.audit({ asOf: afterT0(0, 10), smtpUrl: good.url() });
    expect(delivered.code, delivered.stderr).toBe(0);
    expect(good.received).toHaveLength(1);
    expect(mailedPairs(good.received[0]!.parsed.text ?? '')).toEqual([...due, ...NEW_ROBOT_DUE].sort());
    expect(good.received[0]!.envelope.to.sort()).toEqual([...RECIPIENTS].sort());

    const again = await workspace.audit({ asOf: afterT0(0, 20), smtpUrl: good.url() });
    expect(again.code, again.stderr).toBe(0);
    expect(good.received).toHaveLength(1);
  });

  it('AUTH failure: exit 4, nothing delivered, and no password or C1 secret anywhere; the next run with the right password delivers once', async () => {
    workspace = await createWorkspace(baseKeys());
    const user = 'alerts@example.com';
    const goodPass = 'Corr3ct-H0rse:B@ttery/Staple%';
    const wrongPass = 'Wr0ng-Pa55w0rd:&?#/Sesame';
    const server = await sink({ auth: { user, pass: goodPass } });

    const failed = await workspace.audit({ asOf: T0, smtpUrl: server.url({ user, pass: wrongPass }) });
    expect(failed.code, failed.stderr).toBe(4);
    expect(server.authAttempts).toEqual([user]);
    expect(server.received).toHaveLength(0);
    expect(existsSync(join(workspace.reportDir, 'latest.json'))).toBe(true);
    const due = reportPairs(await workspace.latestReport(), 'medium');
    expect(due).toHaveLength(4);
    await expectNothingDelivered(workspace);
    // The failure is explained, with the endpoint but without the credentials.
    expect(failed.stderr).toContain(`127.0.0.1:${server.port}`);

    const delivered = await workspace.audit({ asOf: afterT0(0, 10), smtpUrl: server.url({ user, pass: goodPass }) });
    expect(delivered.code, delivered.stderr).toBe(0);
    expect(server.received).toHaveLength(1);
    expect(server.received[0]!.user).toBe(user);
    expect(mailedPairs(server.received[0]!.parsed.text ?? '')).toEqual(due);

    const again = await workspace.audit({ asOf: afterT0(0, 20), smtpUrl: server.url({ user, pass: goodPass }) });
    expect(again.code).toBe(0);
    expect(server.received).toHaveLength(1);

    await expectNoSecretsAnywhere(
      workspace,
      [...c1Secrets(workspace.sim), ...smtpPasswordForms(user, wrongPass), ...smtpPasswordForms(user, goodPass)],
      sinks,
    );
  });
});

describe('resolved findings and a failed delivery', () => {
  it('keeps "resolved since the last alert" queued until a digest is accepted', async () => {
    workspace = await createWorkspace(baseKeys());
    const good = await sink();
    const refusing = await sink({ rejectData: true });
    const first = await workspace.audit({ asOf: T0, smtpUrl: good.url() });
    expect(first.code, first.stderr).toBe(0);
    expect(good.received).toHaveLength(1);

    // The reports key is fixed and a new key appears: a digest is due, and it is refused.
    workspace.sim.setPersonalClients([deployBot(), reportsJob(true), legacySync(), cleanKey(), newRobot()]);
    const failed = await workspace.audit({ asOf: afterT0(1), smtpUrl: refusing.url() });
    expect(failed.code, failed.stderr).toBe(4);
    expect(refusing.received).toHaveLength(0);
    expect((await workspace.latestReport()).resolved.map((r) => pairKey(r.clientId, r.ruleId)).sort()).toEqual(REPORTS_JOB_PAIRS);
    expect((await workspace.state()).channels.email?.resolvedSinceDelivery).toHaveLength(2);

    const delivered = await workspace.audit({ asOf: afterT0(1, 5), smtpUrl: good.url() });
    expect(delivered.code, delivered.stderr).toBe(0);
    expect(good.received).toHaveLength(2);
    const text = good.received[1]!.parsed.text ?? '';
    expect(mailedPairs(text)).toEqual([...NEW_ROBOT_DUE].sort());
    expect(mailedResolvedPairs(text)).toEqual(REPORTS_JOB_PAIRS);
    expect((await workspace.state()).channels.email?.resolvedSinceDelivery).toEqual([]);
  });
});

async function expectNothingDelivered(ws: Workspace): Promise<void> {
  const state = await ws.state();
  const tracked = Object.values(state.findings);
  expect(tracked.length).toBeGreaterThan(0);
  // Planned (saved before sending, with its delivery id) but nothing recorded as delivered.
  expect(state.channels.email?.alerted).toEqual({});
  expect(state.channels.email?.lastDeliveryAt).toBeNull();
  expect(state.channels.email?.pending).not.toBeNull();
}
