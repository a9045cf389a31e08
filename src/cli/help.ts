import { GLOBAL_FLAGS, usageLines, type CommandSpec, type FlagSpec } from './command.js';

const INTRO = `Audits ConductorOne (C1) personal API keys: lists them, runs hygiene rules,
writes a JSON findings report and sends alerts.`;

/** `c1-hygiene --help`: every command with its usage and one line about it. */
export function overviewHelp(commands: readonly CommandSpec[]): string {
  const entries = commands.map((command) => [...usageLines(command).map((line) => `  ${line}`), `      ${command.summary}`].join('\n'));
  return [
    'Usage: c1-hygiene <command> [options]',
    '',
    INTRO,
    '',
    'Commands:',
    ...entries,
    '',
    'Options:',
    ...flagLines(GLOBAL_FLAGS),
    '',
    'Run "c1-hygiene <command> --help" for what a command does, its options and exit codes.',
    'Exit codes: 0 ok, 1 findings at or above --fail-on, 2 usage or configuration error,',
    '3 audit failed, 4 report written but alert delivery failed.',
    'Configuration and environment variables: see README.md.',
  ].join('\n');
}

/** `c1-hygiene <command> --help`: usage, what it does, every flag with its default, exit codes. */
export function commandHelp(command: CommandSpec): string {
  const [first, ...more] = usageLines(command);
  const codeWidth = Math.max(...command.exitCodes.map(([code]) => String(code).length));
  return [
    `Usage: c1-hygiene ${first}`,
    ...more.map((line) => `       c1-hygiene ${line}`),
    '',
    command.description,
    '',
    'Options:',
    ...flagLines([...command.flags, GLOBAL_FLAGS[0]!]),
    '',
    'Exit codes:',
    ...command.exitCodes.map(([code, meaning]) => `  ${String(code).padEnd(codeWidth)}  ${meaning}`),
  ].join('\n');
}

function flagLines(flags: readonly (FlagSpec & { short?: string })[]): string[] {
  const names = flags.map((flag) => {
    const long = flag.type === 'string' ? `--${flag.name} ${flag.value ?? 'VALUE'}` : `--${flag.name}`;
    return flag.short ? `-${flag.short}, ${long}` : long;
  });
  const width = Math.max(...names.map((name) => name.length));
  return flags.map((flag, i) => {
    const description = flag.default === undefined ? flag.description : `${flag.description} (default: ${flag.default})`;
    return `  ${names[i]!.padEnd(width)}  ${description}`;
  });
}
