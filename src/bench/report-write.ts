/**
 * Writing the report of a large tenant: the streamed writer (`writeReport`,
 * each format rendered chunk by chunk while it is written) against the way
 * it was written before (every format rendered to one string first, then
 * each string written), on the same report in the same run. Time, and how
 * far the heap and the resident set grew above what the report itself takes.
 *
 * Peaks are sampled while each write runs (see `startSamplers`).
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { ReportFormat } from '../report/formats.js';
import { formatsToWrite, RENDERERS } from '../report/render/index.js';
import { writeRunFiles } from '../report/run-files.js';
import type { AuditReport } from '../report/types.js';
import { fileStamp, writeReport } from '../report/write.js';

export interface ReportWriteMeasurement {
  ms: number;
  /** Peak heap used above the heap before the write (the report included in both). */
  heapGrowth: number;
  /** Peak resident set above the resident set before the write. */
  rssGrowth: number;
  bytes: number;
}

export interface ReportWriteComparison {
  keys: number;
  formats: ReportFormat[];
  rounds: number;
  streamed: ReportWriteMeasurement;
  oneString: ReportWriteMeasurement;
}

/**
 * `count` keys made from the report's own clients and findings (each copy
 * with its own ids), so a 100,000-key report can be written without
 * auditing 100,000 keys first.
 */
export function scaleReport(report: AuditReport, count: number): AuditReport {
  if (report.clients.length === 0) throw new Error('cannot scale a report without clients');
  const copy = (id: string, n: number): string => `${id}~${n}`;
  const clients = Array.from({ length: count }, (_, n) => {
    const client = report.clients[n % report.clients.length]!;
    return { ...client, id: copy(client.id, Math.floor(n / report.clients.length)), clientId: copy(client.clientId, n) };
  });
  const rounds = Math.ceil(count / report.clients.length);
  const findings = [];
  for (let n = 0; n < rounds; n += 1) {
    for (const finding of report.findings) findings.push({ ...finding, credentialId: copy(finding.credentialId, n), fingerprint: copy(finding.fingerprint, n) });
  }
  return { ...report, clients, findings, summary: { ...report.summary, clientsScanned: count, findings: findings.length } };
}

/** Streamed first in each round: the old way's freed memory would otherwise be there for the streamed writer to reuse unseen. */
export async function compareReportWrites(report: AuditReport, options: { dir: string; formats: readonly ReportFormat[]; rounds: number }): Promise<ReportWriteComparison> {
  const formats = formatsToWrite(options.formats);
  const samplers = startSamplers();
  const streamed: ReportWriteMeasurement[] = [];
  const oneString: ReportWriteMeasurement[] = [];
  try {
    for (let round = 0; round < options.rounds; round += 1) {
      streamed.push(await measureWrite(samplers, options.dir, (dir) => writeStreamed(report, dir, formats)));
      oneString.push(await measureWrite(samplers, options.dir, (dir) => writeOneString(report, dir, formats)));
    }
  } finally {
    await samplers.stop();
  }
  return { keys: report.clients.length, formats, rounds: options.rounds, streamed: summarise(streamed), oneString: summarise(oneString) };
}

/** The median time; the largest growth seen (memory is the concern, so the worst round counts). */
function summarise(runs: ReportWriteMeasurement[]): ReportWriteMeasurement {
  const times = runs.map((run) => run.ms).sort((a, b) => a - b);
  return {
    ms: times[Math.floor(times.length / 2)]!,
    heapGrowth: Math.max(...runs.map((run) => run.heapGrowth)),
    rssGrowth: Math.max(...runs.map((run) => run.rssGrowth)),
    bytes: runs[0]!.bytes,
  };
}

async function measureWrite(samplers: Samplers, parent: string, write: (dir: string) => Promise<number>): Promise<ReportWriteMeasurement> {
  const dir = await mkdtemp(join(parent, 'report-write-'));
  try {
    globalThis.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const heapBefore = process.memoryUsage().heapUsed;
    const rssBefore = process.memoryUsage.rss();
    samplers.reset();
    const start = performance.now();
    const bytes = await write(dir);
    const ms = performance.now() - start;
    return { ms, heapGrowth: Math.max(0, samplers.heapPeak() - heapBefore), rssGrowth: Math.max(0, samplers.rssPeak() - rssBefore), bytes };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What the audit does now. */
async function writeStreamed(report: AuditReport, dir: string, formats: ReportFormat[]): Promise<number> {
  const written = await writeReport(report, { dir, keep: 1, formats });
  return sizes(written.files.map((file) => file.path));
}

/** What the audit did before: every format rendered to one string, then the strings written, each to its dated file. */
async function writeOneString(report: AuditReport, dir: string, formats: ReportFormat[]): Promise<number> {
  const files = formats.map((format) => ({ extension: RENDERERS[format].extension, content: RENDERERS[format].render(report) }));
  const knownExtensions = Object.values(RENDERERS).map((renderer) => renderer.extension);
  const written = await writeRunFiles(fileStamp(report.startedAt), files, { dir, keep: 1, knownExtensions });
  return sizes(written.files.map((file) => file.path));
}

async function sizes(paths: string[]): Promise<number> {
  let total = 0;
  for (const path of paths) total += (await stat(path)).size;
  return total;
}

interface Samplers {
  reset(): void;
  heapPeak(): number;
  rssPeak(): number;
  stop(): Promise<void>;
}

/**
 * The heap, sampled every millisecond on the main thread: both writers
 * await their file writes, and while they do, every rendered string that is
 * still needed is alive. The resident set, sampled every millisecond by a
 * worker thread (it is the process's), sees rendering peaks too.
 */
function startSamplers(): Samplers {
  const rss = new BigInt64Array(new SharedArrayBuffer(8));
  const worker = new Worker(
    `const { workerData } = require('node:worker_threads');
     const peak = new BigInt64Array(workerData);
     setInterval(() => {
       const now = BigInt(process.memoryUsage.rss());
       const seen = Atomics.load(peak, 0);
       // A reset between the load and the exchange wins: this sample is dropped.
       if (now > seen) Atomics.compareExchange(peak, 0, seen, now);
     }, 1);`,
    { eval: true, workerData: rss.buffer },
  );
  let heap = 0;
  const timer = setInterval(() => {
    heap = Math.max(heap, process.memoryUsage().heapUsed);
  }, 1);
  return {
    reset() {
      heap = 0;
      Atomics.store(rss, 0, 0n);
    },
    heapPeak: () => Math.max(heap, process.memoryUsage().heapUsed),
    rssPeak: () => Math.max(Number(Atomics.load(rss, 0)), process.memoryUsage.rss()),
    async stop() {
      clearInterval(timer);
      await worker.terminate();
    },
  };
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** The comparison's lines for `npm run bench`: each way, then the streamed writer as a ratio to the old one. */
export function formatReportWriteRows(result: ReportWriteComparison): string[] {
  const what = result.formats.join('+');
  const row = (label: string, run: ReportWriteMeasurement): string =>
    `${label.padEnd(44)} ${String(result.keys).padStart(7)} keys  ${run.ms.toFixed(0).padStart(6)} ms  ` +
    `heap +${mib(run.heapGrowth)}  rss +${mib(run.rssGrowth)}  (${mib(run.bytes)} written)`;
  const ratio = (a: number, b: number): string => (b > 0 ? `${(a / b).toFixed(2)}×` : '—');
  return [
    row(`write report (${what}), streamed`, result.streamed),
    row(`write report (${what}), one string each`, result.oneString),
    `${'  streamed vs one string'.padEnd(44)} time ${ratio(result.streamed.ms, result.oneString.ms)}, ` +
      `heap growth ${ratio(result.streamed.heapGrowth, result.oneString.heapGrowth)}, rss growth ${ratio(result.streamed.rssGrowth, result.oneString.rssGrowth)} ` +
      `(median time, largest growth of ${result.rounds} round${result.rounds === 1 ? '' : 's'})`,
  ];
}
