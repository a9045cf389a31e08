import { parseArgs, type ParseArgsConfig } from 'node:util';
import { GLOBAL_FLAGS, type CommandSpec, type FlagSpec, type FlagValues } from './command.js';
import { nearest } from './suggest.js';
import { usageError } from './usage-error.js';

/** What the command line asks for. */
export type Invocation =
  | { kind: 'help'; command: CommandSpec | null }
  | { kind: 'version' }
  | { kind: 'run'; command: CommandSpec; flags: FlagValues };

type ParseOptions = NonNullable<ParseArgsConfig['options']>;
type OptionToken = { kind: 'option'; name: string; rawName: string };

/**
 * Reads argv (without node and the script) against the command table.
 * Flags may come before or after the command. Throws a USAGE error that names
 * the wrong word and, for a mistyped command or flag, the nearest right one.
 */
export function parseInvocation(argv: readonly string[], commands: readonly CommandSpec[]): Invocation {
  // First pass, lenient: find the command and every flag as written. Knowing
  // every command's flags (and which take a value) keeps `--config FILE audit`
  // from reading FILE as the command.
  const { tokens } = parseArgs({ args: [...argv], options: everyFlag(commands), strict: false, allowPositionals: true, tokens: true });
  const flags = tokens.filter((token): token is typeof token & OptionToken => token.kind === 'option');
  const positionals = tokens.flatMap((token) => (token.kind === 'positional' ? [token.value] : []));
  const given = (name: string): boolean => flags.some((token) => token.name === name);

  if (given('version')) return { kind: 'version' };
  const [name, ...extra] = positionals;
  const command = name === undefined ? null : (commands.find((candidate) => candidate.name === name) ?? null);
  if (name !== undefined && command === null) throw usageError(unknownCommand(name, commands));
  if (given('help')) return { kind: 'help', command };
  if (command === null) throw usageError('no command given');
  // A mistyped flag first: its value would otherwise look like a stray argument.
  for (const token of flags) checkApplies(token, command, commands);
  if (extra.length > 0) throw usageError(`unexpected argument "${extra[0]}"`, command.name);

  // Second pass, strict, with this command's flags only: values, missing values, booleans given a value.
  try {
    const { values } = parseArgs({ args: [...argv], options: parseOptions([...command.flags, ...GLOBAL_FLAGS]), strict: true, allowPositionals: true });
    // No flag is declared `multiple`, so every value is a single string or boolean.
    return { kind: 'run', command, flags: { ...values } as FlagValues };
  } catch (err) {
    throw usageError((err as Error).message, command.name);
  }
}

function unknownCommand(name: string, commands: readonly CommandSpec[]): string {
  const names = commands.map((command) => command.name);
  const guess = nearest(name, names);
  return `unknown command "${name}"${guess ? `; did you mean "${guess}"?` : ''} (commands: ${names.join(', ')})`;
}

/** A flag of another command "does not apply"; a flag of none is unknown, with the nearest of this command's flags. */
function checkApplies(token: OptionToken, command: CommandSpec, commands: readonly CommandSpec[]): void {
  const own = [...command.flags, ...GLOBAL_FLAGS];
  if (own.some((flag) => flag.name === token.name)) return;
  if (commands.some((other) => other.flags.some((flag) => flag.name === token.name))) {
    const takes = command.flags.length > 0 ? command.flags.map((flag) => `--${flag.name}`).join(', ') : 'no options';
    throw usageError(`--${token.name} does not apply to "${command.name}" (it takes ${takes})`, command.name);
  }
  const guess = nearest(token.rawName.replace(/^-+/, ''), own.map((flag) => flag.name));
  throw usageError(`unknown option ${token.rawName}${guess ? `; did you mean --${guess}?` : ''}`, command.name);
}

function parseOptions(flags: readonly (FlagSpec & { short?: string })[]): ParseOptions {
  const options: ParseOptions = {};
  for (const flag of flags) options[flag.name] = flag.short ? { type: flag.type, short: flag.short } : { type: flag.type };
  return options;
}

/** Every command's flags at once; one name must mean one kind of flag everywhere. */
export function everyFlag(commands: readonly CommandSpec[]): ParseOptions {
  const all: (FlagSpec & { short?: string })[] = [...GLOBAL_FLAGS];
  for (const flag of commands.flatMap((command) => command.flags)) {
    const seen = all.find((other) => other.name === flag.name);
    if (seen && seen.type !== flag.type) throw new Error(`flag --${flag.name} is a ${seen.type} in one command and a ${flag.type} in another`);
    if (!seen) all.push(flag);
  }
  return parseOptions(all);
}
