import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAtLeast } from '../../src/severity.js';
import type { AuditReport } from '../../src/report/types.js';
import { RULE_IDS } from '../../src/rules/ids.js';
import { launchCli, type CliResult } from '../helpers/cli.js';

describe('demo', () => {
  let dir: string;
  let result: CliResult;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'c1-hygiene-demo-'));
    // No C1 or SMTP variables at all: the demo brings its own peers.
    result = await launchCli(['demo', '--output-dir', join(dir, 'out')], { cwd: dir, env: {} });
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs a complete audit with every rule firing and clean keys beside them', async () => {
    expect(result.code).toBe(0);
    const report = JSON.parse(await readFile(join(dir, 'out', 'reports', 'latest.json'), 'utf8')) as AuditReport;
    for (const rule of RULE_IDS) expect({ rule, count: report.summary.byRule[rule] }).toEqual({ rule, count: expect.any(Number) });
    const silent = RULE_IDS.filter((rule) => (report.summary.byRule[rule] ?? 0) === 0);
    expect(silent).toEqual([]);
    expect(report.clients.filter((c) => c.findings.length === 0).length).toBeGreaterThanOrEqual(2);
    expect(report.summary.clientsDeleted).toBe(1);
  });

  it('writes the report in all four formats and prints where the HTML report is', async () => {
    const names = await readdir(join(dir, 'out', 'reports'));
    for (const latest of ['latest.json', 'latest.html', 'latest.csv', 'latest.ocsf.json']) expect(names).toContain(latest);
    expect(names.filter((name) => name.startsWith('report-'))).toHaveLength(4);
    expect(result.stdout).toContain(`HTML report:    ${join('out', 'reports', 'latest.html')}`);
    expect(await readFile(join(dir, 'out', 'reports', 'latest.html'), 'utf8')).toContain('build &lt;bot&gt; &amp; &quot;friends&quot;');
  });

  it('audits the whole tenant: keys of several owners, the disabled owner\'s keys flagged', async () => {
    const report = JSON.parse(await readFile(join(dir, 'out', 'reports', 'latest.json'), 'utf8')) as AuditReport;
    expect(result.stdout).toMatch(/every user's keys .*\(tenant scope, \d+ owners\)/);
    expect(new Set(report.clients.map((c) => c.owner?.email)).size).toBeGreaterThanOrEqual(3);
    expect(report.clients.every((c) => c.owner?.email?.endsWith('@acme.example'))).toBe(true);
    const inactive = report.findings.filter((f) => f.ruleId === 'owner-inactive');
    expect(inactive.length).toBeGreaterThan(0);
    expect(inactive.every((f) => f.owner?.status === 'DISABLED')).toBe(true);
  });

  it('captures the admin digest and one digest per enabled owner as .eml files and prints where everything went', async () => {
    const mails = await readdir(join(dir, 'out', 'mail'));
    const parsed = await Promise.all(mails.map(async (name) => ({ name, mail: await simpleParser(await readFile(join(dir, 'out', 'mail', name))) })));
    const recipients = (mail: (typeof parsed)[number]['mail']): string[] =>
      [mail.to].flat().flatMap((to) => to?.value.map((address) => address.address ?? '') ?? []);
    // The disabled owner (Jordan Lee) is not mailed: their keys are in the admin digest.
    expect(parsed.map(({ mail }) => recipients(mail)).flat().sort()).toEqual(
      ['amara.okafor@acme.example', 'marco.rossi@acme.example', 'priya.patel@acme.example', 'security-team@example.com'],
    );
    for (const name of mails) expect(result.stdout).toContain(join('out', 'mail', name));
    expect(result.stdout).toContain(join('out', 'reports', 'latest.json'));

    const admin = parsed.find(({ mail }) => recipients(mail).includes('security-team@example.com'))!.mail;
    expect(admin.subject).toMatch(/acme\.conductor\.one: \d+ credential findings need attention \(highest: critical\)/);
    expect(admin.text).toContain('laptop token (do not share)');
    expect(admin.text).toContain('Jordan Lee');
    // The sample display name with markup arrives escaped in the HTML part.
    expect(admin.html).toContain('build &lt;bot&gt; &amp; &quot;friends&quot;');
    expect(admin.html).not.toContain('<bot>');

    // An owner's digest names only their own keys (those with findings at or above the default minSeverity, medium).
    const report = JSON.parse(await readFile(join(dir, 'out', 'reports', 'latest.json'), 'utf8')) as AuditReport;
    const priya = parsed.find(({ mail }) => recipients(mail).includes('priya.patel@acme.example'))!.mail;
    const alerted = report.findings.filter((finding) => isAtLeast(finding.severity, 'medium'));
    expect(alerted.some((finding) => finding.owner?.email === 'priya.patel@acme.example')).toBe(true);
    for (const finding of alerted) {
      if (finding.owner?.email === 'priya.patel@acme.example') expect(priya.text).toContain(finding.clientId);
      else if (!report.findings.some((mine) => mine.owner?.email === 'priya.patel@acme.example' && mine.clientId === finding.clientId)) {
        expect(priya.text).not.toContain(finding.clientId);
      }
    }
  });

  it('delivers one signed webhook per the contract to its local receiver and prints where it went', async () => {
    const files = await readdir(join(dir, 'out', 'webhook'));
    expect(files).toEqual(['webhook-1.json']);
    expect(result.stdout).toContain(join('out', 'webhook', 'webhook-1.json'));
    const captured = JSON.parse(await readFile(join(dir, 'out', 'webhook', 'webhook-1.json'), 'utf8')) as {
      deliveryId: string;
      signatureValid: boolean;
      body: Record<string, unknown> & { due: Record<string, unknown>[]; resolved: unknown[] };
    };
    // The receiver checked the HMAC-SHA256 of the raw body with its own key before answering 204.
    expect(captured.signatureValid).toBe(true);
    const { body } = captured;
    expect(Object.keys(body).sort()).toEqual(['asOf', 'deliveryId', 'due', 'resolved', 'runId', 'schemaVersion', 'tenant', 'type']);
    expect(body).toMatchObject({ schemaVersion: 1, type: 'c1-hygiene.alert', tenant: 'acme.conductor.one', deliveryId: captured.deliveryId, resolved: [] });
    const report = JSON.parse(await readFile(join(dir, 'out', 'reports', 'latest.json'), 'utf8')) as AuditReport;
    expect(body.runId).toBe(report.runId);
    expect(body.due.length).toBeGreaterThan(0);
    for (const due of body.due) {
      expect(due).toMatchObject({ ruleId: expect.any(String), severity: expect.stringMatching(/^(medium|high|critical)$/), reason: expect.any(String) });
    }
    // The receiver's URL (its path is the credential) and key are nowhere in what the demo printed or wrote.
    expect(result.stdout + result.stderr).not.toMatch(/\/hooks\/[0-9a-f]{24}/);
  });

  it('starts fresh each time, so a second demo sends the alert again', async () => {
    const again = await launchCli(['demo', '--output-dir', join(dir, 'out')], { cwd: dir, env: {} });
    expect(again.code).toBe(0);
    expect(await readdir(join(dir, 'out', 'mail'))).toHaveLength(8);
    // The webhook directory is cleared with the state, so it shows this run's delivery only.
    expect(await readdir(join(dir, 'out', 'webhook'))).toEqual(['webhook-1.json']);
  });
});
