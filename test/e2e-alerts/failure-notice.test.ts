/**
 * A failed audit (exit 3) with email configured: one failure notice per run
 * of consecutive failures, and the previous report left byte-identical.
 * Through the built CLI; needs `npm run build` first (npm test does it).
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { afterT0, baseKeys, T0 } from './keys.js';
import { c1Secrets, createWorkspace, expectNoSecretsAnywhere, RECIPIENTS, smtpPasswordForms, TENANT, type Workspace } from './workspace.js';

let workspace: Workspace;
let sink: SmtpSink;

afterEach(async () => {
  await sink.close();
  await workspace.close();
});

const isNotice = (subject: string | undefined): boolean => (subject ?? '') === `[c1-hygiene] ${TENANT}: audit failed`;
const notices = (): number => sink.received.filter((mail) => isNotice(mail.parsed.subject)).length;
const digests = (): number => sink.received.filter((mail) => !isNotice(mail.parsed.subject)).length;

/** C1 answers 503 to the key listing; with `c1.maxRetries: 0` the audit fails at once. */
function breakC1(): void {
  workspace.sim.injectFault({ kind: 'status', status: 503, route: 'personal_clients', times: 1 });
}

describe('failure notice', () => {
  it('one notice per streak of failures; a success ends the streak; latest.json stays byte-identical', async () => {
    workspace = await createWorkspace(baseKeys(), { c1: { maxRetries: 0 } });
    sink = await startSmtpSink();
    const audit = async (asOf: string, expectedCode: number): Promise<void> => {
      const result = await workspace.audit({ asOf, smtpUrl: sink.url() });
      expect(result.code, result.stderr).toBe(expectedCode);
    };

    await audit(T0, 0);
    expect(digests()).toBe(1);
    expect(notices()).toBe(0);
    const latest = await workspace.latestBytes();
    const reportFiles = await readdir(workspace.reportDir);

    breakC1();
    await audit(afterT0(1), 3);
    expect(notices()).toBe(1);
    expect(sink.received).toHaveLength(2);
    const notice = sink.received[1]!;
    expect(notice.envelope.to.sort()).toEqual([...RECIPIENTS].sort());
    expect(notice.parsed.text).toContain('failed');
    expect(notice.parsed.text).toMatch(/503|unavailable/i);
    expect(await workspace.latestBytes()).toEqual(latest);
    expect(await readdir(workspace.reportDir)).toEqual(reportFiles);

    breakC1();
    await audit(afterT0(2), 3);
    expect(sink.received).toHaveLength(2);
    expect(await workspace.latestBytes()).toEqual(latest);

    // Success: the streak ends, with no notice (and no digest: nothing is due at the same as-of).
    await audit(T0, 0);
    expect(sink.received).toHaveLength(2);

    breakC1();
    await audit(afterT0(3), 3);
    expect(notices()).toBe(2);
    expect(sink.received).toHaveLength(3);

    await expectNoSecretsAnywhere(workspace, c1Secrets(workspace.sim), [sink]);
  });

  it('an SMTP password that C1 (or a proxy) echoes in its error reaches no notice, log, state or output', async () => {
    workspace = await createWorkspace(baseKeys(), { c1: { maxRetries: 0 } });
    const user = 'alerts@example.com';
    const pass = 'S3cret-Mail:P@ss/word%';
    sink = await startSmtpSink({ auth: { user, pass } });
    const smtpUrl = sink.url({ user, pass });
    const first = await workspace.audit({ asOf: T0, smtpUrl });
    expect(first.code, first.stderr).toBe(0);
    workspace.sim.injectFault({ kind: 'status', status: 503, route: 'personal_clients', times: 1, message: `relay ${smtpUrl} said: ${pass}` });

    const failed = await workspace.audit({ asOf: afterT0(1), smtpUrl });
    expect(failed.code, failed.stderr).toBe(3);
    expect(notices()).toBe(1);
    expect(sink.received.find((mail) => isNotice(mail.parsed.subject))!.parsed.text).toMatch(/503/);
    await expectNoSecretsAnywhere(workspace, [...c1Secrets(workspace.sim), smtpUrl, ...smtpPasswordForms(user, pass)], [sink]);
  });

  it('C1 unreachable (connection refused) on a first run: exit 3, one notice, no report', async () => {
    workspace = await createWorkspace(baseKeys(), { c1: { maxRetries: 0 } });
    sink = await startSmtpSink();
    await workspace.sim.close();

    const first = await workspace.audit({ asOf: T0, smtpUrl: sink.url() });
    expect(first.code, first.stderr).toBe(3);
    expect(sink.received).toHaveLength(1);
    expect(isNotice(sink.received[0]!.parsed.subject)).toBe(true);
    expect(existsSync(workspace.reportDir)).toBe(false);

    const second = await workspace.audit({ asOf: T0, smtpUrl: sink.url() });
    expect(second.code).toBe(3);
    expect(sink.received).toHaveLength(1);
  });

  it('a notice that could not be delivered is tried again by the next failing run', async () => {
    workspace = await createWorkspace(baseKeys(), { c1: { maxRetries: 0 } });
    sink = await startSmtpSink();
    const refusing = await startSmtpSink({ rejectData: true });
    try {
      breakC1();
      const undelivered = await workspace.audit({ asOf: T0, smtpUrl: refusing.url() });
      expect(undelivered.code, undelivered.stderr).toBe(3);
      expect(refusing.received).toHaveLength(0);

      breakC1();
      const delivered = await workspace.audit({ asOf: T0, smtpUrl: sink.url() });
      expect(delivered.code).toBe(3);
      expect(notices()).toBe(1);

      breakC1();
      await workspace.audit({ asOf: T0, smtpUrl: sink.url() });
      expect(sink.received).toHaveLength(1);
    } finally {
      await refusing.close();
    }
  });
});
