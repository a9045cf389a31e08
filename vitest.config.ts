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
    // The JSON results let CI print a one-line "N passed, N failed" summary.
    reporters: ['default', ['json', { outputFile: 'test-results/results.json' }]],
  },
});
