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
  // The named command's module starts loading beside the argument parser
  // instead of after it: `main` asks for the same module and gets this load.
  // A command that fails to load fails there, where it is reported.
  const commandLoading = import('./cli/command-table.js').then(({ COMMANDS }) => COMMANDS.find((command) => command.name === argv[0])?.load());
  commandLoading.catch(() => undefined);
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
  const exitCode = await main(argv, {
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    clock: systemClock,
    signals: process,
    exitNow: (code) => endProcess(code),
  });
  await endProcess(exitCode);
}

/**
 * Ends the process once everything written to stdout and stderr has been
 * handed to the operating system. The command's work is done when `main`
 * resolves; a natural exit would then still tear down the whole heap first,
 * tens of milliseconds after a large audit, for nothing anyone reads.
 */
function endProcess(code: number): Promise<never> {
  return Promise.all([flushed(process.stdout), flushed(process.stderr)]).then(() => process.exit(code));
}

/** Resolves once what was written to `stream` before is flushed, or the stream can take no more. */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableEnded) resolve();
    else stream.write('', () => resolve());
  });
}
