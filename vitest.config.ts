import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every test must assert something (expect.hasAssertions in a beforeEach).
    setupFiles: ['test/setup/has-assertions.ts'],
    // Tests start real HTTP and SMTP servers and child processes; give them room on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Two workers even on 2 cores (the default there is one): much of a test's
    // time is spent waiting on sockets, child processes and Chromium, which
    // the other worker can use.
    maxWorkers: 2,
    // A worker keeps its loaded modules from one test file to the next. Most
    // files run the CLI in process, and loading its module graph afresh for
    // each file cost more than the tests themselves. Safe because no test
    // mocks modules or changes process-wide state (env, cwd, listeners) it
    // does not restore; each file still gets its own test-file module.
    isolate: false,
    // The JSON results let CI print a one-line "N passed, N failed" summary.
    reporters: ['default', ['json', { outputFile: 'test-results/results.json' }]],
  },
});
