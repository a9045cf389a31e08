import { runAudit } from '../../audit/run-audit.js';
import { HygieneError } from '../../errors.js';
import { createLogger } from '../../logger.js';
import { runSchedule } from '../../schedule/run-schedule.js';
import type { FlagValues } from '../command.js';
import { loadC1Config } from '../command-config.js';
import { configPathFlag } from '../flags.js';
import { printError, printLine, type CliIo } from '../io.js';

export async function run(flags: FlagValues, io: CliIo): Promise<number> {
  const config = await loadC1Config(configPathFlag(flags, 'schedule'), io);
  const logger = createLogger(config.logLevel, io.stderr);
  const print = (text: string): void => printLine(io.stdout, text);
  let code: number;
  try {
    code = await runSchedule({
      schedule: config.schedule,
      logger,
      ...(io.signals ? { signals: io.signals } : {}),
      clock: io.clock,
      runAudit: () => runAudit({ config, asOf: null, dryRun: false, failOn: null }, { logger, clock: io.clock, print }),
    });
  } catch (err) {
    // Refused before any audit ran: a bad schedule or a health port that is taken.
    if (!(err instanceof HygieneError)) throw err;
    printError(io, err);
    code = err.exitCode;
  }
  // An audit abandoned after the grace period (or a second signal) still holds
  // sockets and timers; waiting for them would break the bounded shutdown.
  if (io.exitNow) await io.exitNow(code);
  return code;
}
