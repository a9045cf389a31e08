import { isReportFormat, REPORT_FORMATS } from '../../report/formats.js';
import { runReportCommand } from '../../report/report-command.js';
import type { FlagValues } from '../command.js';
import { configPathFlag, pathFlag, stringFlag } from '../flags.js';
import { printError, type CliIo } from '../io.js';
import { usageError } from '../usage-error.js';

export function run(flags: FlagValues, io: CliIo): Promise<number> {
  const format = stringFlag(flags, 'format');
  if (format === null) throw usageError(`"report" needs --format (${REPORT_FORMATS.join(', ')})`, 'report');
  if (!isReportFormat(format)) throw usageError(`--format "${format}" is not a report format (${REPORT_FORMATS.join(', ')})`, 'report');
  return runReportCommand(
    {
      configPath: configPathFlag(flags, 'report'),
      input: pathFlag(flags, 'input', 'report', 'a file path'),
      output: pathFlag(flags, 'output', 'report', 'a file path'),
      format,
    },
    { env: io.env, cwd: io.cwd, write: (text) => io.stdout.write(text), printError: (text) => printError(io, text) },
  );
}
