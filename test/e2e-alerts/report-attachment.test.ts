/**
 * The digest carries the run's HTML report: attached (the latest.html this
 * run wrote), or, when the report is published at `report.publicUrl`, a link
 * instead; never just a path on the audit host when the HTML exists.
 * Needs `npm run build` first (npm test does it).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../helpers/smtp-sink.js';
import { deployBot, newRobot, T0 } from './keys.js';
import { createWorkspace, mailedPairs, reportPairs, type Workspace } from './workspace.js';

const PUBLIC_URL = 'https://reports.example.com/c1/latest.html';

let workspace: Workspace;
let sink: SmtpSink;

afterEach(async () => {
  await sink.close();
  await workspace.close();
});

async function auditOnce(config: Record<string, unknown>): Promise<ReceivedMail> {
  workspace = await createWorkspace([deployBot(), newRobot()], config);
  sink = await startSmtpSink();
  const result = await workspace.audit({ asOf: T0, smtpUrl: sink.url() });
  expect(result.code, result.stderr).toBe(0);
  expect(sink.received).toHaveLength(1);
  return sink.received[0]!;
}

describe('the report in the digest', () => {
  it('attaches the HTML report this run wrote (latest.html) by default', async () => {
    const mail = await auditOnce({});
    const latestHtml = await readFile(join(workspace.reportDir, 'latest.html'));
    expect(mail.parsed.attachments).toHaveLength(1);
    const [attachment] = mail.parsed.attachments;
    expect(attachment!.filename).toMatch(/^c1-hygiene-report-\d{8}T\d{4}Z\.html$/);
    expect(attachment!.contentType).toBe('text/html');
    expect(attachment!.content.equals(latestHtml)).toBe(true);
    expect(mail.parsed.text).toContain(`Full report: attached (${attachment!.filename})`);
    expect(mail.parsed.text).not.toContain(workspace.reportDir);
    expect(mailedPairs(mail.parsed.text ?? '')).toEqual(reportPairs(await workspace.latestReport()));
  });

  it('links report.publicUrl instead of attaching', async () => {
    const mail = await auditOnce({ report: { publicUrl: PUBLIC_URL } });
    expect(mail.parsed.attachments).toEqual([]);
    expect(mail.parsed.text).toContain(`Full report: ${PUBLIC_URL}`);
    expect(String(mail.parsed.html)).toContain(`<a href="${PUBLIC_URL}">`);
    expect(mail.parsed.text).not.toContain(workspace.reportDir);
  });

  it('without an HTML report, attaches nothing and says where the JSON report is', async () => {
    const mail = await auditOnce({ report: { formats: ['json'] } });
    expect(mail.parsed.attachments).toEqual([]);
    expect(mail.parsed.text).toMatch(/^Full report: .*report-\d{8}T\d{6}\.\d{3}Z\.json \(on the audit host; the HTML report is attached only when `html` is among report\.formats\)$/m);
  });
});
