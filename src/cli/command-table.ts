import type { CommandSpec, FlagSpec } from './command.js';

/*
 * The CLI's commands. Adding one is one entry here plus its module under
 * `src/cli/commands/`, which exports `run(flags, io)`. Each entry loads its
 * module with a dynamic import, so a command pays only for what it uses and
 * `--version` loads no command at all. Keep this file free of imports other
 * than types: everything it imports is loaded on every start.
 */

const CONFIG: FlagSpec = {
  name: 'config',
  type: 'string',
  value: 'FILE',
  description: 'configuration file (JSON); environment variables apply on top',
  default: 'config/config.json when present',
};

const SEVERITY_LIST = 'info, low, medium, high, critical';

/** The exit codes of one audit, as the contract gives them. */
const AUDIT_EXIT_CODES: CommandSpec['exitCodes'] = [
  [0, 'audit done, report written, alerts (if any) delivered'],
  [1, 'like 0, but findings at or above --fail-on exist (only with that flag)'],
  [2, 'usage or configuration error (nothing fetched)'],
  [3, 'the audit failed (auth, API, network, bad API data); the previous latest.json is left untouched'],
  [4, 'report written, but alert delivery failed; the undelivered alerts are retried by the next run'],
];

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'audit',
    summary: 'One audit now: fetch, evaluate, write the report, send alerts, then exit.',
    description:
      'Lists the C1 personal API keys, runs every enabled rule, writes the JSON report (and\n' +
      'latest.json) to the report directory, sends the alert digest when something is due,\n' +
      'and prints a short summary. Credentials come from the environment: C1_CLIENT_ID with\n' +
      'C1_CLIENT_SECRET (or C1_CLIENT_SECRET_FILE), or C1_ACCESS_TOKEN (or _FILE) with C1_API_URL.',
    flags: [
      CONFIG,
      { name: 'as-of', type: 'string', value: 'TIME', description: 'evaluate as if now were TIME (RFC 3339, e.g. 2026-11-26T09:00:00Z)', default: 'now' },
      {
        name: 'fail-on',
        type: 'string',
        value: 'SEVERITY',
        description: `exit 1 when a finding at or above SEVERITY is open (${SEVERITY_LIST})`,
        default: 'off',
      },
      {
        name: 'dry-run',
        type: 'boolean',
        description: 'print the report JSON, with a preview of the alert that would be sent, to stdout; write, send and change nothing',
      },
    ],
    exitCodes: AUDIT_EXIT_CODES,
    load: () => import('./commands/audit.js'),
  },
  {
    name: 'schedule',
    summary: 'Audit on the configured cron schedule until SIGTERM/SIGINT.',
    description:
      'Runs audits on schedule.cron / AUDIT_CRON (default "0 7 * * *") in schedule.timezone /\n' +
      'AUDIT_TIMEZONE (default UTC), never two at once. SIGTERM or SIGINT stops scheduling and\n' +
      'lets an audit in flight finish within schedule.shutdownGraceSeconds; a second signal\n' +
      'exits at once. With schedule.healthPort set, serves /healthz, /livez and /metrics.',
    flags: [CONFIG],
    exitCodes: [
      [0, 'stopped by SIGTERM/SIGINT'],
      [2, 'usage or configuration error, or the health port cannot be bound (before any audit)'],
      [130, 'a second SIGINT: stopped at once, the audit in flight abandoned'],
      [143, 'a second SIGTERM: stopped at once, the audit in flight abandoned'],
    ],
    load: () => import('./commands/schedule.js'),
  },
  {
    name: 'validate',
    summary: 'Check the configuration and credentials without network; print every problem.',
    description:
      'Reads the configuration file and the environment the way audit does and checks every\n' +
      'value, the credentials included (formats only: nothing is sent), then prints every\n' +
      'problem found, each naming its key or variable.',
    flags: [CONFIG],
    exitCodes: [
      [0, 'the configuration is valid'],
      [2, 'usage error, or configuration problems (all of them are listed)'],
    ],
    load: () => import('./commands/validate.js'),
  },
  {
    name: 'demo',
    summary: 'A complete audit against a built-in C1 simulator, SMTP capture and webhook receiver.',
    description:
      'Starts a local C1 simulator with sample keys, a local SMTP capture and a local signed-webhook\n' +
      'receiver, runs a real audit against them and prints where the report, the captured email\n' +
      'and the captured webhook delivery went. No network and no credentials are needed; each run\n' +
      'starts with empty alert state.',
    flags: [{ name: 'output-dir', type: 'string', value: 'DIR', description: 'where reports, state, captured mail and webhook deliveries go', default: './demo-output' }],
    exitCodes: AUDIT_EXIT_CODES.filter(([code]) => code !== 1),
    load: () => import('./commands/demo.js'),
  },
  {
    name: 'report',
    summary: 'Render an existing JSON report as json, html, csv or ocsf; no network.',
    description:
      'Reads a JSON report written by audit (default: <report dir>/latest.json, the report\n' +
      'directory taken from the configuration) and renders it in another format, to stdout\n' +
      'or atomically to --output. A file that is not a report of this tool is refused.',
    usage: ['report [--input FILE] --format json|html|csv|ocsf [--output FILE] [--config FILE]'],
    flags: [
      { name: 'input', type: 'string', value: 'FILE', description: 'the JSON report to render', default: '<report dir>/latest.json' },
      { name: 'format', type: 'string', value: 'FORMAT', description: 'json, html, csv or ocsf (required)' },
      { name: 'output', type: 'string', value: 'FILE', description: 'write there (atomically) instead of stdout' },
      CONFIG,
    ],
    exitCodes: [
      [0, 'the report was rendered'],
      [2, 'usage error, or the input is not a report of this tool'],
    ],
    load: () => import('./commands/report.js'),
  },
  {
    name: 'rules',
    summary: 'List the rule catalogue: id, title, default severity, options with defaults.',
    description:
      'Prints every rule the audit knows, with its default severity and the configuration\n' +
      'keys that tune it (with their defaults), as a table or as JSON.',
    flags: [{ name: 'json', type: 'boolean', description: 'print JSON (an array with one object per rule) instead of a table' }],
    exitCodes: [
      [0, 'the catalogue was printed'],
      [2, 'usage error'],
    ],
    load: () => import('./commands/rules.js'),
  },
  {
    name: 'remediate',
    summary: 'Plan the deletion of dead keys, then apply exactly a reviewed plan.',
    usage: ['remediate [--config FILE] [--plan-out FILE]', 'remediate [--config FILE] --apply PLAN'],
    description:
      'Without --apply: audits read-only (no report, no state, no alert) and writes a plan of keys\n' +
      'to delete: keys with an open, unsuppressed finding of a rule in remediation.rules (none by\n' +
      'default), at most remediation.maxDeletes, worst first; then prints it as a table.\n' +
      'The plan is the dry run (no separate flag): nothing is deleted until it is applied.\n' +
      'With --apply PLAN: refuses a plan older than 24 h, edited, or made for another tenant or\n' +
      'scope; otherwise lists the keys again and deletes each planned key still unchanged\n' +
      '(clientId, expiresTime, lastUsedAt), skipping the others with the reason, and writes\n' +
      '<report dir>/remediation-<ts>.json. Deleted keys cannot be restored.',
    flags: [
      CONFIG,
      { name: 'plan-out', type: 'string', value: 'FILE', description: 'where the plan goes', default: '<report dir>/remediation-plan-<ts>.json' },
      { name: 'apply', type: 'string', value: 'PLAN', description: 'apply this plan file instead of making one' },
    ],
    exitCodes: [
      [0, 'plan written (nothing deleted), or plan applied'],
      [2, 'usage or configuration error, or the plan was refused (nothing deleted)'],
      [3, 'C1 could not be listed (nothing deleted), a deletion failed, or the record could not be written'],
      [4, 'plan applied and recorded, but the message about it was not delivered'],
    ],
    load: () => import('./commands/remediate.js'),
  },
];
