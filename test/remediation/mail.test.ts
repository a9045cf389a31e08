import { afterEach, describe, expect, it } from 'vitest';
import { unusedPort } from '../helpers/ports.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { ALL_RULES, createRig, daysFromNow, key, sampleKeys, type Rig } from './rig.js';

let rig: Rig;
let sink: SmtpSink | null = null;

afterEach(async () => {
  await rig.close();
  await sink?.close();
  sink = null;
});

const EMAIL = { alerts: { email: { timeoutMs: 2_000, retries: 0 } } };

function useEmail(smtpUrl: string): void {
  Object.assign(rig.env, { SMTP_URL: smtpUrl, ALERT_EMAIL_TO: 'secops@example.com,oncall@example.com', ALERT_EMAIL_FROM: 'hygiene@example.com' });
}

describe('the message about an apply', () => {
  it('goes once to alerts.email.to, listing what was deleted, skipped and failed; planning sends nothing', async () => {
    const hostile = 'ops <script>alert(1)</script>\r\nBcc: victim@example.com';
    const keys = [...sampleKeys(), key('hostile', { expiresTime: daysFromNow(-2), displayName: hostile })];
    rig = await createRig(keys, { ...ALL_RULES, ...EMAIL });
    sink = await startSmtpSink();
    useEmail(sink.url());

    const { path } = await rig.plan();
    expect(sink.received).toHaveLength(0);

    rig.sim.setPersonalClients(keys.map((k) => (k.id === 'unused-1' ? { ...k, lastUsedAt: daysFromNow(0) } : k)));
    rig.sim.injectFault({ kind: 'status', status: 403, route: 'delete_personal_client', credentialId: 'expired-1' });
    const run = await rig.apply(path);
    expect(run.code).toBe(3);

    expect(sink.received).toHaveLength(1);
    const mail = sink.received[0]!;
    expect(mail.envelope.to.sort()).toEqual(['oncall@example.com', 'secops@example.com']);
    expect(mail.parsed.subject).toBe('[c1-hygiene] acme.conductor.one: remediation deleted 2 keys (1 skipped, 1 failed)');
    expect(mail.parsed.headers.has('bcc')).toBe(false);
    const text = mail.parsed.text ?? '';
    expect(text).toContain('== Deleted (2) ==');
    expect(text).toContain('== Not deleted: failed (1) ==');
    expect(text).toContain("C1 refused: this key may not delete that user's key");
    expect(text).toContain('== Not deleted: skipped (1) ==');
    expect(text).toContain('used since the plan: lastUsedAt changed');
    expect(text).toContain('Deleted keys cannot be restored.');
    expect(text).not.toMatch(/^Bcc:/m);
    const html = String(mail.parsed.html);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
  });

  it('an undelivered message makes the exit code 4 once every deletion is done and recorded', async () => {
    rig = await createRig(sampleKeys(), { ...ALL_RULES, ...EMAIL });
    const { path } = await rig.plan();
    useEmail(`smtp://127.0.0.1:${await unusedPort()}`);
    const run = await rig.apply(path);
    expect(run.code).toBe(4);
    expect(rig.deletedIds()).toHaveLength(3);
    expect((await rig.records())[0]!.summary.deleted).toBe(3);
    expect(run.logs.some((line) => line.msg === 'remediation message not delivered; the record file lists the same')).toBe(true);
  });
});
