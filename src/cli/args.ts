import { parseArgs } from 'node:util';
import { CONFIG_PATH_MISSING } from '../config/file.js';
import { HygieneError } from '../errors.js';
import { parseTimestamp } from '../keys/timestamp.js';
import { SEVERITIES, type Severity } from '../severity.js';

export type Command =
  | { name: 'audit'; configPath: string | null; asOf: Date | null; failOn: Severity | null; dryRun: boolean }
  | { name: 'schedule'; configPath: string | null }
  | { name: 'validate'; configPath: string | null }
  | { name: 'demo'; outputDir: string | null }
  | { name: 'remediate'; configPath: string | null; planOut: string | null; apply: string | null }
  | { name: 'help' }
  | { name: 'version' };

export const USAGE = `Usage: c1-hygiene <command> [options]

Audits ConductorOne (C1) personal API keys: lists them, runs hygiene rules,
writes a JSON findings report and emails alerts.

Commands:
  audit      One audit now: fetch, evaluate, write the report, send alerts, exit.
               --config FILE        config file (default: config/config.json when present)
               --as-of TIME         evaluate as if now were TIME (RFC 3339)
               --fail-on SEVERITY   exit 1 when a finding at or above SEVERITY exists
                                    (${SEVERITIES.join(', ')})
               --dry-run            print the report to stdout; write, send and change nothing
  schedule   Run audits on the configured cron schedule until SIGTERM/SIGINT.
               --config FILE
  validate   Check the configuration and credential formats without network;
             prints every problem found.
               --config FILE
  demo       A complete audit against a built-in C1 simulator and SMTP capture;
             no network, no credentials.
               --output-dir DIR     where the demo writes (default: ./demo-output)
  remediate  Plan the deletion of bad keys (remediation.rules in the config;
             none by default): audits read-only, writes a plan and prints it.
             The plan is the dry run: nothing is deleted until it is applied.
               --config FILE
               --plan-out FILE      where the plan goes
                                    (default: <report dir>/remediation-plan-<ts>.json)
             remediate --apply PLAN
             Deletes exactly the keys of a reviewed plan that are unchanged
             since; refuses (exit 2) a plan older than 24 h, edited, or made
             for another tenant or scope. Deleted keys cannot be restored.
               --config FILE
               --apply PLAN         the plan file to apply

Options:
  -h, --help       show this help
  -v, --version    show the version

Exit codes: 0 ok, 1 findings at or above --fail-on, 2 usage or configuration
error, 3 audit failed, 4 report written but alert delivery failed.
Configuration and environment variables: see README.md.`;

const COMMAND_OPTIONS = {
  audit: ['config', 'as-of', 'fail-on', 'dry-run'],
  schedule: ['config'],
  validate: ['config'],
  demo: ['output-dir'],
  remediate: ['config', 'plan-out', 'apply'],
} as const;

type CommandName = keyof typeof COMMAND_OPTIONS;

function usageError(message: string): HygieneError {
  return new HygieneError('USAGE', `${message}\nRun "c1-hygiene --help" for usage.`);
}

/** Parses argv (without node and script). Throws a USAGE error naming the bad word. */
export function parseCommand(argv: string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string' },
        'as-of': { type: 'string' },
        'fail-on': { type: 'string' },
        'dry-run': { type: 'boolean' },
        'output-dir': { type: 'string' },
        'plan-out': { type: 'string' },
        apply: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (err) {
    throw usageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { name: 'help' };
  if (values.version) return { name: 'version' };
  if (positionals.length === 0) throw usageError('no command given');
  const [name, ...extra] = positionals as [string, ...string[]];
  if (!(name in COMMAND_OPTIONS)) throw usageError(`unknown command "${name}" (commands: ${Object.keys(COMMAND_OPTIONS).join(', ')})`);
  if (extra.length > 0) throw usageError(`unexpected argument "${extra[0]}"`);
  const command = name as CommandName;

  const allowed: readonly string[] = COMMAND_OPTIONS[command];
  for (const [option, value] of Object.entries(values)) {
    if (value !== undefined && !allowed.includes(option)) throw usageError(`--${option} does not apply to "${command}"`);
  }

  const configPath = values.config ?? null;
  // An empty value (`--config=`, or `--config "$UNSET"`) names nothing; it must not mean "the default file".
  if (configPath?.trim() === '') throw usageError(CONFIG_PATH_MISSING);
  if (values['output-dir']?.trim() === '') throw usageError('--output-dir needs a directory path');
  switch (command) {
    case 'audit':
      return {
        name: 'audit',
        configPath,
        asOf: values['as-of'] === undefined ? null : parseAsOf(values['as-of']),
        failOn: values['fail-on'] === undefined ? null : parseSeverity(values['fail-on']),
        dryRun: values['dry-run'] ?? false,
      };
    case 'schedule':
    case 'validate':
      return { name: command, configPath };
    case 'demo':
      return { name: 'demo', outputDir: values['output-dir'] ?? null };
    case 'remediate':
      if (values['plan-out']?.trim() === '') throw usageError('--plan-out needs a file path');
      if (values.apply?.trim() === '') throw usageError('--apply needs the path of a plan file');
      return { name: 'remediate', configPath, planOut: values['plan-out'] ?? null, apply: values.apply ?? null };
  }
}

/** The same strict RFC 3339 reading as API timestamps: "2026-02-30" is an error, not March 2. */
function parseAsOf(text: string): Date {
  const parsed = parseTimestamp(text);
  if (parsed.kind !== 'valid') {
    const why = parsed.kind === 'invalid' ? parsed.reason : 'a zero time';
    throw usageError(`--as-of "${text}" is not an RFC 3339 time (${why}; for example 2026-11-26T09:00:00Z)`);
  }
  return parsed.date;
}

function parseSeverity(text: string): Severity {
  if (!(SEVERITIES as readonly string[]).includes(text)) {
    throw usageError(`--fail-on "${text}" is not a severity (${SEVERITIES.join(', ')})`);
  }
  return text as Severity;
}
