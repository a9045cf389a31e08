import { CONFIG_PATH_MISSING } from '../config/file.js';
import { parseTimestamp } from '../keys/timestamp.js';
import { SEVERITIES, type Severity } from '../severity.js';
import type { FlagValues } from './command.js';
import { usageError } from './usage-error.js';

/** Readers of parsed flags that turn a bad value into a USAGE error naming the flag. */

export function stringFlag(flags: FlagValues, name: string): string | null {
  const value = flags[name];
  return typeof value === 'string' ? value : null;
}

export function booleanFlag(flags: FlagValues, name: string): boolean {
  return flags[name] === true;
}

/** `--config FILE`, or null for the default. An empty value (`--config "$UNSET"`) names nothing; it must not mean "the default file". */
export function configPathFlag(flags: FlagValues, command: string): string | null {
  const path = stringFlag(flags, 'config');
  if (path?.trim() === '') throw usageError(CONFIG_PATH_MISSING, command);
  return path;
}

/** A path flag that must name something when given. */
export function pathFlag(flags: FlagValues, name: string, command: string, what: string): string | null {
  const path = stringFlag(flags, name);
  if (path?.trim() === '') throw usageError(`--${name} needs ${what}`, command);
  return path;
}

/** The same strict RFC 3339 reading as API timestamps: "2026-02-30" is an error, not March 2. */
export function timeFlag(flags: FlagValues, name: string, command: string): Date | null {
  const text = stringFlag(flags, name);
  if (text === null) return null;
  const parsed = parseTimestamp(text);
  if (parsed.kind !== 'valid') {
    const why = parsed.kind === 'invalid' ? parsed.reason : 'a zero time';
    throw usageError(`--${name} "${text}" is not an RFC 3339 time (${why}; for example 2026-11-26T09:00:00Z)`, command);
  }
  return parsed.date;
}

export function severityFlag(flags: FlagValues, name: string, command: string): Severity | null {
  const text = stringFlag(flags, name);
  if (text === null) return null;
  if (!(SEVERITIES as readonly string[]).includes(text)) {
    throw usageError(`--${name} "${text}" is not a severity (${SEVERITIES.join(', ')})`, command);
  }
  return text as Severity;
}
