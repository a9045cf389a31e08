import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import { composeSlackDigest, composeSlackFailureNotice, SLACK_LIMITS, type SlackMessage } from '../../src/channels/slack-message.js';
import { slackChannel } from '../../src/channels/slack.js';
import type { Channel, DigestDelivery } from '../../src/channels/types.js';
import { HygieneError } from '../../src/errors.js';
import type { DueFinding } from '../../src/lifecycle/types.js';
import { secretUrlForms } from '../../src/redact.js';
import { Secret } from '../../src/secret.js';
import { SEVERITIES } from '../../src/severity.js';
import { startHttpReceiver, type Answer, type HttpReceiver } from '../helpers/http-receiver.js';
import { memoryLogger, recordingSleep } from '../helpers/simulator.js';
import { digestDelivery, dueFinding, failureNotice, manyDue } from './deliveries.js';

const SLACK_PATH = '/services/T0AB12CD3/B0EF45GH6/q1w2e3r4t5y6u7i8o9p0a1s2';
const open: Array<{ close: () => unknown }> = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

async function slack(...answers: Answer[]): Promise<{ receiver: HttpReceiver; channel: Channel; log: ReturnType<typeof memoryLogger> }> {
  const receiver = await startHttpReceiver(answers.length > 0 ? answers : [{ status: 200, body: 'ok' }], SLACK_PATH);
  open.push(receiver);
  const log = memoryLogger();
  const channel = slackChannel(
    { webhookUrl: new Secret(receiver.url), timeoutMs: 2_000, maxRetries: 2, deadlineMs: 30_000 },
    { logger: log.logger, sleep: recordingSleep().sleep, retryBaseDelayMs: 1 },
  );
  open.push(channel);
  return { receiver, channel, log };
}

function texts(message: SlackMessage): string[] {
  return [message.text, ...message.blocks.map((block) => block.text.text)];
}

/** Slack's own escapes are the only `&`; no `<` or `>` at all: nothing can become a mention or a link. */
function expectInert(message: SlackMessage): void {
  for (const text of texts(message)) {
    expect(text.replace(/&(amp|lt|gt);/g, '')).not.toMatch(/[&<>]/);
  }
}

function expectWithinLimits(message: SlackMessage): void {
  expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  for (const block of message.blocks) {
    expect(block.type).toBe('section');
    expect(block.text.type).toBe('mrkdwn');
    expect(block.text.text.length).toBeGreaterThan(0);
    expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
  }
  expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
  expect(texts(message).join('').length).toBeLessThanOrEqual(SLACK_LIMITS.totalText);
}

describe('Slack channel', () => {
  test('posts one {"text","blocks"} message per digest: header with counts, keys worst first, the report', async () => {
    const { receiver, channel } = await slack();
    const delivery = digestDelivery();
    await channel.sendDigest(delivery);
    expect(receiver.requests).toHaveLength(1);
    const request = receiver.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toBe('application/json');
    const body = JSON.parse(request.text) as SlackMessage;
    expect(Object.keys(body).sort()).toEqual(['blocks', 'text']);
    expect(body).toEqual(channel.preview(delivery));
    expect(body.text).toBe('C1 credential hygiene: acme.conductor.one: 3 findings on 2 keys need attention (highest: critical)');
    const [header, first, second, footer] = body.blocks.map((block) => block.text.text);
    expect(header).toBe('*C1 credential hygiene: acme.conductor.one*\n3 findings on 2 keys need attention: 1 critical · 1 high · 1 medium');
    expect(first).toContain('*Key cred-1* · otter-cred-1@acme.conductor.one/pcc');
    expect(first).toContain(':red_circle: *CRITICAL* · broad-cidr: Allowed source range too broad _(new)_\nallows 0.0.0.0/0\n_What to do:_ Create a replacement key');
    expect(second).toMatch(/HIGH\* · no-expiry[\s\S]*MEDIUM\* · missing-cidr: No source IP limit _\(reminder, still open\)_/);
    expect(footer).toBe('Run run-0001 · as of 2026-11-26T07:00:00.000Z\nFull report: /var/lib/c1-hygiene/reports/report-20261126T070000.000Z.json');
    expect(body.blocks).toHaveLength(4);
  });

  test('200 due keys: at most 50 blocks, every text within 3,000 characters, "and N more keys" and where the report is', () => {
    const message = composeSlackDigest(digestDelivery({ due: manyDue(200) }));
    expectWithinLimits(message);
    const footer = message.blocks.at(-1)!.text.text;
    const shown = message.blocks.length - 2;
    expect(footer).toContain(`and ${200 - shown} more keys: the full list is in /var/lib/c1-hygiene/reports/`);
    expect(message.blocks[0]!.text.text).toContain('200 findings on 200 keys need attention');
    // The worst keys are the ones shown.
    expect(message.blocks[1]!.text.text).toContain('CRITICAL');
  });

  test('200 due keys with everyday text fill exactly the 50 blocks Slack allows', () => {
    const due = Array.from({ length: 200 }, (_, i) => dueFinding({ credentialId: `cred-${i}` }));
    const message = composeSlackDigest(digestDelivery({ due }));
    expectWithinLimits(message);
    expect(message.blocks).toHaveLength(50);
    expect(message.blocks.at(-1)!.text.text).toMatch(/\nand 152 more keys: the full list is in \/var\/lib\/c1-hygiene\/reports\/report-[^\n]+$/);
  });

  test('escaping-heavy text (every character an &) still fits, and no escape is cut in half', () => {
    const message = composeSlackDigest(digestDelivery({ due: manyDue(120, '&') }));
    expectWithinLimits(message);
    expectInert(message);
  });

  test('one key with many long findings stays one block within 3,000 characters and says how many are left out', () => {
    const due = Array.from({ length: 30 }, (_, i) =>
      dueFinding({ ruleId: `rule-${i}`, credentialId: 'cred-1', message: 'm'.repeat(2000), remediation: 'r'.repeat(2000) }),
    );
    const message = composeSlackDigest(digestDelivery({ due }));
    expectWithinLimits(message);
    expect(message.blocks).toHaveLength(3);
    expect(message.blocks[1]!.text.text).toMatch(/_and \d+ more findings on this key, in the full report_$/);
  });

  test('hostile display names arrive inert: no channel ping, no forged link, entities shown as typed', async () => {
    const { receiver, channel } = await slack();
    const hostile = ['<!channel>', '<https://evil.example|click>', '@here please', '&amp; co', '<@U123ABC>', 'line\nbreak\u202Egnp.exe'];
    const due = hostile.map((displayName, i) => dueFinding({ credentialId: `cred-${i}`, displayName, message: `msg ${displayName}` }));
    await channel.sendDigest(digestDelivery({ due, tenant: '<!everyone>.conductor.one' }));
    const body = JSON.parse(receiver.requests[0]!.text) as SlackMessage & Record<string, unknown>;
    expectInert(body);
    const all = texts(body).join('\n');
    expect(all).toContain('&lt;!channel&gt;');
    expect(all).toContain('&lt;https://evil.example|click&gt;');
    expect(all).toContain('&amp;amp; co');
    expect(all).toContain('&lt;@U123ABC&gt;');
    expect(all).toContain('&lt;!everyone&gt;.conductor.one');
    // No parse mode is asked for, so a bare @here stays text.
    expect(body).not.toHaveProperty('link_names');
    expect(body).not.toHaveProperty('parse');
    expect(all).toContain('@here please');
    // Control and bidi characters are gone.
    expect(all).not.toMatch(/[\u202E]/);
    expect(all).toContain('*line break gnp.exe*');
  });

  test('any digest, however hostile its strings, gives a message within Slack limits with no unescaped &, < or >', () => {
    const text = fc.string({ unit: 'binary', maxLength: 300 });
    const severity = fc.constantFrom(...SEVERITIES);
    const due: fc.Arbitrary<DueFinding> = fc.record({
      fingerprint: text,
      ruleId: text,
      severity,
      credentialId: fc.string({ maxLength: 3 }),
      clientId: text,
      displayName: text,
      owner: fc.option(fc.record({ id: text, email: fc.option(text), displayName: fc.option(text), status: text })),
      title: text,
      message: fc.string({ unit: 'binary', maxLength: 1500 }),
      evidence: fc.constant({}),
      risk: text,
      remediation: fc.string({ unit: 'binary', maxLength: 1500 }),
      reference: text,
      firstSeenAt: text,
      dueReason: fc.constantFrom('new', 'severity-raised', 'renotify'),
    });
    const delivery: fc.Arbitrary<DigestDelivery> = fc.record({
      deliveryId: text,
      tenant: text,
      runId: text,
      asOf: text,
      due: fc.array(due, { minLength: 1, maxLength: 60 }),
      resolved: fc.array(
        fc.record({ fingerprint: text, ruleId: text, credentialId: text, clientId: text, displayName: text, firstSeenAt: text }),
        { maxLength: 30 },
      ),
      reportLocation: fc.option(text),
    });
    // Plain checks inside the property (fast); the first failing case is then shown with expect.
    const problems = (message: SlackMessage): boolean =>
      message.blocks.length > SLACK_LIMITS.blocks ||
      texts(message).some((t) => t.length === 0 || t.length > SLACK_LIMITS.sectionText || /[&<>]/.test(t.replace(/&(amp|lt|gt);/g, ''))) ||
      texts(message).join('').length > SLACK_LIMITS.totalText;
    const result = fc.check(
      fc.property(delivery, (d) => !problems(composeSlackDigest(d))),
      { numRuns: 60 },
    );
    if (result.failed && result.counterexample) {
      const message = composeSlackDigest(result.counterexample[0]);
      expectWithinLimits(message);
      expectInert(message);
    }
    expect(result.failed).toBe(false);
  });

  test('resolved findings get one block of their own', () => {
    const resolved = Array.from({ length: 100 }, (_, i) => ({
      fingerprint: `f${i}`,
      ruleId: 'no-expiry',
      credentialId: `old-${i}`,
      clientId: `old-${i}@acme.conductor.one/pcc`,
      displayName: `Old key ${i}`,
      firstSeenAt: '2026-11-01T00:00:00Z',
    }));
    const message = composeSlackDigest(digestDelivery({ resolved }));
    expectWithinLimits(message);
    const block = message.blocks.at(-2)!.text.text;
    expect(block).toMatch(/^\*Resolved since the last alert \(100\):\*\nOld key 0 \(old-0@acme.conductor.one\/pcc\): no-expiry/);
    expect(block).toMatch(/\nand \d+ more$/);
  });

  test('a dry run (no report written) says so instead of a location', () => {
    const message = composeSlackDigest(digestDelivery({ reportLocation: null }));
    expect(message.blocks.at(-1)!.text.text).toContain('Full report: the report of run run-0001 (not written: dry run)');
  });

  test('the failure notice is a short message naming the tenant and the error', async () => {
    const { receiver, channel } = await slack();
    await channel.sendFailureNotice(failureNotice({ error: 'C1 said <!here> & left' }));
    const body = JSON.parse(receiver.requests[0]!.text) as SlackMessage;
    expect(body).toEqual(composeSlackFailureNotice(failureNotice({ error: 'C1 said <!here> & left' })));
    expect(body.text).toBe('C1 credential hygiene: the audit of acme.conductor.one failed');
    expect(body.blocks).toHaveLength(1);
    expect(body.blocks[0]!.text.text).toContain('Error: C1 said &lt;!here&gt; &amp; left');
    expectInert(body);
  });

  test('a failure notice quoting the webhook URL has it blanked', async () => {
    const { receiver, channel } = await slack();
    await channel.sendFailureNotice(failureNotice({ error: `posting to ${SLACK_PATH} failed` }));
    expect(receiver.requests[0]!.text).not.toContain('q1w2e3r4t5y6u7i8o9p0a1s2');
    expect(receiver.requests[0]!.text).toContain('[redacted]');
  });

  test("Slack's refusal is named by its status and Slack's error token, never by the URL; nothing is logged with it", async () => {
    const { receiver, channel, log } = await slack({ status: 404, body: 'no_service' });
    const err = await channel.sendDigest(digestDelivery()).then(
      () => null,
      (e: unknown) => e as HygieneError,
    );
    expect(err).toBeInstanceOf(HygieneError);
    expect(err!.message).toBe('Slack did not accept the alert: HTTP 404 (no_service) after 1 attempt');
    for (const text of [err!.message, JSON.stringify(err!.details), String(err!.stack), log.text()]) {
      for (const form of secretUrlForms(receiver.url)) expect(text).not.toContain(form);
    }
  });

  test('retries after a 500 and a timeout log the channel and status only', async () => {
    const { receiver, channel, log } = await slack({ status: 500, body: `oops ${SLACK_PATH}` }, { status: 200, body: 'ok' });
    await channel.sendDigest(digestDelivery());
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.requests[0]!.text).toBe(receiver.requests[1]!.text);
    const retry = log.lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => entry.msg === 'alert delivery attempt failed; retrying');
    expect(retry).toMatchObject({ channel: 'Slack', status: 500, attempt: 1 });
    expect(log.text()).not.toContain('q1w2e3r4t5y6u7i8o9p0a1s2');
  });
});
