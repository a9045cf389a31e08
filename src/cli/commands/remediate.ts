import { runRemediate } from '../../remediation/command.js';
import type { FlagValues } from '../command.js';
import { configPathFlag, pathFlag } from '../flags.js';
import { printError, printLine, type CliIo } from '../io.js';

export async function run(flags: FlagValues, io: CliIo): Promise<number> {
  return runRemediate(
    {
      configPath: configPathFlag(flags, 'remediate'),
      planOut: pathFlag(flags, 'plan-out', 'remediate', 'a file path'),
      apply: pathFlag(flags, 'apply', 'remediate', 'the path of a plan file'),
    },
    {
      env: io.env,
      cwd: io.cwd,
      clock: io.clock,
      print: (text) => printLine(io.stdout, text),
      printError: (text) => printError(io, text),
      logDestination: io.stderr,
    },
  );
}
