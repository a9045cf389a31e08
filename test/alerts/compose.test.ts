import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDigest, type DigestInput } from '../../src/alerts/compose.js';
import { composeFailureNotice } from '../../src/alerts/failure-notice.js';
import { createMailer } from '../../src/alerts/transport.js';
import type { DueFinding } from '../../src/lifecycle/types.js';
import { silentLogger } from '../../src/logger.js';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../helpers/smtp-sink.js';
import { finding } from '../lifecycle/sample-findings.js';
import { emailConfig } from './mail-config.js';

const RECIPIENTS = ['security@example.com', 'oncall@example.com'];

function due(overrides: Partial<DueFinding>): DueFinding {
  return { ...finding(overrides), dueReason: 'new', ...overrides };
}

function digestInput(overrides: Partial<DigestInput> = {}): DigestInput {
  return {
    tenant: 'acme.conductor.one',
    due: [due({})],
    resolvedSinceAlert: [],
    runId: 'run-42',
    asOf: '2026-11-26T07:00:00.000Z',
    reportPath: '/srv/reports/report-20261126T070000.000Z.json',
    from: 'c1-hygiene@example.com',
    to: RECIPIENTS,
    ...overrides,
  };
}

const INJECTION = 'Ops key\r\nBcc: evil@x.example\r\nX-Evil: 1\r\n\r\nfake body';
const SCRIPT = '<script>alert(1)</script>';
const HUGE = 'A'.repeat(10_000);

describe('composeDigest', () => {
  it('names the tenant, the count and the highest severity in the subject', () => {
    const message = composeDigest(
      digestInput({ due: [due({ credentialId: 'a', severity: 'medium' }), due({ credentialId: 'b', severity: 'critical' }), due({ credentialId: 'c' })] }),
    );
    expect(message.subject).toBe('[c1-hygiene] acme.conductor.one: 3 credential findings need attention (highest: critical)');
    expect(composeDigest(digestInput()).subject).toBe('[c1-hygiene] acme.conductor.one: 1 credential finding needs attention (highest: high)');
  });

  it('groups findings by severity, highest first, in both parts', () => {
    const message = composeDigest(
      digestInput({
        due: [
          due({ credentialId: 'low', severity: 'low', displayName: 'Low key' }),
          due({ credentialId: 'crit', severity: 'critical', displayName: 'Critical key' }),
          due({ credentialId: 'med', severity: 'medium', displayName: 'Medium key' }),
          due({ credentialId: 'crit2', severity: 'critical', displayName: 'Second critical key' }),
        ],
      }),
    );
    const order = (text: string, needles: string[]) => needles.map((needle) => text.indexOf(needle));
    const textPositions = order(message.text, ['== CRITICAL (2) ==', 'Critical key', 'Second critical key', '== MEDIUM (1) ==', 'Medium key', '== LOW (1) ==', 'Low key']);
    expect(textPositions.every((position) => position >= 0)).toBe(true);
    expect([...textPositions].sort((a, b) => a - b)).toEqual(textPositions);
    expect(message.text).not.toContain('== HIGH');

    const htmlPositions = order(message.html, ['CRITICAL (2)', 'MEDIUM (1)', 'LOW (1)']);
    expect(htmlPositions.every((position) => position >= 0)).toBe(true);
    expect(message.html).not.toContain('HIGH (');
    expect([...htmlPositions].sort((a, b) => a - b)).toEqual(htmlPositions);
  });

  it('lists for each finding the display name, client ID, rule, severity, message, remediation and why it is due', () => {
    const message = composeDigest(digestInput({ due: [due({ dueReason: 'renotify', displayName: 'CI deploy key' })] }));
    for (const part of [message.text, message.html]) {
      expect(part).toContain('CI deploy key');
      expect(part).toContain('otter-cred-1@acme.conductor.one/pcc');
      expect(part).toContain('no-expiry (Key never expires)');
      expect(part).toContain('the key has no expiry date');
      expect(part).toContain('Create a replacement key with an expiry date and delete this one.');
      expect(part).toContain('reminder: still open');
      expect(part).toContain('run-42');
      expect(part).toContain('2026-11-26T07:00:00.000Z');
      expect(part).toContain('/srv/reports/report-20261126T070000.000Z.json');
    }
    expect(message.text).toContain('Severity:    high');
  });

  it('mentions findings resolved since the last alert', () => {
    const message = composeDigest(
      digestInput({
        resolvedSinceAlert: [
          { fingerprint: 'x', ruleId: 'unused', severity: 'medium', title: 'Key not used recently', credentialId: 'old', clientId: 'bear@acme.conductor.one/pcc', displayName: 'Retired key', firstSeenAt: '2026-10-01T00:00:00.000Z' },
        ],
      }),
    );
    expect(message.text).toContain('Resolved since the last alert (1):\n- Retired key (bear@acme.conductor.one/pcc): unused');
    expect(message.html).toContain('Retired key (bear@acme.conductor.one/pcc): unused');
    expect(composeDigest(digestInput()).text).not.toContain('Resolved since');
  });

  it('sanitises the tenant before it reaches the subject header', () => {
    const message = composeDigest(digestInput({ tenant: 'acme.conductor.one\r\nBcc: evil@x.example' }));
    expect(message.subject).not.toMatch(/[\r\n]/);
    expect(message.subject).toContain('acme.conductor.one Bcc: evil@x.example');
  });

  it('escapes HTML and cuts a 10 000-character display name to about 200 characters', () => {
    const message = composeDigest(digestInput({ due: [due({ credentialId: 's', displayName: SCRIPT }), due({ credentialId: 'h', displayName: HUGE })] }));
    expect(message.html).not.toContain('<script>');
    expect(message.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(message.html).not.toContain('A'.repeat(201));
    expect(message.html).toContain(`${'A'.repeat(200)}…`);
    expect(message.text).toContain(`- ${'A'.repeat(200)}…\n`);
  });
});

describe('composeFailureNotice', () => {
  it('names the tenant in the subject and carries the sanitised error and what happens next', () => {
    const message = composeFailureNotice({
      tenant: 'acme.conductor.one',
      error: 'C1 answered 503 <b>\r\nBcc: evil@x.example',
      startedAt: '2026-11-26T07:00:00.000Z',
      runId: 'run-9',
      from: 'c1-hygiene@example.com',
      to: RECIPIENTS,
    });
    expect(message.subject).toBe('[c1-hygiene] acme.conductor.one: audit failed');
    expect(message.text).toContain('Error: C1 answered 503 <b> Bcc: evil@x.example');
    expect(message.text).toContain('You will not get another notice until an audit succeeds and fails again.');
    expect(message.text).toContain('run-9');
    expect(message.html).toContain('C1 answered 503 &lt;b&gt; Bcc: evil@x.example');
  });
});

describe('hostile display names through a real SMTP server', () => {
  let sink: SmtpSink;
  let mail: ReceivedMail;

  beforeAll(async () => {
    sink = await startSmtpSink();
    const message = composeDigest(
      digestInput({
        due: [
          due({ credentialId: 'inj', severity: 'critical', displayName: INJECTION }),
          due({ credentialId: 'xss', displayName: SCRIPT }),
          due({ credentialId: 'huge', severity: 'medium', displayName: HUGE, clientId: `${'c'.repeat(5000)}@acme.conductor.one/pcc` }),
        ],
      }),
    );
    const mailer = createMailer(emailConfig(sink.url()), silentLogger());
    await mailer!.send(message);
    mailer!.close();
    expect(sink.received).toHaveLength(1);
    mail = sink.received[0]!;
  });

  afterAll(async () => {
    await sink.close();
  });

  it('reaches exactly the intended recipients', () => {
    expect(mail.envelope.to).toEqual(RECIPIENTS);
    expect(mail.parsed.to).toMatchObject({ value: RECIPIENTS.map((address) => ({ address })) });
    expect(mail.parsed.bcc).toBeUndefined();
    expect(mail.parsed.cc).toBeUndefined();
  });

  it('carries no injected headers and the expected subject', () => {
    const headerNames = [...mail.parsed.headers.keys()].sort();
    expect(headerNames).not.toContain('bcc');
    expect(headerNames).not.toContain('x-evil');
    const headerBlock = mail.raw.toString('utf8').split(/\r?\n\r?\n/)[0] ?? '';
    expect(headerBlock).not.toContain('evil@x.example');
    expect(headerBlock).not.toContain('Ops key');
    expect(mail.parsed.subject).toBe('[c1-hygiene] acme.conductor.one: 3 credential findings need attention (highest: critical)');
  });

  it('shows hostile text escaped in HTML, never as tags, and the text part is present', () => {
    const html = mail.parsed.html || '';
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Ops key Bcc: evil@x.example X-Evil: 1 fake body');
    expect(mail.parsed.text).toContain('- Ops key Bcc: evil@x.example X-Evil: 1 fake body');
    expect(mail.parsed.text).toContain(SCRIPT);
    // The fake "header" could not start a line of its own in the body either.
    expect(mail.parsed.text).not.toMatch(/^Bcc:/m);
  });

  it('keeps the message a sane size despite a 10 000-character name', () => {
    expect(mail.parsed.text).toContain(`${'A'.repeat(200)}…`);
    expect(mail.parsed.text).not.toContain('A'.repeat(201));
    expect(mail.raw.length).toBeLessThan(30_000);
  });
});
