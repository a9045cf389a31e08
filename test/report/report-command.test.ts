import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderCsv } from '../../src/report/render/csv.js';
import { renderHtml } from '../../src/report/render/html.js';
import { renderOcsf } from '../../src/report/render/ocsf.js';
import { runReportCommand, type ReportCommandOptions } from '../../src/report/report-command.js';
import type { AuditReport } from '../../src/report/types.js';
import { runCli } from '../helpers/cli.js';
import { finding } from '../lifecycle/sample-findings.js';
import { sampleReport } from './sample-report.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'c1-report-command-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const report: AuditReport = sampleReport({}, [finding({ firstSeenAt: '2026-11-26T21:33:16.000Z' })]);

async function run(options: Partial<ReportCommandOptions>, env: Record<string, string> = {}) {
  const out: string[] = [];
  const errors: string[] = [];
  const code = await runReportCommand(
    { input: null, format: 'csv', output: null, configPath: null, ...options },
    { env, cwd: dir, write: (text) => void out.push(text), printError: (text) => void errors.push(text) },
  );
  return { code, stdout: out.join(''), stderr: errors.join('\n') };
}

describe('c1-hygiene report', () => {
  it('renders a given JSON report in each format to stdout', async () => {
    await writeFile(join(dir, 'r.json'), JSON.stringify(report));
    expect(await run({ input: 'r.json', format: 'csv' })).toEqual({ code: 0, stdout: renderCsv(report), stderr: '' });
    expect((await run({ input: 'r.json', format: 'ocsf' })).stdout).toBe(renderOcsf(report));
    expect((await run({ input: 'r.json', format: 'html' })).stdout).toBe(renderHtml(report));
    expect(JSON.parse((await run({ input: 'r.json', format: 'json' })).stdout)).toEqual(report);
  });

  it('reads <report dir>/latest.json from the configuration by default', async () => {
    await mkdir(join(dir, 'out'));
    await writeFile(join(dir, 'out', 'latest.json'), JSON.stringify(report));
    expect(await run({ format: 'csv' }, { REPORT_DIR: 'out' })).toMatchObject({ code: 0, stdout: renderCsv(report) });
  });

  it('writes --output atomically, leaving no temp file', async () => {
    await writeFile(join(dir, 'r.json'), JSON.stringify(report));
    expect(await run({ input: 'r.json', format: 'html', output: 'page.html' })).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await readFile(join(dir, 'page.html'), 'utf8')).toBe(renderHtml(report));
    expect((await readdir(dir)).sort()).toEqual(['page.html', 'r.json']);
  });

  it('refuses what is not a report with exit 2, naming the file and what is wrong', async () => {
    const cases: [string, string, RegExp][] = [
      ['missing.json', '', /missing\.json is not a usable report: no such file/],
      ['text.json', 'hello', /text\.json is not a usable report: not JSON/],
      ['array.json', '[]', /array\.json is not a usable report: \(the whole document\)/],
      ['severity.json', JSON.stringify({ ...report, findings: [{ ...report.findings[0], severity: 'urgent' }] }), /findings\[0\]\.severity/],
      ['extra.json', JSON.stringify({ ...report, injected: 1 }), /\(the whole document\): Unrecognized key: "injected"/],
      ['version.json', JSON.stringify({ ...report, schemaVersion: 2 }), /schemaVersion/],
    ];
    for (const [name, content, message] of cases) {
      if (content !== '') await writeFile(join(dir, name), content);
      const result = await run({ input: name });
      expect({ name, code: result.code, stdout: result.stdout }).toEqual({ name, code: 2, stdout: '' });
      expect(result.stderr).toMatch(message);
    }
  });

  it('takes its flags from the command line and refuses a missing or unknown format', async () => {
    await writeFile(join(dir, 'r.json'), JSON.stringify(report));
    const written = await runCli(['report', '--format', 'ocsf', '--input', 'r.json', '--output', 'out.json'], { cwd: dir });
    expect({ code: written.code, stdout: written.stdout }).toEqual({ code: 0, stdout: '' });
    expect(await readFile(join(dir, 'out.json'), 'utf8')).toBe(renderOcsf(report));
    const usage: [string[], RegExp][] = [
      [['report'], /needs --format \(json, html, csv, ocsf\)/],
      [['report', '--format', 'pdf'], /--format "pdf" is not a report format/],
      [['report', '--format', 'csv', '--output', ''], /--output needs a file path/],
      [['audit', '--format', 'csv'], /--format does not apply to "audit"/],
    ];
    for (const [args, message] of usage) {
      const result = await runCli(args, { cwd: dir });
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.errorText).toMatch(message);
    }
  });

  it('runs from the command line: stdout for a good report, exit 2 for a bad one', async () => {
    await writeFile(join(dir, 'r.json'), JSON.stringify(report));
    await writeFile(join(dir, 'bad.json'), '{}');
    const good = await runCli(['report', '--input', 'r.json', '--format', 'csv'], { cwd: dir });
    expect({ code: good.code, stdout: good.stdout, stderr: good.stderr }).toEqual({ code: 0, stdout: renderCsv(report), stderr: '' });
    const bad = await runCli(['report', '--input', 'bad.json', '--format', 'csv'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.errorText).toMatch(/bad\.json is not a usable report: schemaVersion/);
  });
});
