import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { link, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HygieneError } from '../../src/errors.js';
import { hygieneErrorOf } from '../helpers/hygiene-error.js';
import { writeRunFiles, type WriteRunOptions } from '../../src/report/run-files.js';
import { writeReport } from '../../src/report/write.js';
import { sampleReport } from './sample-report.js';

/**
 * "Write once": each rendering is written to its dated file only, and
 * `latest.<ext>` is a hard link to it (a copy where links fail).
 */

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'c1-run-files-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const KNOWN = ['json', 'csv', 'html', 'ocsf.json'];
const options = (extra: Partial<WriteRunOptions> = {}): WriteRunOptions => ({ dir, keep: 30, knownExtensions: KNOWN, ...extra });
const noLinks =
  (code: string) =>
  async (): Promise<void> => {
    throw Object.assign(new Error(`${code}: no links here`), { code });
  };

async function temps(): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.tmp'));
}

describe('latest.<ext> as a link to the dated file', () => {
  it('makes latest.json the same inode as the dated report (written once), mode 0640', async () => {
    const written = await writeReport(sampleReport(), { dir, keep: 30, formats: ['csv'] });
    for (const file of written.files) {
      const [dated, latest] = [await stat(file.path), await stat(file.latestPath)];
      expect(latest.ino).toBe(dated.ino);
      expect(dated.nlink).toBe(2);
      expect(latest.mode & 0o777).toBe(0o640);
    }
    expect(await temps()).toEqual([]);
  });

  it('latest.json survives retention removing its own dated file (keep 1): unlink only drops that name', async () => {
    const first = await writeRunFiles('20261120T070000.000Z', [{ extension: 'json', content: '{"run":1}\n' }], options({ keep: 1 }));
    // A later run whose first file is another format (so latest.json is not replaced), keep 1: run 1's dated JSON goes.
    const second = await writeRunFiles('20261121T070000.000Z', [{ extension: 'csv', content: 'run,2\n' }], options({ keep: 1 }));

    expect(second.removed).toEqual([first.files[0]!.path]);
    expect((await readdir(dir)).sort()).toEqual(['latest.csv', 'latest.json', 'report-20261121T070000.000Z.csv']);
    expect(await readFile(join(dir, 'latest.json'), 'utf8')).toBe('{"run":1}\n');
    expect((await stat(join(dir, 'latest.json'))).nlink).toBe(1);
  });

  it('latest.csv of an earlier run survives when a later run writes JSON only and retention (keep 1) removes that run', async () => {
    const first = await writeReport(sampleReport(), { dir, keep: 1, formats: ['csv'] });
    const csvBefore = await readFile(join(dir, 'latest.csv'));
    const second = await writeReport(sampleReport({ runId: 'run-2', startedAt: '2026-11-27T07:00:00.000Z' }), { dir, keep: 1 });

    expect(second.removed.map((path) => basename(path)).sort()).toEqual(first.files.map((file) => basename(file.path)).sort());
    expect((await readFile(join(dir, 'latest.csv'))).equals(csvBefore)).toBe(true);
    expect(JSON.parse(await readFile(join(dir, 'latest.json'), 'utf8'))).toMatchObject({ runId: 'run-2' });
  });

  it('replaces a symlink at latest.<ext> with the report itself and never writes or chmods what it pointed to', async () => {
    const victim = join(dir, 'victim');
    await writeFile(victim, 'precious', { mode: 0o644 });
    await symlink(victim, join(dir, 'latest.json'));
    await symlink(victim, join(dir, 'latest.csv'));

    const written = await writeReport(sampleReport(), { dir, keep: 30, formats: ['csv'] });

    for (const file of written.files) {
      expect((await lstat(file.latestPath)).isSymbolicLink()).toBe(false);
      expect((await readFile(file.latestPath)).equals(await readFile(file.path))).toBe(true);
    }
    expect(await readFile(victim, 'utf8')).toBe('precious');
    expect((await lstat(victim)).mode & 0o777).toBe(0o644);
  });

  for (const code of ['EPERM', 'EXDEV']) {
    it(`copies instead when links fail with ${code}: same bytes, own inode, mode 0640, no temp file left`, async () => {
      const written = await writeRunFiles(
        '20261120T070000.000Z',
        [
          { extension: 'json', content: '{"run":1}\n' },
          { extension: 'csv', content: 'run,1\n' },
        ],
        options({ link: noLinks(code) }),
      );
      for (const file of written.files) {
        const [dated, latest] = [await stat(file.path), await stat(file.latestPath)];
        expect(latest.ino).not.toBe(dated.ino);
        expect(latest.mode & 0o777).toBe(0o640);
        expect((await readFile(file.latestPath)).equals(await readFile(file.path))).toBe(true);
      }
      expect(await temps()).toEqual([]);
    });
  }

  it('any other link failure fails the run: this run\'s files removed, the previous latest.json byte-identical, no temp left', async () => {
    await writeRunFiles('20261120T070000.000Z', [{ extension: 'json', content: '{"run":1}\n' }], options());
    const before = await readFile(join(dir, 'latest.json'));
    let calls = 0;
    // The first latest (CSV, before JSON) links fine; JSON's fails with an I/O error.
    const flaky = async (existing: string, newPath: string): Promise<void> => {
      calls += 1;
      if (calls === 1) return link(existing, newPath);
      throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
    };

    let error: unknown;
    try {
      await writeRunFiles(
        '20261121T070000.000Z',
        [
          { extension: 'json', content: '{"run":2}\n' },
          { extension: 'csv', content: 'run,2\n' },
        ],
        options({ link: flaky }),
      );
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(HygieneError);
    expect((error as HygieneError).code).toBe('REPORT_WRITE_FAILED');
    expect((error as HygieneError).message).toContain(join(dir, 'latest.json'));
    expect((await readFile(join(dir, 'latest.json'))).equals(before)).toBe(true);
    expect((await readdir(dir)).filter((name) => name.startsWith('report-20261121'))).toEqual([]);
    expect(await temps()).toEqual([]);
  });
});

/**
 * The files of a run are rendered one after another and put in place
 * together: each goes to a temp name first (the next one is rendered while
 * it is fsynced), the first claims the run's name, the others take it.
 */
describe('writing the files of a run together', () => {
  const stamp = '20261121T070000.000Z';

  it('renders the next file only once every byte of the one before is written: never two renderings at once', async () => {
    const first = 'j'.repeat(3 * 1024 * 1024);
    let firstOnDisk = -1;
    function* second(): Generator<string> {
      // The first file, under its temp name or its own by now, holds all of it.
      const [name] = readdirSync(dir).filter((entry) => entry.includes(`report-${stamp}.json`));
      firstOnDisk = statSync(join(dir, name!)).size;
      yield 'h';
    }
    const written = await writeRunFiles(
      stamp,
      [
        { extension: 'json', content: [first] },
        { extension: 'html', content: second() },
      ],
      options(),
    );
    expect(firstOnDisk).toBe(first.length);
    expect(await readFile(written.files[1]!.latestPath, 'utf8')).toBe('h');
    expect(await temps()).toEqual([]);
  });

  it('a failure in a later file after the first claimed a suffixed name: the error names that file with the suffix, nothing of the run is left', async () => {
    await writeFile(join(dir, `report-${stamp}.json`), 'an earlier run');
    function* broken(): Generator<string> {
      yield '<html>';
      throw new Error('the HTML renderer failed');
    }

    const error = await hygieneErrorOf(
      writeRunFiles(
        stamp,
        [
          { extension: 'json', content: ['{"run":2}', '\n'] },
          { extension: 'html', content: broken() },
        ],
        options(),
      ),
    );

    expect(error.code).toBe('REPORT_WRITE_FAILED');
    expect(error.message).toContain(join(dir, `report-${stamp}-1.html`));
    expect((await readdir(dir)).sort()).toEqual([`report-${stamp}.json`]);
    expect(await readFile(join(dir, `report-${stamp}.json`), 'utf8')).toBe('an earlier run');
  });

  it('a later file that cannot take the run\'s name (a directory is there): the first file is removed again, every latest as it was', async () => {
    await writeRunFiles('20261120T070000.000Z', [{ extension: 'json', content: '{"run":1}\n' }, { extension: 'csv', content: 'run,1\n' }], options());
    await mkdir(join(dir, `report-${stamp}.csv`));
    await writeFile(join(dir, `report-${stamp}.csv`, 'keep'), 'x');
    const before = await Promise.all(['latest.json', 'latest.csv'].map((name) => readFile(join(dir, name))));

    const error = await hygieneErrorOf(
      writeRunFiles(
        stamp,
        [
          { extension: 'json', content: '{"run":2}\n' },
          { extension: 'csv', content: 'run,2\n' },
        ],
        options(),
      ),
    );

    expect(error.message).toContain(join(dir, `report-${stamp}.csv`));
    expect(await readFile(join(dir, `report-${stamp}.csv`, 'keep'), 'utf8')).toBe('x');
    expect(await readdir(dir)).not.toContain(`report-${stamp}.json`);
    const after = await Promise.all(['latest.json', 'latest.csv'].map((name) => readFile(join(dir, name))));
    expect(after.map((bytes, index) => bytes.equals(before[index]!))).toEqual([true, true]);
    expect(await temps()).toEqual([]);
  });

  it('when the first file fails, the files after it are not rendered at all', async () => {
    let secondRendered = false;
    function* first(): Generator<string> {
      yield '{';
      throw new Error('the JSON renderer failed');
    }
    function* second(): Generator<string> {
      secondRendered = true;
      yield 'h';
    }

    const error = await hygieneErrorOf(
      writeRunFiles(
        stamp,
        [
          { extension: 'json', content: first() },
          { extension: 'html', content: second() },
        ],
        options(),
      ),
    );

    expect(error.message).toContain(join(dir, `report-${stamp}.json`));
    expect(secondRendered).toBe(false);
    expect(await readdir(dir)).toEqual([]);
  });

  it('when the first file cannot be named (every name taken), the file being rendered meanwhile stops instead of running to its end', async () => {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      await writeFile(join(dir, attempt === 0 ? `report-${stamp}.json` : `report-${stamp}-${attempt}.json`), 'taken');
    }
    // As long as it is read: only the run's failure ends it early (a page of 256 MiB would otherwise be written).
    const total = 16_384;
    const chunk = 'h'.repeat(16 * 1024);
    let pulled = 0;
    function* second(): Generator<string> {
      for (; pulled < total; ) {
        pulled += 1;
        yield chunk;
      }
    }

    const error = await hygieneErrorOf(
      writeRunFiles(
        stamp,
        [
          { extension: 'json', content: '{"run":2}\n' },
          { extension: 'html', content: second() },
        ],
        options(),
      ),
    );

    expect(error.message).toContain(join(dir, `report-${stamp}.json`));
    expect(error.message).toContain('no free file name');
    expect(pulled).toBeLessThan(total);
    expect((await readdir(dir)).filter((name) => !name.endsWith('.json'))).toEqual([]);
  });

  it('a `latest` that cannot be replaced stops the ones after it: none is replaced after one failed', async () => {
    await writeRunFiles('20261120T070000.000Z', [{ extension: 'json', content: '{"run":1}\n' }, { extension: 'csv', content: 'run,1\n' }], options());
    await mkdir(join(dir, 'latest.html'));
    const before = await Promise.all(['latest.json', 'latest.csv'].map((name) => readFile(join(dir, name))));

    const error = await hygieneErrorOf(
      writeRunFiles(
        stamp,
        [
          { extension: 'json', content: '{"run":2}\n' },
          { extension: 'html', content: '<p>2</p>\n' },
          { extension: 'csv', content: 'run,2\n' },
        ],
        options(),
      ),
    );

    expect(error.message).toContain(join(dir, 'latest.html'));
    const after = await Promise.all(['latest.json', 'latest.csv'].map((name) => readFile(join(dir, name))));
    expect(after.map((bytes, index) => bytes.equals(before[index]!))).toEqual([true, true]);
    expect((await readdir(dir)).filter((name) => name.startsWith(`report-${stamp}`))).toEqual([]);
    expect(await temps()).toEqual([]);
  });

  it('removes the temp files a killed run left behind, once for the whole run', async () => {
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    const dead = child.pid as number;
    await new Promise((resolve) => child.once('exit', resolve));
    const host = hostname().replace(/[^A-Za-z0-9-]/g, '_').slice(0, 64) || 'host';
    const leftovers = [`.report-${stamp}.json.${host}.${dead}.0123456789ab.tmp`, `.latest.html.${host}.${dead}.ba9876543210.tmp`];
    for (const name of leftovers) await writeFile(join(dir, name), 'half');

    await writeRunFiles(
      stamp,
      [
        { extension: 'json', content: '{}\n' },
        { extension: 'html', content: ['<p>', '</p>'] },
      ],
      options(),
    );

    expect((await readdir(dir)).sort()).toEqual(['latest.html', 'latest.json', `report-${stamp}.html`, `report-${stamp}.json`]);
  });
});

