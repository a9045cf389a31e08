#!/usr/bin/env node
/**
 * The `c1-hygiene` executable: hands the process's arguments, environment
 * and streams to the in-process entry point and exits with its code. It
 * loads only the command table; each command loads its own code.
 */
import type { printLine as PrintLine } from './cli/io.js';
import type { Clock } from './clock.js';

/**
 * Node prints its own warnings (a dependency's deprecation, say) as plain
 * text; stderr promises JSON lines to whatever reads it, so off a terminal
 * they become warn-level log lines instead.
 */
function warningsAsLogLines(clock: Clock, printLine: typeof PrintLine): void {
  if (process.stderr.isTTY || process.env.NODE_NO_WARNINGS === '1') return;
  process.removeAllListeners('warning');
  process.on('warning', (warning: Error & { code?: string }) => {
    const line = { level: 40, time: clock().toISOString(), name: 'c1-hygiene', warning: warning.name, code: warning.code, msg: warning.message };
    printLine(process.stderr, JSON.stringify(line));
  });
}

const argv = process.argv.slice(2);
if (argv.length === 1 && argv[0] === '--version') {
  // Scripts and health checks probe the tool with a bare `--version`: it is
  // answered before the argument parser and the command table are loaded.
  // `main` gives the same answer to every other spelling (`audit --version`).
  const { TOOL_NAME, TOOL_VERSION } = await import('./version.js');
  process.stdout.write(`${TOOL_NAME} ${TOOL_VERSION}\n`);
} else {
  const [{ systemClock }, { printLine }, { main }, { limitHeapGrowth }, { limitCompilerTier }] = await Promise.all([
    import('./clock.js'),
    import('./cli/io.js'),
    import('./cli/main.js'),
    import('./runtime/heap-growth.js'),
    import('./runtime/compiler-tier.js'),
  ]);
  limitHeapGrowth();
  limitCompilerTier();
  warningsAsLogLines(systemClock, printLine);
  process.exitCode = await main(argv, {
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    clock: systemClock,
    signals: process,
    exitNow: (code) =>
      new Promise<never>(() => {
        process.stdout.write('', () => process.exit(code));
      }),
  });
}
