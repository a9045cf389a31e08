import { GLOBAL_FLAGS, usageLines, type CommandSpec, type FlagSpec } from './command.js';

const INTRO = `Audits ConductorOne (C1) personal API keys: lists them, runs hygiene rules,
writes a JSON findings report and sends alerts.`;

/** Whose keys an audit reads; tenant scope has a requirement validate cannot check offline. */
const SCOPE_LINES = [
  'Scope (c1.scope or C1_SCOPE):',
  '  self       the default: the keys of the user who owns the API key',
  "  tenant     every user's keys in the tenant; needs the personal API key of a",
  "             C1 admin (listing other users' keys is an admin permission)",
];

/** What `validate` adds for tenant scope: the one requirement it cannot check offline. */
export const TENANT_SCOPE_NOTE =
  'note: c1.scope is "tenant" (every user\'s keys): the API key must be the personal API key of a C1 admin, ' +
  'or the audit fails with HTTP 403 (exit 3); validate cannot check that without the network.';

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
    ...SCOPE_LINES,
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
