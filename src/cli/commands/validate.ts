import { validateConfig } from '../../config/load.js';
import { ConfigError, EXIT } from '../../errors.js';
import type { FlagValues } from '../command.js';
import { configPathFlag } from '../flags.js';
import { printLine, type CliIo } from '../io.js';

/** Every problem at once: the file, the environment, their combinations and the credentials, in one pass. */
export async function run(flags: FlagValues, io: CliIo): Promise<number> {
  const { config, problems } = await validateConfig({
    configPath: configPathFlag(flags, 'validate'),
    env: io.env,
    cwd: io.cwd,
    requireCredentials: true,
  });
  if (problems.length > 0 || config === null) throw new ConfigError(problems);
  printLine(io.stdout, `configuration is valid${config.source ? ` (${config.source})` : ' (defaults and environment)'}`);
  return EXIT.ok;
}
