import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDigest, type DigestInput } from '../../src/alerts/compose.js';
import { composeFailureNotice } from '../../src/alerts/failure-notice.js';
import { createMailer } from '../../src/alerts/transport.js';
import type { DueFinding } from '../../src/lifecycle/types.js';
import { silentLogger } from '../../src/logger.js';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../helpers/smtp-sink.js';
import { KEY_EXPIRY_DOCS_URL, KEY_SOURCE_IPS_DOCS_URL, ROLES_DOCS_URL } from '../../src/rules/docs.js';
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

  it('groups findings by key, worst key first (by its worst due finding), worst finding first within a key, in both parts', () => {
    const message = composeDigest(
      digestInput({
        due: [
          due({ credentialId: 'low', severity: 'low', displayName: 'Low key', ruleId: 'long-lived' }),
          due({ credentialId: 'mixed', severity: 'medium', displayName: 'Mixed key', ruleId: 'missing-cidr' }),
          due({ credentialId: 'crit', severity: 'critical', displayName: 'Critical key', ruleId: 'broad-cidr' }),
          due({ credentialId: 'mixed', severity: 'critical', displayName: 'Mixed key', ruleId: 'broad-roles' }),
          due({ credentialId: 'med', severity: 'medium', displayName: 'Medium key' }),
        ],
      }),
    );
    const order = (text: string, needles: string[]) => needles.map((needle) => text.indexOf(needle));
    const textPositions = order(message.text, [
      '== 1. Critical key [CRITICAL] ==',
      '== 2. Mixed key [CRITICAL] ==',
      '  - broad-roles (',
      '  - missing-cidr (',
      '== 3. Medium key [MEDIUM] ==',
      '== 4. Low key [LOW] ==',
    ]);
    expect(textPositions.every((position) => position >= 0)).toBe(true);
    expect([...textPositions].sort((a, b) => a - b)).toEqual(textPositions);
    // One heading per key, however many findings it has.
    expect(message.text.match(/^== \d+\. /gm)).toHaveLength(4);
    expect(message.text).toContain('4 keys, worst first');

    const htmlPositions = order(message.html, ['1. Critical key', '2. Mixed key', '3. Medium key', '4. Low key']);
    expect(htmlPositions.every((position) => position >= 0)).toBe(true);
    expect([...htmlPositions].sort((a, b) => a - b)).toEqual(htmlPositions);
    expect(message.html.match(/What to do:/g)).toHaveLength(4);
  });

  it('lists for each key the display name, client ID and owner, and for each finding the rule, severity, message and why it is due', () => {
    const alice = { id: 'u-alice', email: 'alice@acme.example', displayName: 'Alice Example', status: 'ENABLED' };
    const message = composeDigest(
      digestInput({ due: [due({ dueReason: 'renotify', displayName: 'CI deploy key', owner: alice }), due({ credentialId: 'other', displayName: 'Orphan key' })] }),
    );
    for (const part of [message.text, message.html]) {
      expect(part).toContain('CI deploy key');
      expect(part).toContain('otter-cred-1@acme.conductor.one/pcc');
      expect(part).toContain('Alice Example, alice@acme.example, status ENABLED');
      expect(part).toContain('owner unknown');
      expect(part).toContain('no-expiry (Key never expires)');
      expect(part).toContain('the key has no expiry date');
      expect(part.toLowerCase()).toContain('create a replacement key');
      expect(part).toContain('reminder: still open');
      expect(part).toContain('new finding');
      expect(part).toContain('run-42');
      expect(part).toContain('2026-11-26T07:00:00.000Z');
      expect(part).toContain('/srv/reports/report-20261126T070000.000Z.json');
    }
    expect(message.text).toContain('    Severity:  high');
  });

  it('gives a key with several findings one entry and ONE combined "what to do", with each rule\'s reference', () => {
    const key = { credentialId: 'legacy', displayName: 'Legacy sync' };
    const message = composeDigest(
      digestInput({
        due: [
          due({ ...key, ruleId: 'no-expiry', severity: 'high', reference: KEY_EXPIRY_DOCS_URL }),
          due({ ...key, ruleId: 'missing-cidr', severity: 'medium', title: 'No source IP limit', reference: KEY_SOURCE_IPS_DOCS_URL }),
          due({ ...key, ruleId: 'broad-roles', severity: 'high', title: 'Broad scope', reference: ROLES_DOCS_URL }),
        ],
        maxLifetimeDays: 90,
      }),
    );
    expect(message.text.match(/^== /gm)).toHaveLength(1);
    expect(message.text.match(/^What to do:/gm)).toHaveLength(1);
    expect(message.text.match(/create a replacement key/gi)).toHaveLength(1);
    const advice = /^What to do:\s+(.*)$/m.exec(message.text)?.[1] ?? '';
    expect(advice).toContain('an expiry at most 90 days away');
    expect(advice).toContain('"Limit source IPs"');
    expect(advice).toContain('the narrowest scope that works');
    expect(advice).toContain('then delete this key');
    expect(message.html.match(/create a replacement key/gi)).toHaveLength(1);
    // One documentation link per page, naming the rules it explains.
    // Expiry and source IPs are both set when creating a key: one page, one link naming both rules.
    expect(KEY_SOURCE_IPS_DOCS_URL).toBe(KEY_EXPIRY_DOCS_URL);
    expect(message.text).toContain(`Read more:   ${KEY_EXPIRY_DOCS_URL} (no-expiry, missing-cidr)`);
    expect(message.text).toContain(`Read more:   ${ROLES_DOCS_URL} (broad-roles)`);
    expect(message.html).toContain(`<a href="${ROLES_DOCS_URL}">broad-roles</a>`);
    expect(message.html).toContain(`<a href="${KEY_SOURCE_IPS_DOCS_URL}">`);
  });

  it('counts findings left out below minSeverity, and says nothing when there are none', () => {
    const message = composeDigest(digestInput({ belowMinSeverity: { count: 3, minSeverity: 'medium' } }));
    expect(message.text).toContain('3 open findings below medium (alerts.minSeverity) are not listed here');
    expect(message.html).toContain('3 open findings below medium');
    const owners = composeDigest(digestInput({ ownerName: 'Alice', belowMinSeverity: { count: 1, minSeverity: 'high' } }));
    expect(owners.text).toContain('1 open finding on your keys below high (alerts.minSeverity) is not listed here');
    expect(composeDigest(digestInput({ belowMinSeverity: { count: 0, minSeverity: 'medium' } })).text).not.toContain('not listed here');
  });

  it('keeps a hostile owner name and address inert: one escaped line, never a header', () => {
    const owner = { id: 'u-x', email: 'x@acme.example\r\nBcc: evil@x.example', displayName: `${SCRIPT}\u202Egnp.exe`, status: 'ENABLED\r\nX-Evil: 1' };
    const message = composeDigest(digestInput({ due: [due({ owner })], ownerName: `${SCRIPT}\r\nSubject: pwned` }));
    expect(message.subject).not.toMatch(/pwned|script|evil/);
    expect(message.html).not.toContain('<script>');
    expect(message.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(message.text).not.toMatch(/^(Bcc|X-Evil|Subject):/m);
    expect(message.text).not.toContain('\u202E');
    expect(message.html).not.toContain('\u202E');
    expect(message.text).toContain('Owner:       <script>alert(1)</script> gnp.exe, x@acme.example Bcc: evil@x.example, status ENABLED X-Evil: 1');
  });

  it('links the published report instead of attaching it, and attaches the HTML report otherwise', () => {
    const linked = composeDigest(digestInput({ report: { kind: 'link', url: 'https://reports.example.com/latest.html' } }));
    expect(linked.attachments).toBeUndefined();
    expect(linked.text).toContain('Full report: https://reports.example.com/latest.html');
    expect(linked.html).toContain('<a href="https://reports.example.com/latest.html">');
    expect(linked.text).not.toContain('/srv/reports');

    const content = Buffer.from('<!DOCTYPE html><title>report</title>');
    const attached = composeDigest(
      digestInput({ report: { kind: 'attached', attachment: { filename: 'c1-hygiene-report-20261126T0700Z.html', contentType: 'text/html; charset=utf-8', content } } }),
    );
    expect(attached.attachments).toEqual([{ filename: 'c1-hygiene-report-20261126T0700Z.html', contentType: 'text/html; charset=utf-8', content }]);
    expect(attached.text).toContain('Full report: attached (c1-hygiene-report-20261126T0700Z.html)');
    expect(composeDigest(digestInput({ reportPath: null })).text).toContain('Full report: not written\n');
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
    expect(message.text).toContain(`. ${'A'.repeat(200)}… [HIGH] ==\n`);
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
    expect(mail.parsed.text).toContain('== 1. Ops key Bcc: evil@x.example X-Evil: 1 fake body [CRITICAL] ==');
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
