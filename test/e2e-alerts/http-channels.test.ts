/**
 * Slack and the signed webhook over a sequence of audits, through the
 * in-process CLI, next to e-mail on a real SMTP server: node:http receivers
 * on loopback play Slack and a webhook, answer with scripted 500s, silence
 * and dropped connections, and verify the HMAC themselves. Each test checks
 * exactly which messages each receiver got, run by run.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpReceiver, type Answer, type HttpReceiver, type ReceivedRequest } from '../helpers/http-receiver.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { secretUrlForms } from '../../src/redact.js';
import { afterT0, baseKeys, cleanKey, clientIdOf, deployBot, legacySync, newRobot, reportsJob, T0 } from './keys.js';
import { c1Secrets, createWorkspace, expectNoSecretsAnywhere, mailedPairs, pairKey, TENANT, type Workspace } from './workspace.js';

let workspace: Workspace;
const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  await workspace.close();
});

/** Slack's token is the URL path; the webhook's path is a capability too. Long and distinctive, so a leak is found. */
const SLACK_PATH = '/services/T0SLACKTEAM/B0SLACKHOOK/s1ackT0kenXyZzy9876543210';
const WEBHOOK_PATH = '/ingest/c1-hygiene/wh0okCapabilityT0ken1234567890';
const WEBHOOK_SECRET = 'whsec-Sh4red-HMAC-key/with+odd=chars';

/** Small bounds so a silent receiver fails a run quickly; no in-run retries, so each run makes one attempt a channel. */
const FAST_HTTP = { timeoutMs: 400, maxRetries: 0, deadlineMs: 2_000 };
const CONFIG = { alerts: { slack: FAST_HTTP, webhook: FAST_HTTP } };

async function receiver(answers: Answer[], path: string): Promise<HttpReceiver> {
  const started = await startHttpReceiver(answers, path);
  closers.push(() => started.close());
  return started;
}

async function smtp(): Promise<SmtpSink> {
  const sink = await startSmtpSink();
  closers.push(() => sink.close());
  return sink;
}

interface Peers {
  slack: HttpReceiver;
  webhook: HttpReceiver;
  mail: SmtpSink;
  env: Record<string, string>;
}

async function peers(slackAnswers: Answer[], webhookAnswers: Answer[]): Promise<Peers> {
  const slack = await receiver(slackAnswers, SLACK_PATH);
  const webhook = await receiver(webhookAnswers, WEBHOOK_PATH);
  const mail = await smtp();
  return { slack, webhook, mail, env: { SLACK_WEBHOOK_URL: slack.url, WEBHOOK_URL: webhook.url, WEBHOOK_SECRET } };
}

/** The receiver's own check, as the contract tells receivers to make it: HMAC-SHA256 of the raw body, constant-time compare. */
function signatureHolds(request: ReceivedRequest): boolean {
  const header = request.headers['x-c1-hygiene-signature-256'];
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', WEBHOOK_SECRET).update(request.raw).digest('hex')}`);
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

interface WebhookBody {
  schemaVersion: number;
  type: string;
  deliveryId: string;
  tenant: string;
  runId: string;
  asOf?: string;
  due?: { clientId: string; ruleId: string; reason: string }[];
  resolved?: { clientId: string; ruleId: string }[];
  startedAt?: string;
  error?: string;
}

/** A webhook delivery after the receiver checked it: signed, JSON, its header id matching the body's. */
function verified(request: ReceivedRequest): WebhookBody {
  expect(request.method).toBe('POST');
  expect(request.headers['content-type']).toMatch(/^application\/json/);
  expect(signatureHolds(request), 'signature').toBe(true);
  const body = JSON.parse(request.text) as WebhookBody;
  expect(request.headers['x-c1-hygiene-delivery']).toBe(body.deliveryId);
  return body;
}

const duePairs = (body: WebhookBody): string[] => (body.due ?? []).map((f) => pairKey(f.clientId, f.ruleId)).sort();
const resolvedPairs = (body: WebhookBody): string[] => (body.resolved ?? []).map((f) => pairKey(f.clientId, f.ruleId)).sort();

/** Every text of a Slack message, as a person reads it. */
function slackText(request: ReceivedRequest): string {
  const body = JSON.parse(request.text) as { text: string; blocks: { text: { text: string } }[] };
  return [body.text, ...body.blocks.map((block) => block.text.text)].join('\n');
}

/** A Slack message's blocks; the last one is the footer (run id and where the report is). */
function slackBlocks(request: ReceivedRequest): unknown[] {
  return (JSON.parse(request.text) as { blocks: unknown[] }).blocks;
}

const FIRST_DUE = [
  pairKey(clientIdOf('deploy-bot'), 'broad-cidr'),
  pairKey(clientIdOf('deploy-bot'), 'no-expiry'),
  pairKey(clientIdOf('reports-job'), 'broad-roles'),
  pairKey(clientIdOf('reports-job'), 'missing-cidr'),
].sort();
const NEW_ROBOT_DUE = [pairKey(clientIdOf('new-robot'), 'missing-cidr'), pairKey(clientIdOf('new-robot'), 'no-expiry')].sort();
const REPORTS_JOB = [pairKey(clientIdOf('reports-job'), 'broad-roles'), pairKey(clientIdOf('reports-job'), 'missing-cidr')].sort();

/** Every form of the channel credentials a leak could take. */
function channelSecrets(p: Peers): string[] {
  return [...secretUrlForms(p.slack.url), ...secretUrlForms(p.webhook.url), WEBHOOK_SECRET].filter((s) => s.length >= 8);
}

/** The log's error lines about a channel that did not deliver, by channel id. */
function failedInLog(run: Awaited<ReturnType<Workspace['audit']>>): string[] {
  return run.logs
    .filter((line) => line.msg === 'alert digest not delivered; it will be retried by the next run')
    .map((line) => String(line.channel))
    .sort();
}

describe('Slack and webhook over a sequence of runs', () => {
  it('a webhook failing three ways is retried alone with the same delivery id; the others never repeat; resolved reaches it once', async () => {
    workspace = await createWorkspace(baseKeys(), CONFIG);
    const p = await peers([{ status: 200, body: 'ok' }], [{ status: 500, body: 'boom' }, { hang: true }, { drop: true }, { status: 204 }]);
    const audit = (asOf: string) => workspace.audit({ asOf, smtpUrl: p.mail.url(), env: p.env });

    // Run 1: four findings due. Slack and e-mail accept; the webhook answers 500.
    const first = await audit(T0);
    expect(first.code, first.stderr).toBe(4);
    expect(p.mail.received).toHaveLength(1);
    expect(mailedPairs(p.mail.received[0]!.parsed.text ?? '')).toEqual(FIRST_DUE);
    expect(p.slack.requests).toHaveLength(1);
    const slack1 = slackText(p.slack.requests[0]!);
    expect(slack1).toContain(TENANT);
    for (const name of ['deploy-bot', 'reports-job']) expect(slack1).toContain(clientIdOf(name));
    expect(slack1).not.toContain(clientIdOf('legacy-sync'));
    expect(p.webhook.requests).toHaveLength(1);
    const attempt1 = verified(p.webhook.requests[0]!);
    expect(attempt1).toMatchObject({ schemaVersion: 1, type: 'c1-hygiene.alert', tenant: TENANT, asOf: T0, resolved: [] });
    expect(duePairs(attempt1)).toEqual(FIRST_DUE);
    expect(new Set(attempt1.due!.map((f) => f.reason))).toEqual(new Set(['new']));
    // The summary and the log name the failed channel.
    expect(first.stdout).toContain('NOT delivered (retried by the next run): webhook');
    expect(first.stdout).not.toMatch(/NOT delivered.*(Slack|e-?mail)/i);
    expect(failedInLog(first)).toEqual(['webhook']);
    expect(first.logs.find((line) => line.msg === 'audit finished')).toMatchObject({ exitCode: 4, failedChannels: ['webhook'] });
    const state1 = await workspace.state();
    expect(state1.channels.webhook?.pending?.deliveryId).toBe(attempt1.deliveryId);
    expect(Object.keys(state1.channels.webhook?.alerted ?? {})).toEqual([]);

    // Runs 2 and 3: the same findings; only the webhook is tried, with the same delivery id. It hangs, then drops the connection.
    for (const [index, asOf] of [afterT0(0, 10), afterT0(0, 20)].entries()) {
      const retry = await audit(asOf);
      expect(retry.code, retry.stderr).toBe(4);
      expect(failedInLog(retry)).toEqual(['webhook']);
      expect(retry.stdout).toContain('Alerts: 0 of 1 channel delivered');
      expect(p.webhook.requests).toHaveLength(2 + index);
      const again = verified(p.webhook.requests[1 + index]!);
      expect(again.deliveryId).toBe(attempt1.deliveryId);
      expect(duePairs(again)).toEqual(FIRST_DUE);
      expect(p.slack.requests).toHaveLength(1);
      expect(p.mail.received).toHaveLength(1);
    }

    // Run 4: the webhook accepts the same delivery; nothing else is sent.
    const accepted = await audit(afterT0(0, 30));
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(p.webhook.requests).toHaveLength(4);
    const delivered = verified(p.webhook.requests[3]!);
    expect(delivered.deliveryId).toBe(attempt1.deliveryId);
    expect(duePairs(delivered)).toEqual(FIRST_DUE);
    expect(p.slack.requests).toHaveLength(1);
    expect(p.mail.received).toHaveLength(1);

    // Run 5: nothing is due for anyone.
    const quiet = await audit(afterT0(0, 40));
    expect(quiet.code, quiet.stderr).toBe(0);
    expect([p.slack.requests.length, p.webhook.requests.length, p.mail.received.length]).toEqual([1, 4, 1]);

    // Run 6: the reports job is fixed and a new key appears. Every channel gets the new key once; the webhook's resolved lists the fixed ones.
    workspace.sim.setPersonalClients([deployBot(), reportsJob(true), legacySync(), cleanKey(), newRobot()]);
    const changed = await audit(afterT0(1));
    expect(changed.code, changed.stderr).toBe(0);
    expect([p.slack.requests.length, p.webhook.requests.length, p.mail.received.length]).toEqual([2, 5, 2]);
    const next = verified(p.webhook.requests[4]!);
    expect(next.deliveryId).not.toBe(attempt1.deliveryId);
    expect(duePairs(next)).toEqual(NEW_ROBOT_DUE);
    expect(resolvedPairs(next)).toEqual(REPORTS_JOB);
    expect(mailedPairs(p.mail.received[1]!.parsed.text ?? '')).toEqual(NEW_ROBOT_DUE);
    expect(slackText(p.slack.requests[1]!)).toContain(clientIdOf('new-robot'));
    expect(slackText(p.slack.requests[1]!)).not.toContain(clientIdOf('deploy-bot'));

    // Run 7: nothing new, and "resolved" is not sent again.
    const after = await audit(afterT0(1, 10));
    expect(after.code, after.stderr).toBe(0);
    expect([p.slack.requests.length, p.webhook.requests.length, p.mail.received.length]).toEqual([2, 5, 2]);

    await expectNoSecretsAnywhere(workspace, [...c1Secrets(workspace.sim), ...channelSecrets(p)], [p.mail]);
  });

  it('Slack failing (500, then silence) is retried alone; the webhook and e-mail are not repeated', async () => {
    workspace = await createWorkspace(baseKeys(), CONFIG);
    const p = await peers([{ status: 500, body: 'internal_error' }, { hang: true }, { status: 200, body: 'ok' }], [{ status: 200 }]);
    const audit = (asOf: string) => workspace.audit({ asOf, smtpUrl: p.mail.url(), env: p.env });

    const first = await audit(T0);
    expect(first.code, first.stderr).toBe(4);
    expect(failedInLog(first)).toEqual(['slack']);
    expect(first.stdout).toContain('NOT delivered (retried by the next run): Slack');
    expect([p.slack.requests.length, p.webhook.requests.length, p.mail.received.length]).toEqual([1, 1, 1]);
    expect(duePairs(verified(p.webhook.requests[0]!))).toEqual(FIRST_DUE);

    const second = await audit(afterT0(0, 10));
    expect(second.code, second.stderr).toBe(4);
    expect(failedInLog(second)).toEqual(['slack']);
    expect([p.slack.requests.length, p.webhook.requests.length, p.mail.received.length]).toEqual([2, 1, 1]);

    const third = await audit(afterT0(0, 20));
    expect(third.code, third.stderr).toBe(0);
    expect([p.slack.requests.length, p.webhook.requests.length, p.mail.received.length]).toEqual([3, 1, 1]);
    // The retried message is the same message (the same findings, worst first); only the footer names the new run and report.
    expect(slackBlocks(p.slack.requests[2]!).slice(0, -1)).toEqual(slackBlocks(p.slack.requests[0]!).slice(0, -1));
    for (const name of ['deploy-bot', 'reports-job']) expect(slackText(p.slack.requests[2]!)).toContain(clientIdOf(name));

    const fourth = await audit(afterT0(0, 30));
    expect(fourth.code).toBe(0);
    expect([p.slack.requests.length, p.webhook.requests.length, p.mail.received.length]).toEqual([3, 1, 1]);

    await expectNoSecretsAnywhere(workspace, [...c1Secrets(workspace.sim), ...channelSecrets(p)], [p.mail]);
  });
});

describe('a due set that grows while the webhook is down', () => {
  it('the webhook gets the old and the new findings in one message with a new delivery id; Slack and e-mail get only the new ones', async () => {
    workspace = await createWorkspace(baseKeys(), CONFIG);
    const p = await peers([{ status: 200, body: 'ok' }], [{ drop: true }, { status: 200 }]);
    // Without WEBHOOK_SECRET deliveries are not signed (and say so by the header's absence).
    const env = { SLACK_WEBHOOK_URL: p.env.SLACK_WEBHOOK_URL!, WEBHOOK_URL: p.env.WEBHOOK_URL! };
    const audit = (asOf: string) => workspace.audit({ asOf, smtpUrl: p.mail.url(), env });

    const first = await audit(T0);
    expect(first.code, first.stderr).toBe(4);
    expect(failedInLog(first)).toEqual(['webhook']);
    expect([p.slack.requests.length, p.webhook.requests.length, p.mail.received.length]).toEqual([1, 1, 1]);
    const dropped = JSON.parse(p.webhook.requests[0]!.text) as WebhookBody;
    expect(p.webhook.requests[0]!.headers['x-c1-hygiene-signature-256']).toBeUndefined();

    workspace.sim.setPersonalClients([...baseKeys(), newRobot()]);
    const second = await audit(afterT0(0, 10));
    expect(second.code, second.stderr).toBe(0);
    expect([p.slack.requests.length, p.webhook.requests.length, p.mail.received.length]).toEqual([2, 2, 2]);
    const grown = JSON.parse(p.webhook.requests[1]!.text) as WebhookBody;
    expect(p.webhook.requests[1]!.headers['x-c1-hygiene-delivery']).toBe(grown.deliveryId);
    expect(duePairs(grown)).toEqual([...FIRST_DUE, ...NEW_ROBOT_DUE].sort());
    // A different message, so a different id: a receiver de-duplicating on it must not drop the new findings.
    expect(grown.deliveryId).not.toBe(dropped.deliveryId);
    expect(mailedPairs(p.mail.received[1]!.parsed.text ?? '')).toEqual(NEW_ROBOT_DUE);
    const slack2 = slackText(p.slack.requests[1]!);
    expect(slack2).toContain(clientIdOf('new-robot'));
    expect(slack2).not.toContain(clientIdOf('deploy-bot'));

    const third = await audit(afterT0(0, 20));
    expect(third.code).toBe(0);
    expect([p.slack.requests.length, p.webhook.requests.length, p.mail.received.length]).toEqual([2, 2, 2]);
    await expectNoSecretsAnywhere(workspace, [...c1Secrets(workspace.sim), ...channelSecrets(p)], [p.mail]);
  });
});

describe('failure notices on Slack and the webhook', () => {
  it('one signed notice per streak on each channel, the error redacted; a channel that missed it gets it on the next failing run', async () => {
    workspace = await createWorkspace(baseKeys(), { ...CONFIG, c1: { maxRetries: 0 } });
    // The webhook misses the first notice (500), so the second failing run sends it there alone.
    const p = await peers([{ status: 200, body: 'ok' }], [{ status: 500 }, { status: 204 }]);
    const audit = (asOf: string) => workspace.audit({ asOf, smtpUrl: p.mail.url(), env: p.env });
    const counts = (): number[] => [p.slack.requests.length, p.webhook.requests.length, p.mail.received.length];

    // C1 refuses the credential with a message echoing what it was sent and the channel credentials, as a careless proxy might.
    const echoed = `proxy saw ${p.slack.url} and ${p.webhook.url} signed with ${WEBHOOK_SECRET}`;
    workspace.sim.injectFault({ kind: 'status', status: 401, route: 'token', times: 1, echoCredentials: true, message: echoed });
    const first = await audit(T0);
    expect(first.code, first.stderr).toBe(3);
    expect(counts()).toEqual([1, 1, 1]);
    expect(slackText(p.slack.requests[0]!)).toMatch(/fail/i);
    const missed = verified(p.webhook.requests[0]!);
    expect(missed.type).toBe('c1-hygiene.failure');

    workspace.sim.injectFault({ kind: 'status', status: 500, route: 'personal_clients', times: 1, message: `upstream saw ${WEBHOOK_SECRET}` });
    const second = await audit(afterT0(1));
    expect(second.code, second.stderr).toBe(3);
    expect(counts()).toEqual([1, 2, 1]);
    const notice = verified(p.webhook.requests[1]!);
    expect(notice.deliveryId).toBe(missed.deliveryId);
    expect(Object.keys(notice).sort()).toEqual(['deliveryId', 'error', 'runId', 'schemaVersion', 'startedAt', 'tenant', 'type']);
    expect(notice).toMatchObject({ schemaVersion: 1, type: 'c1-hygiene.failure', tenant: TENANT });
    expect(notice.error).toMatch(/401|500|unauthori[sz]ed|credential/i);

    // Still failing: nobody hears about it again.
    workspace.sim.injectFault({ kind: 'status', status: 500, route: 'personal_clients', times: 1 });
    expect((await audit(afterT0(2))).code).toBe(3);
    expect(counts()).toEqual([1, 2, 1]);

    // A success ends the streak (and sends the digest); the next failure is a new streak with a new notice everywhere.
    expect((await audit(afterT0(3))).code).toBe(0);
    expect(counts()).toEqual([2, 3, 2]);
    workspace.sim.injectFault({ kind: 'status', status: 401, route: 'token', times: 1 });
    expect((await audit(afterT0(4))).code).toBe(3);
    expect(counts()).toEqual([3, 4, 3]);
    const nextStreak = verified(p.webhook.requests[3]!);
    expect(nextStreak.type).toBe('c1-hygiene.failure');
    expect(nextStreak.deliveryId).not.toBe(missed.deliveryId);

    // Neither the C1 credentials the fault echoed nor any channel credential reached a receiver, a file or the output.
    const secrets = [...c1Secrets(workspace.sim), ...channelSecrets(p)];
    for (const request of [...p.slack.requests, ...p.webhook.requests]) {
      expect(secrets.filter((secret) => request.text.includes(secret))).toEqual([]);
    }
    await expectNoSecretsAnywhere(workspace, secrets, [p.mail]);
  });
});

describe('validate and --dry-run with Slack and the webhook', () => {
  it('validate checks the channel URLs without sending anything', async () => {
    workspace = await createWorkspace(baseKeys(), CONFIG);
    const p = await peers([{ status: 200 }], [{ status: 200 }]);

    const valid = await workspace.audit({ asOf: T0, smtpUrl: p.mail.url(), env: p.env, command: 'validate' });
    expect(valid.code, valid.stderr).toBe(0);
    expect(valid.stdout).toContain('configuration is valid');

    // Plain http:// to a host that is not loopback, and a URL with a password: both named, neither quoted back.
    const remoteSlack = `http://hooks.example.com${SLACK_PATH}`;
    const passwordHook = `https://user:Hunter2-Passw0rd@hooks.example.com${WEBHOOK_PATH}`;
    const invalid = await workspace.audit({
      asOf: T0,
      smtpUrl: p.mail.url(),
      env: { ...p.env, SLACK_WEBHOOK_URL: remoteSlack, WEBHOOK_URL: passwordHook },
      command: 'validate',
    });
    expect(invalid.code).toBe(2);
    expect(invalid.errorText).toContain('SLACK_WEBHOOK_URL');
    expect(invalid.errorText).toContain('WEBHOOK_URL');
    expect(invalid.errorText).toMatch(/https/);
    const leaks = [...secretUrlForms(remoteSlack), ...secretUrlForms(passwordHook), 'Hunter2-Passw0rd', 'hooks.example.com'];
    expect(leaks.filter((secret) => secret.length >= 8 && (invalid.stdout + invalid.stderr).includes(secret))).toEqual([]);

    expect([p.slack.requests.length, p.webhook.requests.length, p.mail.received.length, p.mail.connections]).toEqual([0, 0, 0, 0]);
  });

  it('--dry-run shows what each channel would receive and sends nothing; the real run then sends exactly that', async () => {
    workspace = await createWorkspace(baseKeys(), CONFIG);
    const p = await peers([{ status: 200 }], [{ status: 204 }]);
    const before = await workspace.snapshot();

    const dry = await workspace.audit({ asOf: T0, smtpUrl: p.mail.url(), env: p.env, dryRun: true });
    expect(dry.code, dry.stderr).toBe(0);
    const output = JSON.parse(dry.stdout) as { dryRun: { channels: { id: string; due: number; wouldSend: boolean; deliveryId: string; message: unknown }[] } };
    const byId = new Map(output.dryRun.channels.map((channel) => [channel.id, channel]));
    expect([...byId.keys()].sort()).toEqual(['email', 'slack', 'webhook']);
    for (const channel of byId.values()) expect(channel).toMatchObject({ due: 4, wouldSend: true });
    const hook = byId.get('webhook')!.message as WebhookBody;
    expect(hook).toMatchObject({ schemaVersion: 1, type: 'c1-hygiene.alert', tenant: TENANT, asOf: T0, resolved: [] });
    expect(duePairs(hook)).toEqual(FIRST_DUE);
    const slack = byId.get('slack')!.message as { text: string; blocks: unknown[] };
    expect(slack.blocks.length).toBeGreaterThan(1);
    expect(JSON.stringify(slack)).toContain(clientIdOf('deploy-bot'));

    expect([p.slack.requests.length, p.webhook.requests.length, p.mail.received.length, p.mail.connections]).toEqual([0, 0, 0, 0]);
    expect(await workspace.snapshot()).toEqual(before);

    const real = await workspace.audit({ asOf: T0, smtpUrl: p.mail.url(), env: p.env });
    expect(real.code, real.stderr).toBe(0);
    expect([p.slack.requests.length, p.webhook.requests.length, p.mail.received.length]).toEqual([1, 1, 1]);
    const sent = verified(p.webhook.requests[0]!);
    expect(duePairs(sent)).toEqual(duePairs(hook));
    expect({ ...sent, deliveryId: null, runId: null }).toEqual({ ...hook, deliveryId: null, runId: null });
    // The same message but for the footer, which names the run and the report written (none in a dry run).
    expect(slackBlocks(p.slack.requests[0]!).slice(0, -1)).toEqual(slack.blocks.slice(0, -1));
    expect(JSON.stringify(slack.blocks.at(-1))).toContain('not written: dry run');

    await expectNoSecretsAnywhere(workspace, [...c1Secrets(workspace.sim), ...channelSecrets(p)], [p.mail]);
  });
});
