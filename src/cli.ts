#!/usr/bin/env node
/**
 * The `c1-hygiene` executable: hands the process's arguments, environment
 * and streams to the in-process entry point and exits with its code. It
 * imports only the command table; each command loads its own code.
 */
import { systemClock } from './clock.js';
import { printLine } from './cli/io.js';
import { main } from './cli/main.js';

/**
 * Node prints its own warnings (a dependency's deprecation, say) as plain
 * text; stderr promises JSON lines to whatever reads it, so off a terminal
 * they become warn-level log lines instead.
 */
function warningsAsLogLines(): void {
  if (process.stderr.isTTY || process.env.NODE_NO_WARNINGS === '1') return;
  process.removeAllListeners('warning');
  process.on('warning', (warning: Error & { code?: string }) => {
    const line = { level: 40, time: systemClock().toISOString(), name: 'c1-hygiene', warning: warning.name, code: warning.code, msg: warning.message };
    printLine(process.stderr, JSON.stringify(line));
  });
}

warningsAsLogLines();
process.exitCode = await main(process.argv.slice(2), {
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
