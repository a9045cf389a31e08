import { loadConfig } from '../config/load.js';
import type { AppConfig } from '../config/types.js';
import type { CliIo } from './io.js';

/**
 * The configuration of a command that talks to C1, credentials included;
 * throws one `ConfigError` listing every problem, missing credentials among
 * them. A `schedule` without credentials must stop at start, not fail on
 * every tick.
 */
export function loadC1Config(configPath: string | null, io: Pick<CliIo, 'env' | 'cwd'>): Promise<AppConfig> {
  return loadConfig({ configPath, env: io.env, cwd: io.cwd, requireCredentials: true });
}
