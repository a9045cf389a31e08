/**
 * Display names are free text from the C1 API. Through the whole CLI path
 * (simulator → audit → SMTP) they must not add headers or recipients, must be
 * escaped in HTML, and must leave a message that parses cleanly.
 * Needs `npm run build` first (npm test does it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../helpers/smtp-sink.js';
import { clientIdOf, newRobot, T0 } from './keys.js';
import { createWorkspace, mailedPairs, pairKey, RECIPIENTS, SENDER, type Workspace } from './workspace.js';

const INJECTION = 'ops\r\nBcc: evil@example.com\r\nSubject: pwned\r\n\r\n<b>body</b>';
const SCRIPT = '<script>alert(1)</script>';
const HUGE = `${'A'.repeat(9_991)}TAIL-MARK`;

const HOSTILE_KEYS = [
  newRobot('pc-inject', 'inject-key', INJECTION),
  newRobot('pc-script', 'script-key', SCRIPT),
  newRobot('pc-huge', 'huge-key', HUGE),
];

let workspace: Workspace;
let sink: SmtpSink;
let mail: ReceivedMail;

// One audit; every test reads the mail it sent.
beforeAll(async () => {
  workspace = await createWorkspace(HOSTILE_KEYS);
  sink = await startSmtpSink();
  const result = await workspace.audit({ asOf: T0, smtpUrl: sink.url() });
  expect(result.code, result.stderr).toBe(0);
  expect(sink.received).toHaveLength(1);
  mail = sink.received[0]!;
});

afterAll(async () => {
  await sink.close();
  await workspace.close();
});

/** The raw header block: everything before the first empty line. */
function rawHeaderBlock(raw: Buffer): string {
  const text = raw.toString('utf8');
  const end = text.indexOf('\r\n\r\n');
  return end < 0 ? text : text.slice(0, end);
}

describe('hostile display names through the CLI', () => {
  it('cannot add headers or recipients', () => {
    expect(HUGE.length).toBe(10_000);
    const headers = rawHeaderBlock(mail.raw);
    expect(headers).not.toMatch(/evil@example\.com/i);
    expect(headers).not.toMatch(/pwned/);
    expect(headers.split(/\r\n(?![ \t])/).filter((line) => /^bcc:/i.test(line))).toEqual([]);
    expect(mail.parsed.headers.has('bcc')).toBe(false);
    expect(mail.parsed.bcc).toBeUndefined();
    expect(mail.parsed.cc).toBeUndefined();
    expect(mail.parsed.subject).not.toContain('pwned');
    const to = Array.isArray(mail.parsed.to) ? mail.parsed.to : [mail.parsed.to];
    expect(to.flatMap((address) => address?.value.map((v) => v.address) ?? []).sort()).toEqual([...RECIPIENTS].sort());
    expect(mail.parsed.from?.value.map((v) => v.address)).toEqual([SENDER]);
    expect(mail.envelope.to.sort()).toEqual([...RECIPIENTS].sort());
    expect(mail.envelope.from).toBe(SENDER);
  });

  it('escapes HTML and keeps the message well-formed', () => {
    const html = String(mail.parsed.html);
    expect(mail.parsed.html).not.toBe(false);
    expect(html).not.toContain(SCRIPT);
    expect(html).not.toContain('<b>body</b>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // Every key is still listed, by client ID, in both parts.
    const expected = ['inject-key', 'script-key', 'huge-key'].flatMap((name) => [
      pairKey(clientIdOf(name), 'missing-cidr'),
      pairKey(clientIdOf(name), 'no-expiry'),
    ]);
    expect(mailedPairs(mail.parsed.text ?? '')).toEqual(expected.sort());
    for (const name of ['inject-key', 'script-key', 'huge-key']) expect(html).toContain(clientIdOf(name));
    // The injected CR/LF became part of one line of text.
    expect(mail.parsed.text).not.toMatch(/^Bcc:/m);
    expect(mail.parsed.text).toContain('ops Bcc: evil@example.com');
  });

  it('caps a 10 000-character name instead of mailing it whole', () => {
    const text = mail.parsed.text ?? '';
    const html = String(mail.parsed.html);
    expect(text).toContain('AAAAAAAAAA');
    expect(text).not.toContain('TAIL-MARK');
    expect(html).not.toContain('TAIL-MARK');
    expect(text).not.toContain('A'.repeat(1_000));
    expect(mail.raw.length).toBeLessThan(60_000);
  });

  it('parses cleanly: one text and one HTML part, only the HTML report attached, the automated-mail headers', () => {
    expect(typeof mail.parsed.text).toBe('string');
    expect(typeof mail.parsed.html).toBe('string');
    expect(mail.parsed.attachments.map((file) => [file.contentType, file.filename])).toEqual([['text/html', expect.stringMatching(/^c1-hygiene-report-\d{8}T\d{4}Z\.html$/)]]);
    // The names reach the attached report escaped too, and never its file name.
    const attached = mail.parsed.attachments[0]!.content.toString('utf8');
    expect(attached).not.toContain(SCRIPT);
    expect(attached).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(mail.parsed.messageId).toBeTruthy();
    // No header line is longer than RFC 5322's hard limit.
    expect(rawHeaderBlock(mail.raw).split('\r\n').every((line) => line.length <= 998)).toBe(true);
  });
});
