import type { FlagValues } from '../command.js';
import { loadC1Config } from '../command-config.js';
import { booleanFlag, configPathFlag, severityFlag, timeFlag } from '../flags.js';
import { printError, printLine, type CliIo } from '../io.js';

export async function run(flags: FlagValues, io: CliIo): Promise<number> {
  const asOf = timeFlag(flags, 'as-of', 'audit');
  const failOn = severityFlag(flags, 'fail-on', 'audit');
  // The audit's modules and the logger compile while the configuration is read
  // (files, `*_FILE` secrets) instead of before it. A configuration error is
  // still the one reported: the loads are awaited only once it is valid.
  const loading = Promise.all([import('../../audit/run-audit.js'), import('../../logger.js')]);
  loading.catch(() => undefined);
  const config = await loadC1Config(configPathFlag(flags, 'audit'), io);
  const [{ runAudit }, { createLogger }] = await loading;
  const logger = createLogger(config.logLevel, io.stderr);
  const result = await runAudit(
    { config, asOf, dryRun: booleanFlag(flags, 'dry-run'), failOn },
    { logger, clock: io.clock, print: (text) => printLine(io.stdout, text) },
  );
  // Off a terminal the audit's own log line ("audit failed", "not delivered") already says why.
  if (result.error && io.stderr.isTTY) printError(io, result.error.message);
  return result.exitCode;
}
