import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hygieneErrorOf } from '../helpers/hygiene-error.js';
import { writeReport } from '../../src/report/write.js';
import { sampleReport } from './sample-report.js';

let root: string;
let dir: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'c1-report-'));
  dir = join(root, 'nested', 'reports');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('writeReport', () => {
  it('writes the dated report and latest.json with identical content, mode 0640, no temp files left', async () => {
    const report = sampleReport();
    const written = await writeReport(report, { dir, keep: 30 });

    expect(written.path).toBe(join(dir, 'report-20261126T213316.123Z.json'));
    expect(written.latestPath).toBe(join(dir, 'latest.json'));
    expect(written.removed).toEqual([]);

    const dated = await readFile(written.path);
    const latest = await readFile(written.latestPath);
    expect(latest.equals(dated)).toBe(true);
    expect(JSON.parse(dated.toString('utf8'))).toEqual(report);

    expect((await stat(written.path)).mode & 0o777).toBe(0o640);
    expect((await stat(written.latestPath)).mode & 0o777).toBe(0o640);
    expect((await stat(dir)).mode & 0o007).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['latest.json', 'report-20261126T213316.123Z.json']);
  });

  it('sets the file mode exactly, whatever the umask', async () => {
    const previous = process.umask(0o077);
    try {
      const written = await writeReport(sampleReport(), { dir, keep: 30 });
      expect((await stat(written.path)).mode & 0o777).toBe(0o640);
      expect((await stat(written.latestPath)).mode & 0o777).toBe(0o640);
    } finally {
      process.umask(previous);
    }
  });

  it('replaces latest.json on the next run', async () => {
    await writeReport(sampleReport(), { dir, keep: 30 });
    const second = sampleReport({ runId: 'run-2', startedAt: '2026-11-27T07:00:00.000Z' });
    const written = await writeReport(second, { dir, keep: 30 });
    expect(written.path).toBe(join(dir, 'report-20261127T070000.000Z.json'));
    expect(JSON.parse(await readFile(written.latestPath, 'utf8'))).toMatchObject({ runId: 'run-2' });
  });

  it('removes the new dated report and leaves no temp file when latest.json cannot be replaced', async () => {
    // A non-empty directory at latest.json cannot be replaced by a file: the last step of the run fails.
    await mkdir(join(dir, 'latest.json'), { recursive: true });
    await writeFile(join(dir, 'latest.json', 'keep'), 'x');

    const error = await hygieneErrorOf(writeReport(sampleReport({ runId: 'run-2', startedAt: '2026-11-27T07:00:00.000Z' }), { dir, keep: 30 }));

    expect(error.code).toBe('REPORT_WRITE_FAILED');
    expect(error.message).toContain(join(dir, 'latest.json'));
    expect(await readFile(join(dir, 'latest.json', 'keep'), 'utf8')).toBe('x');
    expect(await readdir(dir)).toEqual(['latest.json']);
  });

  it('fails with REPORT_WRITE_FAILED naming the dated path when no dated name is free, leaving latest.json byte-identical', async () => {
    const first = await writeReport(sampleReport(), { dir, keep: 1000 });
    const before = await readFile(first.latestPath);
    const stamp = '20261127T070000.000Z';
    for (let attempt = 0; attempt < 100; attempt += 1) {
      await writeFile(join(dir, attempt === 0 ? `report-${stamp}.json` : `report-${stamp}-${attempt}.json`), 'taken');
    }

    const error = await hygieneErrorOf(writeReport(sampleReport({ startedAt: '2026-11-27T07:00:00.000Z' }), { dir, keep: 1000 }));

    expect(error.code).toBe('REPORT_WRITE_FAILED');
    expect(error.message).toContain(join(dir, `report-${stamp}.json`));
    expect((await readFile(first.latestPath)).equals(before)).toBe(true);
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('fails with REPORT_WRITE_FAILED when the report directory cannot be created', async () => {
    await writeFile(join(root, 'nested'), 'a file where a directory should be');
    const error = await hygieneErrorOf(writeReport(sampleReport(), { dir, keep: 30 }));
    expect(error.code).toBe('REPORT_WRITE_FAILED');
    expect(error.message).toContain(dir);
  });

  it('refuses a startedAt that is not a timestamp', async () => {
    const error = await hygieneErrorOf(writeReport(sampleReport({ startedAt: 'yesterday' }), { dir, keep: 30 }));
    expect(error.code).toBe('REPORT_WRITE_FAILED');
  });

  it('never overwrites an existing report with the same timestamp: adds a numeric suffix', async () => {
    const report = sampleReport();
    const first = await writeReport(report, { dir, keep: 30 });
    const firstBytes = await readFile(first.path);

    const second = await writeReport({ ...report, runId: 'run-2' }, { dir, keep: 30 });
    const third = await writeReport({ ...report, runId: 'run-3' }, { dir, keep: 30 });

    expect(second.path).toBe(join(dir, 'report-20261126T213316.123Z-1.json'));
    expect(third.path).toBe(join(dir, 'report-20261126T213316.123Z-2.json'));
    expect((await readFile(first.path)).equals(firstBytes)).toBe(true);
    expect(JSON.parse(await readFile(second.path, 'utf8'))).toMatchObject({ runId: 'run-2' });
    expect(JSON.parse(await readFile(third.latestPath, 'utf8'))).toMatchObject({ runId: 'run-3' });
  });

  it('keeps exactly `keep` newest reports and leaves unrelated files alone', async () => {
    await mkdir(dir, { recursive: true });
    const older = [
      'report-20261120T070000.000Z.json',
      'report-20261121T070000.000Z.json',
      'report-20261122T070000.000Z.json',
      'report-20261123T070000.000Z.json',
      'report-20261123T070000.000Z-1.json',
    ];
    for (const name of older) await writeFile(join(dir, name), '{}');
    const unrelated = ['notes.txt', 'report-final.json', 'report-20200101T000000.000Z.json.bak', '.report-20200101T000000.000Z.json.1.tmp'];
    for (const name of unrelated) await writeFile(join(dir, name), 'keep me');
    await mkdir(join(dir, 'report-20190101T000000.000Z.json'));

    const written = await writeReport(sampleReport(), { dir, keep: 3 });

    expect(written.removed.sort()).toEqual(
      ['report-20261120T070000.000Z.json', 'report-20261121T070000.000Z.json', 'report-20261122T070000.000Z.json'].map((name) => join(dir, name)),
    );
    const names = (await readdir(dir)).sort();
    expect(names).toEqual(
      [
        ...unrelated,
        'latest.json',
        'report-20190101T000000.000Z.json',
        'report-20261123T070000.000Z-1.json',
        'report-20261123T070000.000Z.json',
        'report-20261126T213316.123Z.json',
      ].sort(),
    );
    for (const name of unrelated) expect(await readFile(join(dir, name), 'utf8')).toBe('keep me');
  });

  it('never removes the report just written, even when it is not the newest by name', async () => {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'report-20301231T000000.000Z.json'), '{}');
    await writeFile(join(dir, 'report-20301230T000000.000Z.json'), '{}');

    const written = await writeReport(sampleReport(), { dir, keep: 2 });

    expect(written.removed).toEqual([join(dir, 'report-20301230T000000.000Z.json')]);
    expect((await readdir(dir)).sort()).toEqual(['latest.json', 'report-20261126T213316.123Z.json', 'report-20301231T000000.000Z.json']);
  });

  it('orders suffixed reports of one timestamp after the unsuffixed one when pruning', async () => {
    const report = sampleReport();
    await writeReport(report, { dir, keep: 30 });
    await writeReport(report, { dir, keep: 30 });
    const third = await writeReport(report, { dir, keep: 2 });
    expect(third.removed).toEqual([join(dir, 'report-20261126T213316.123Z.json')]);
  });
});

describe('writeReport with several formats', () => {
  const all = ['json', 'html', 'csv', 'ocsf'] as const;

  it('writes each format as report-<ts>.<ext> and latest.<ext>, the same bytes, mode 0640', async () => {
    const written = await writeReport(sampleReport(), { dir, keep: 30, formats: ['html', 'csv', 'ocsf'] });
    expect(written.files.map((file) => [file.format, basename(file.path), basename(file.latestPath)])).toEqual([
      ['json', 'report-20261126T213316.123Z.json', 'latest.json'],
      ['html', 'report-20261126T213316.123Z.html', 'latest.html'],
      ['csv', 'report-20261126T213316.123Z.csv', 'latest.csv'],
      ['ocsf', 'report-20261126T213316.123Z.ocsf.json', 'latest.ocsf.json'],
    ]);
    for (const file of written.files) {
      expect((await readFile(file.latestPath)).equals(await readFile(file.path))).toBe(true);
      expect((await stat(file.path)).mode & 0o777).toBe(0o640);
    }
    expect((await readFile(join(dir, 'latest.html'), 'utf8')).startsWith('<!doctype html>')).toBe(true);
    expect((await readFile(join(dir, 'latest.csv'), 'utf8')).startsWith('severity,ruleId,')).toBe(true);
    expect(JSON.parse(await readFile(join(dir, 'latest.ocsf.json'), 'utf8'))).toHaveLength(1);
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('gives every format of a run the suffix its JSON got when the name was taken', async () => {
    await writeReport(sampleReport(), { dir, keep: 30, formats: [...all] });
    const second = await writeReport(sampleReport({ runId: 'run-2' }), { dir, keep: 30, formats: [...all] });
    expect(second.files.map((file) => basename(file.path))).toEqual([
      'report-20261126T213316.123Z-1.json',
      'report-20261126T213316.123Z-1.html',
      'report-20261126T213316.123Z-1.csv',
      'report-20261126T213316.123Z-1.ocsf.json',
    ]);
  });

  it('counts runs for retention and removes every file of an old run together, whatever formats it had', async () => {
    await mkdir(dir, { recursive: true });
    for (const name of [
      'report-20261120T070000.000Z.json',
      'report-20261120T070000.000Z.html',
      'report-20261120T070000.000Z.ocsf.json',
      'report-20261121T070000.000Z.json',
      'report-20261121T070000.000Z.csv',
      'report-20261122T070000.000Z.json',
    ]) {
      await writeFile(join(dir, name), 'x');
    }
    await writeFile(join(dir, 'report-20261120T070000.000Z.pdf'), 'not ours');
    const written = await writeReport(sampleReport(), { dir, keep: 2, formats: ['html'] });
    expect(written.removed.map((path) => basename(path)).sort()).toEqual(
      ['report-20261120T070000.000Z.html', 'report-20261120T070000.000Z.json', 'report-20261120T070000.000Z.ocsf.json', 'report-20261121T070000.000Z.csv', 'report-20261121T070000.000Z.json'].sort(),
    );
    expect((await readdir(dir)).sort()).toEqual(
      ['latest.html', 'latest.json', 'report-20261120T070000.000Z.pdf', 'report-20261122T070000.000Z.json', 'report-20261126T213316.123Z.html', 'report-20261126T213316.123Z.json'].sort(),
    );
  });

  it('when a rendering cannot be written, removes this run\'s files and leaves latest.json as it was', async () => {
    const first = await writeReport(sampleReport(), { dir, keep: 30, formats: ['csv'] });
    const before = await readFile(first.latestPath);
    const second = sampleReport({ runId: 'run-2', startedAt: '2026-11-27T07:00:00.000Z' });
    // A non-empty directory at latest.csv cannot be replaced by a file: the CSV step of the run fails.
    await rm(join(dir, 'latest.csv'));
    await mkdir(join(dir, 'latest.csv'));
    await writeFile(join(dir, 'latest.csv', 'keep'), 'x');

    const error = await hygieneErrorOf(writeReport(second, { dir, keep: 30, formats: ['csv'] }));

    expect(error.code).toBe('REPORT_WRITE_FAILED');
    expect(error.message).toContain(join(dir, 'latest.csv'));
    expect((await readFile(first.latestPath)).equals(before)).toBe(true);
    expect((await readdir(dir)).filter((name) => name.startsWith('report-20261127'))).toEqual([]);
  });
});
