import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it('captures the alert email as an .eml file and prints where everything went', async () => {
    const mails = await readdir(join(dir, 'out', 'mail'));
    expect(mails).toHaveLength(1);
    expect(result.stdout).toContain(join('out', 'mail', mails[0]!));
    expect(result.stdout).toContain(join('out', 'reports', 'latest.json'));
    const parsed = await simpleParser(await readFile(join(dir, 'out', 'mail', mails[0]!)));
    expect(parsed.subject).toMatch(/acme\.conductor\.one: \d+ credential findings need attention \(highest: critical\)/);
    expect(parsed.text).toContain('laptop token (do not share)');
    // The sample display name with markup arrives escaped in the HTML part.
    expect(parsed.html).toContain('build &lt;bot&gt; &amp; &quot;friends&quot;');
    expect(parsed.html).not.toContain('<bot>');
  });

  it('starts fresh each time, so a second demo sends the alert again', async () => {
    const again = await launchCli(['demo', '--output-dir', join(dir, 'out')], { cwd: dir, env: {} });
    expect(again.code).toBe(0);
    expect(await readdir(join(dir, 'out', 'mail'))).toHaveLength(2);
  });
});
