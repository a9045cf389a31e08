import type { CliIo } from './io.js';

/** One command-line flag of a command, as parsed and as shown in its help. */
export interface FlagSpec {
  /** Without the leading dashes, e.g. `config`. */
  name: string;
  type: 'string' | 'boolean';
  /** The placeholder for a string flag's value in help, e.g. `FILE`. */
  value?: string;
  /** One line for the command's help. */
  description: string;
  /** Shown in help as "(default: …)". */
  default?: string;
}

/** Parsed flags by name (without dashes); absent flags are undefined. */
export type FlagValues = Readonly<Record<string, string | boolean | undefined>>;

/** What a command's module exports; loaded only when that command runs. */
export interface CommandModule {
  /**
   * Runs the command and resolves with its exit code. Throws `HygieneError`
   * for usage and configuration errors (the CLI prints them and exits with
   * the error's code); never calls `process.exit`.
   */
  run(flags: FlagValues, io: CliIo): Promise<number>;
}

/**
 * A command in the CLI's table: everything parsing and help need, and a
 * loader for the code. The table must stay cheap to import (no dependencies),
 * so `--version`, `--help` and usage errors load nothing else.
 */
export interface CommandSpec {
  name: string;
  /** One line in the overview (`c1-hygiene --help`). */
  summary: string;
  /** The usage lines after `c1-hygiene `; default: the name and every flag in brackets. */
  usage?: readonly string[];
  /** What the command does, for its own `--help`. */
  description: string;
  flags: readonly FlagSpec[];
  /** The exit codes this command can end with, for its `--help`. */
  exitCodes: ReadonlyArray<readonly [code: number, meaning: string]>;
  load(): Promise<CommandModule>;
}

/** Flags every command accepts. */
export const GLOBAL_FLAGS: readonly (FlagSpec & { short: string })[] = [
  { name: 'help', short: 'h', type: 'boolean', description: 'show this help' },
  { name: 'version', short: 'v', type: 'boolean', description: 'show the version' },
];

/** The usage lines of a command: its own, or its name followed by every flag. */
export function usageLines(command: CommandSpec): readonly string[] {
  if (command.usage) return command.usage;
  const flags = command.flags.map((flag) => (flag.type === 'string' ? `[--${flag.name} ${flag.value ?? 'VALUE'}]` : `[--${flag.name}]`));
  return [[command.name, ...flags].join(' ')];
}
