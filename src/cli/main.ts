import { EXIT, HygieneError } from '../errors.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { parseInvocation, type Invocation } from './args.js';
import { COMMANDS } from './command-table.js';
import type { CommandSpec } from './command.js';
import { commandHelp, overviewHelp } from './help.js';
import { printError, printLine, type CliIo } from './io.js';

/**
 * The whole command line, in process: parses `argv` (without node and the
 * script), runs the command it names and resolves with the exit code. Never
 * exits the process and never reads `process.*` itself; `src/cli.ts` is the
 * thin wrapper that does. Only the command that runs is loaded.
 */
export async function main(argv: readonly string[], io: CliIo, commands: readonly CommandSpec[] = COMMANDS): Promise<number> {
  let invocation: Invocation;
  try {
    invocation = parseInvocation(argv, commands);
  } catch (err) {
    return failed(err, io);
  }
  switch (invocation.kind) {
    case 'version':
      printLine(io.stdout, `${TOOL_NAME} ${TOOL_VERSION}`);
      return EXIT.ok;
    case 'help':
      printLine(io.stdout, invocation.command ? commandHelp(invocation.command) : overviewHelp(commands));
      return EXIT.ok;
    case 'run':
      try {
        const command = await invocation.command.load();
        return await command.run(invocation.flags, io);
      } catch (err) {
        return failed(err, io);
      }
  }
}

/** Usage and configuration errors get their own exit code; anything else is a bug, reported without dumping objects that might hold secrets. */
function failed(err: unknown, io: CliIo): number {
  if (err instanceof HygieneError) {
    printError(io, err);
    return err.exitCode;
  }
  printError(io, `unexpected error: ${err instanceof Error ? err.message : String(err)}`);
  return EXIT.auditFailed;
}
