import { runAudit } from '../../audit/run-audit.js';
import { createLogger } from '../../logger.js';
import type { FlagValues } from '../command.js';
import { loadC1Config } from '../command-config.js';
import { booleanFlag, configPathFlag, severityFlag, timeFlag } from '../flags.js';
import { printError, printLine, type CliIo } from '../io.js';

export async function run(flags: FlagValues, io: CliIo): Promise<number> {
  const asOf = timeFlag(flags, 'as-of', 'audit');
  const failOn = severityFlag(flags, 'fail-on', 'audit');
  const config = await loadC1Config(configPathFlag(flags, 'audit'), io);
  const logger = createLogger(config.logLevel, io.stderr);
  const result = await runAudit(
    { config, asOf, dryRun: booleanFlag(flags, 'dry-run'), failOn },
    { logger, clock: io.clock, print: (text) => printLine(io.stdout, text) },
  );
  // Off a terminal the audit's own log line ("audit failed", "not delivered") already says why.
  if (result.error && io.stderr.isTTY) printError(io, result.error.message);
  return result.exitCode;
}
