import { readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HygieneError } from '../../src/errors.js';
import { hygieneErrorOf } from '../helpers/hygiene-error.js';
import { WRITE_BUFFER_BYTES } from '../../src/fs/write-chunks.js';
import { REPORT_FORMATS } from '../../src/report/formats.js';
import { RENDERERS } from '../../src/report/render/index.js';
import { writeRunFiles } from '../../src/report/run-files.js';
import type { AuditReport } from '../../src/report/types.js';
import { writeReport, type WrittenReport } from '../../src/report/write.js';
import { auditTwice, type AuditedRuns } from './audited-reports.js';
import { writeReportOldWay } from './oracle/write.js';
import { arbitraryReport } from './report-arbitrary.js';
import { sampleReport } from './sample-report.js';

/**
 * The streamed report writer against the writer it replaced (the frozen copy
 * in ./oracle: every format rendered to one string, then written): the same
 * file names and the same bytes, for real audits of the demo's keys, for a
 * report large enough to fill the writer's buffers more than once, and for generated
 * reports full of hostile text. And a rendering that fails half-way leaves
 * nothing behind.
 */

const ALL = [...REPORT_FORMATS];

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'c1-stream-writer-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Every file of both runs has the same name and the same bytes, dated and latest alike. */
async function expectSameFiles(streamed: WrittenReport, old: WrittenReport): Promise<void> {
  const names = (written: WrittenReport): string[][] => written.files.map((file) => [file.format, basename(file.path), basename(file.latestPath)]);
  expect(names(streamed)).toEqual(names(old));
  for (const [index, file] of streamed.files.entries()) {
    const expected = await readFile(old.files[index]!.path);
    const actual = await readFile(file.path);
    expect(actual.length).toBe(expected.length);
    expect(actual.equals(expected)).toBe(true);
    expect((await readFile(file.latestPath)).equals(expected)).toBe(true);
  }
}

/** The same report written by both writers into two fresh directories. */
async function writeBoth(report: AuditReport, name: string): Promise<{ streamed: WrittenReport; old: WrittenReport }> {
  const streamed = await writeReport(report, { dir: join(root, `${name}-streamed`), keep: 30, formats: ALL });
  const old = await writeReportOldWay(report, { dir: join(root, `${name}-old`), keep: 30, formats: ALL });
  return { streamed, old };
}

/** `count` keys made from the report's own clients and findings, each copy with its own ids. */
function scaled(report: AuditReport, count: number): AuditReport {
  const copy = (id: string, n: number): string => `${id}~${n}`;
  const clients = Array.from({ length: count }, (_, n) => {
    const client = report.clients[n % report.clients.length]!;
    return { ...client, id: copy(client.id, n), clientId: copy(client.clientId, n), displayName: `${client.displayName} #${n}` };
  });
  const rounds = Math.ceil(count / report.clients.length);
  const findings = Array.from({ length: rounds }, (_, n) =>
    report.findings.map((finding) => ({ ...finding, credentialId: copy(finding.credentialId, n), fingerprint: copy(finding.fingerprint, n), displayName: `${finding.displayName} #${n}` })),
  ).flat();
  return { ...report, clients, findings, summary: { ...report.summary, clientsScanned: count, findings: findings.length } };
}

describe('the streamed writer writes exactly what the one-string writer wrote', () => {
  let runs: AuditedRuns;
  beforeAll(async () => {
    runs = await auditTwice({
      formats: ALL,
      extraKeys: (now) => [
        {
          id: 'hostile-</script>',
          clientId: 'hostile@acme.conductor.one/pcc',
          displayName: '</script><script>alert(1)</script> \u202eevil\u0007 😀 "quoted", =SUM(A1)\r\nnext',
          createdAt: new Date(now.getTime() - 864e5 * 400).toISOString(),
          allowSourceCidr: ['0.0.0.0/0'],
        },
      ],
    });
  });
  afterAll(async () => {
    await runs.cleanup();
  });

  it('for both audits of the demo keys: every format, same names, same bytes', async () => {
    expect(runs.written).toHaveLength(2);
    for (const [index, { report, path }] of runs.written.entries()) {
      // The audit's own files, written by the streamed writer during the audit.
      const dated = (format: (typeof ALL)[number]): string => path.replace(/\.json$/, `.${RENDERERS[format].extension}`);
      const old = await writeReportOldWay(report, { dir: join(root, `audit-${index}`), keep: 30, formats: ALL });
      for (const file of old.files) {
        expect(basename(dated(file.format))).toBe(basename(file.path));
        expect((await readFile(dated(file.format))).equals(await readFile(file.path))).toBe(true);
      }
    }
    // The second audit resolved findings and the hostile key is in it: the comparison covered those sections.
    expect(runs.written[1]!.report.resolved.length).toBeGreaterThan(0);
    expect(runs.written[1]!.report.clients.some((client) => client.id === 'hostile-</script>')).toBe(true);
  });

  it('for the demo audit scaled to 700 keys, written buffer after buffer', async () => {
    const report = scaled(runs.written[1]!.report, 700);
    const { streamed, old } = await writeBoth(report, 'large');
    await expectSameFiles(streamed, old);
    // The JSON alone fills more than one of the writer's buffers.
    expect(statSync(streamed.path).size).toBeGreaterThan(WRITE_BUFFER_BYTES);
  });
});

describe('property: generated reports', () => {
  it('every format, byte for byte, for reports full of hostile text, empty arrays and nulls', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(arbitraryReport(), async (report) => {
        run += 1;
        const { streamed, old } = await writeBoth(report, `run-${run}`);
        await expectSameFiles(streamed, old);
      }),
      { numRuns: 20 },
    );
  });
});

describe('a rendering that fails half-way', () => {
  const dir = (): string => join(root, 'reports');
  const previous = sampleReport({ runId: 'run-1', startedAt: '2026-11-25T07:00:00.000Z' });
  const next = { runId: 'run-2', startedAt: '2026-11-26T07:00:00.000Z' };

  async function snapshot(): Promise<Map<string, Buffer>> {
    const files = new Map<string, Buffer>();
    for (const name of (await readdir(dir())).sort()) files.set(name, await readFile(join(dir(), name)));
    return files;
  }

  it('in the JSON, after megabytes of it are on disk: REPORT_WRITE_FAILED naming the file, no partial file anywhere, latest untouched', async () => {
    await writeReport(previous, { dir: dir(), keep: 30, formats: ALL });
    const before = await snapshot();
    const big = scaled({ ...sampleReport(), clients: [client('k')], findings: [sampleReport().findings[0]!] }, 6_000);
    // The last finding cannot be serialised (a BigInt): JSON.stringify throws when the writer gets to it.
    const last = big.findings.length - 1;
    const broken = { ...big, ...next, findings: big.findings.map((finding, index) => (index === last ? { ...finding, evidence: { n: 1n } } : finding)) };

    const error = await hygieneErrorOf(writeReport(broken, { dir: dir(), keep: 30, formats: ALL }));

    expect(error.code).toBe('REPORT_WRITE_FAILED');
    expect(error.message).toContain(join(dir(), 'report-20261126T070000.000Z.json'));
    expect(error.cause).toBeInstanceOf(TypeError);
    expect(await snapshot()).toEqual(before);
  });

  it('in the HTML, after the JSON was written in full: this run\'s JSON is removed again and every latest is as it was', async () => {
    await writeReport(previous, { dir: dir(), keep: 30, formats: ALL });
    const before = await snapshot();
    const report: AuditReport = { ...sampleReport(), ...next };
    // JSON reads the remediation once; the HTML, reading it next, fails.
    let reads = 0;
    const finding = { ...report.findings[0]! };
    Object.defineProperty(finding, 'remediation', {
      enumerable: true,
      get: () => {
        reads += 1;
        if (reads > 1) throw new Error('the HTML renderer failed');
        return 'Rotate the key.';
      },
    });

    const error = await hygieneErrorOf(writeReport({ ...report, findings: [finding] }, { dir: dir(), keep: 30, formats: ALL }));

    expect(reads).toBe(2);
    expect(error.code).toBe('REPORT_WRITE_FAILED');
    expect(error.message).toContain(join(dir(), 'report-20261126T070000.000Z.html'));
    expect((error.cause as Error).message).toBe('the HTML renderer failed');
    expect(await snapshot()).toEqual(before);
  });

  it('checked from inside: the temp file holds data when the producer throws, and is gone afterwards', async () => {
    await mkdir(dir());
    let seen: { name: string; size: number }[] = [];
    function* chunks(): Generator<string> {
      for (let i = 0; i < 4_000; i += 1) yield `${'x'.repeat(1023)}\n`;
      seen = readdirSync(dir())
        .filter((name) => name.endsWith('.tmp'))
        .map((name) => ({ name, size: statSync(join(dir(), name)).size }));
      throw new Error('producer failed');
    }

    let error: unknown;
    try {
      await writeRunFiles('20261126T070000.000Z', [{ extension: 'json', content: chunks() }], { dir: dir(), keep: 30, knownExtensions: ['json'] });
    } catch (caughtError) {
      error = caughtError;
    }

    expect(seen).toHaveLength(1);
    expect(seen[0]!.size).toBeGreaterThan(1024 * 1024);
    expect((error as HygieneError).code).toBe('REPORT_WRITE_FAILED');
    expect(await readdir(dir())).toEqual([]);
  });
});

function client(id: string): AuditReport['clients'][number] {
  return {
    id,
    clientId: `${id}@acme.conductor.one/pcc`,
    displayName: `key ${id}`,
    userId: null,
    owner: null,
    createdAt: null,
    expiresTime: null,
    lastUsedAt: null,
    allowSourceCidr: ['0.0.0.0/0'],
    scopedRoles: [],
    invalidFields: [],
    findings: ['no-expiry'],
  };
}
