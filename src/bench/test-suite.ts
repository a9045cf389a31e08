/**
 * The test suite's wall time, for the benchmark's goals table: `vitest run`
 * as `npm test` runs it (the build is done once by `npm run bench` itself),
 * in a child process, its output discarded and its counts read from the
 * JSON results it writes. Opt-in (BENCH_TEST_SUITE=1): it takes minutes and
 * needs the repository checkout, not just `dist/`.
 */
import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export interface TestSuiteRun {
  ms: number;
  passed: number;
  failed: number;
}

/** Where the project's vitest configuration has the JSON reporter write its results (as `npm test` does). */
const RESULTS = join('test-results', 'results.json');

export async function measureTestSuite(cwd: string): Promise<TestSuiteRun> {
  const startedAt = Date.now();
  const start = performance.now();
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run'], { cwd, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'ignore', 'ignore'] });
    child.on('error', reject);
    child.on('close', resolve);
  });
  const ms = performance.now() - start;
  const path = join(cwd, RESULTS);
  if ((await stat(path)).mtimeMs < startedAt) throw new Error(`the test suite exited ${code} without writing ${RESULTS}`);
  const counts = JSON.parse(await readFile(path, 'utf8')) as { numPassedTests: number; numFailedTests: number };
  if (code !== 0 && counts.numFailedTests === 0) throw new Error(`the test suite exited ${code} without failed tests`);
  return { ms, passed: counts.numPassedTests, failed: counts.numFailedTests };
}
