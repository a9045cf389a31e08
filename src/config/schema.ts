import { isIP } from 'node:net';
import { z } from 'zod';
import { clientIdProblem } from '../c1/credentials.js';
import { DEFAULT_REPORT_FORMATS, REPORT_FORMATS } from '../report/formats.js';
import { DEFAULT_MAX_DELETES, REMEDIABLE_RULE_IDS } from '../remediation/rule-ids.js';
import { RULE_IDS } from '../rules/ids.js';
import { SEVERITIES } from '../severity.js';
import { ownerDomainProblem } from '../channels/owner-address.js';
import { apiUrlProblem, cronProblem, emailAddressProblem, publicUrlProblem, quote, SCOPE_PROBLEM, SCOPES, timezoneProblem } from './checks.js';

/**
 * The JSON configuration file. Every key is optional and has its default
 * here, so this schema is also the documentation: `json-schema.ts` turns it
 * into `config/config.schema.json`. Objects are strict, because a misspelt
 * key silently ignored is a setting the user believes in but does not have.
 * Secrets are not part of it: they come only from the environment.
 */

/** An integer option with bounds; the message states the bounds so the user needs no docs. */
function integer(min: number, max: number, fallback: number, description: string) {
  const error = `must be an integer from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error }).default(fallback).describe(description);
}

function text(what: string) {
  return z.string({ error: `must be a string (${what})` });
}

function nonEmptyText(what: string) {
  const error = `must not be empty (${what})`;
  // min(1) shows in the JSON Schema; the refinement also refuses white space only.
  return text(what)
    .min(1, { error, abort: true })
    .refine((value) => value.trim() !== '', { error });
}

function section<Shape extends z.core.$ZodLooseShape>(shape: Shape, description: string) {
  const object = z.strictObject(shape, { error: 'must be an object' });
  // `prefault({})` (not `default`) so a missing section still gets its inner
  // defaults. Every key of a section is optional, so `{}` is a valid input;
  // the cast only tells the compiler what it cannot see through the generic.
  return object.prefault({} as z.input<typeof object>).describe(description);
}

function list<Item extends z.ZodType>(item: Item, what: string) {
  return z.array(item, { error: `must be a list (${what})` });
}

const ruleId = z.enum(RULE_IDS, {
  error: (issue) =>
    typeof issue.input === 'string'
      ? `unknown rule ${quote(issue.input)} (known: ${RULE_IDS.join(', ')})`
      : `must be a rule id (known: ${RULE_IDS.join(', ')})`,
});

const reportFormat = z.enum(REPORT_FORMATS, {
  error: (issue) =>
    typeof issue.input === 'string'
      ? `unknown report format ${quote(issue.input)} (known: ${REPORT_FORMATS.join(', ')})`
      : `must be a report format (known: ${REPORT_FORMATS.join(', ')})`,
});

const severity = z.enum(SEVERITIES, {
  error: (issue) =>
    typeof issue.input === 'string'
      ? `unknown severity ${quote(issue.input)} (known: ${SEVERITIES.join(', ')})`
      : `must be a severity (known: ${SEVERITIES.join(', ')})`,
});

/** Reports a problem from one of the shared checks as a zod issue on the value itself. */
function checkedBy(check: (value: string) => string | null) {
  return (value: string, ctx: z.RefinementCtx) => {
    const problem = check(value);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  };
}

const c1Section = section(
  {
    clientId: text('a C1 client ID')
      .superRefine(checkedBy(clientIdProblem))
      .optional()
      .describe(
        'Client ID of the personal API key, e.g. "cool-otter-12345@acme.conductor.one/pcc". Overridden by C1_CLIENT_ID. The secret never goes here: set C1_CLIENT_SECRET or C1_CLIENT_SECRET_FILE.',
      ),
    apiUrl: text('a URL')
      .superRefine(checkedBy(apiUrlProblem))
      .optional()
      .describe(
        'Base URL of the C1 API. Default: https://<tenant host> taken from the client ID. http:// only for loopback hosts. Overridden by C1_API_URL.',
      ),
    timeoutMs: integer(100, 600_000, 10_000, 'Timeout of one HTTP request to C1, in milliseconds.'),
    maxRetries: integer(0, 10, 4, 'Retries of a C1 request after 429/5xx or a network error, with exponential backoff.'),
    scope: z
      .enum(SCOPES, { error: SCOPE_PROBLEM })
      .default('self')
      .describe(
        'Whose keys are audited: "self" (default) the key owner\'s own keys; "tenant" every user\'s keys in the tenant, which needs the personal API key of a C1 admin. Overridden by C1_SCOPE.',
      ),
    maxKeys: integer(
      1,
      10_000_000,
      200_000,
      'A listing with more personal clients than this stops the audit (exit 3) before it runs out of memory.',
    ),
    pageSize: integer(1, 100, 100, 'Page size asked of the endpoints that take one (the tenant-wide search, roles); the own-keys listing takes none.'),
    maxPages: z
      .number({ error: 'must be an integer from 1 to 10000000, or null' })
      .int({ error: 'must be an integer from 1 to 10000000, or null' })
      .min(1, { error: 'must be an integer from 1 to 10000000, or null' })
      .max(10_000_000, { error: 'must be an integer from 1 to 10000000, or null' })
      .nullable()
      .default(null)
      .describe('Most pages fetched by one listing; null (default) = no page limit: c1.maxKeys and a guard against empty pages bound it.'),
    maxResponseBytes: integer(
      64 * 1024,
      1024 * 1024 * 1024,
      16 * 1024 * 1024,
      'Largest single C1 response (one page), in bytes; a larger one stops the audit (exit 3).',
    ),
    maxPageTokenBytes: integer(64, 1024 * 1024, 16 * 1024, 'Largest nextPageToken accepted, in bytes; a larger one stops the audit (exit 3).'),
    maxListingBytes: integer(
      1024 * 1024,
      16 * 1024 * 1024 * 1024,
      512 * 1024 * 1024,
      'Most bytes of C1 responses read for one listing (all its pages); more stops the audit (exit 3) before memory runs out.',
    ),
  },
  'How to reach ConductorOne. Secrets (client secret, access token) come only from the environment.',
);

const expiringSoon = z
  .strictObject(
    {
      days: integer(1, 3650, 14, 'Fire when the key expires within this many days.'),
      urgentDays: integer(0, 3650, 3, 'Raise to high severity when the key expires within this many days (0 = never).'),
    },
    { error: 'must be an object' },
  )
  .superRefine((value, ctx) => {
    if (value.urgentDays > value.days) {
      ctx.addIssue({
        code: 'custom',
        path: ['urgentDays'],
        message: `must not be greater than rules.expiringSoon.days (${value.urgentDays} > ${value.days})`,
      });
    }
  })
  .prefault({})
  .describe('Rule "expiring-soon".');

const rulesSection = section(
  {
    expiringSoon,
    unused: section(
      {
        days: integer(1, 3650, 90, 'Rule "unused": fire when the key was last used more than this many days ago.'),
        neverUsedGraceDays: integer(
          0,
          3650,
          7,
          'Rule "never-used": fire when a never-used key was created more than this many days ago.',
        ),
      },
      'Rules "unused" and "never-used".',
    ),
    broadCidr: section(
      {
        minPrefixV4: integer(0, 32, 16, 'IPv4 ranges with a shorter prefix than this are too broad.'),
        minPrefixV6: integer(0, 128, 48, 'IPv6 ranges with a shorter prefix than this are too broad.'),
      },
      'Rule "broad-cidr" (a /0 range is always critical).',
    ),
    broadRoles: section(
      {
        roles: list(nonEmptyText('a role id, name or display name'), 'of role ids, names or display names')
          .default(['Super Administrator'])
          .describe('Roles too powerful for an API key, matched by role ID, name or display name.'),
      },
      'Rule "broad-roles" (also fires for keys without scoped roles).',
    ),
    longLived: section(
      {
        maxDays: integer(1, 36_500, 365, 'Fire when a key lives (creation to expiry) longer than this many days.'),
      },
      'Rule "long-lived".',
    ),
    disabled: list(ruleId, 'of rule ids').default([]).describe('Rule ids not to run.'),
    severity: z
      .partialRecord(ruleId, severity, { error: 'must be an object mapping rule ids to severities' })
      .default({})
      .describe('Severity per rule id, replacing the rule\'s default, e.g. {"no-expiry": "critical"}.'),
  },
  'Options of the hygiene rules.',
);

const suppression = z
  .strictObject(
    {
      rule: ruleId.describe('The rule id the suppression applies to.'),
      credential: nonEmptyText('a PersonalClient id or client ID').describe(
        'The key it applies to: its PersonalClient id or its client ID.',
      ),
      reason: nonEmptyText('why the finding is accepted').describe('Why the finding is accepted; shown in the report.'),
      expires: z
        .union([z.iso.datetime({ offset: true }), z.iso.date()], {
          error: 'must be an RFC 3339 date-time (e.g. 2027-01-31T00:00:00Z) or a date (e.g. 2027-01-31)',
        })
        .nullable()
        .optional()
        .describe('When the suppression ends (exclusive). A bare date means midnight UTC. Absent = never.'),
    },
    { error: 'must be an object' },
  )
  .describe('Accepts one finding of one rule for one key.');

const emailSection = section(
  {
    to: list(
      text('an email address').superRefine(checkedBy((value) => emailAddressProblem(value))),
      'of email addresses',
    )
      .default([])
      .describe('Recipients of alert emails. Overridden by ALERT_EMAIL_TO (comma list).'),
    from: text('an email address')
      .superRefine(checkedBy((value) => emailAddressProblem(value, { allowDisplayName: true })))
      .optional()
      .describe('Sender of alert emails, "name@domain" or "Name <name@domain>". Overridden by ALERT_EMAIL_FROM.'),
    timeoutMs: integer(100, 600_000, 15_000, 'Timeout of one SMTP delivery attempt, in milliseconds.'),
    retries: integer(0, 10, 2, 'Retries of a failed SMTP delivery within one run.'),
  },
  'Email delivery. The SMTP server comes from SMTP_URL (or SMTP_URL_FILE) only, since it may hold a password.',
);

/** Timeouts and retries of one HTTP channel; the URL itself is a secret and comes from the environment. */
function httpChannelSection(name: string, urlVariables: string) {
  return section(
    {
      timeoutMs: integer(100, 600_000, 10_000, `Timeout of one ${name} delivery attempt as a whole (connect, send, answer), in milliseconds.`),
      maxRetries: integer(0, 10, 3, `Retries of a ${name} delivery within one run after 429, 5xx, a timeout or a network error, with backoff; Retry-After is honoured.`),
      deadlineMs: integer(
        100,
        3_600_000,
        60_000,
        `Longest a ${name} delivery may take in one run, attempts and waits included; past it the delivery fails and the next run retries it.`,
      ),
    },
    `${name} alerts. The URL comes from ${urlVariables} only, since it holds the credential.`,
  );
}

const alertsSection = section(
  {
    minSeverity: severity.default('medium').describe('Email only findings at or above this severity.'),
    renotifyAfterDays: integer(
      1,
      3650,
      7,
      'Alert again about a finding still open this many days after it was last alerted.',
    ),
    email: emailSection,
    routeToOwners: z
      .boolean({ error: 'must be true or false' })
      .default(false)
      .describe(
        'Also send each key owner a digest of their own keys\' due findings (needs alerts.ownerDomains). The alerts.email.to list keeps getting the full digest.',
      ),
    ownerDomains: list(text('a domain').superRefine(checkedBy(ownerDomainProblem)), 'of e-mail domains')
      .optional()
      .describe(
        'Required with routeToOwners: the e-mail domains owners may be mailed at, exact and case-insensitive (e.g. ["example.com"]). An owner address outside them is never mailed; their keys stay in the full digest, with a warning.',
      ),
    slack: httpChannelSection('Slack', 'SLACK_WEBHOOK_URL (or SLACK_WEBHOOK_URL_FILE)'),
    webhook: httpChannelSection('webhook', 'WEBHOOK_URL (or WEBHOOK_URL_FILE), the signing key from WEBHOOK_SECRET (or WEBHOOK_SECRET_FILE)'),
  },
  'Alerts (email, key owners, Slack, webhook) about new, worse or long-standing findings.',
).superRefine((alerts, ctx) => {
  // Owner addresses come from the API; without an allow-list, API data would choose where mail goes.
  if (alerts.routeToOwners && (alerts.ownerDomains === undefined || alerts.ownerDomains.length === 0)) {
    ctx.addIssue({
      code: 'custom',
      path: ['ownerDomains'],
      message: 'is required when alerts.routeToOwners is true: list the e-mail domains owners may be mailed at, e.g. ["example.com"]',
    });
  }
});

const scheduleSection = section(
  {
    cron: text('a cron expression')
      .superRefine(checkedBy(cronProblem))
      .default('0 7 * * *')
      .describe('When `schedule` runs an audit: 5 fields, or 6 with seconds first. Overridden by AUDIT_CRON.'),
    timezone: text('an IANA time zone')
      .superRefine(checkedBy(timezoneProblem))
      .default('UTC')
      .describe('Time zone of the cron expression, e.g. "Europe/Berlin". Overridden by AUDIT_TIMEZONE.'),
    runOnStart: z
      .boolean({ error: 'must be true or false' })
      .default(false)
      .describe('Also run an audit as soon as `schedule` starts.'),
    shutdownGraceSeconds: integer(0, 3600, 60, 'How long SIGTERM/SIGINT waits for an audit in flight.'),
    healthPort: z
      .number({ error: 'must be an integer from 1 to 65535, or null' })
      .int({ error: 'must be an integer from 1 to 65535, or null' })
      .min(1, { error: 'must be an integer from 1 to 65535, or null' })
      .max(65_535, { error: 'must be an integer from 1 to 65535, or null' })
      .nullable()
      .default(null)
      .describe('Port of the /healthz and /metrics listener of `schedule`; null = off.'),
    healthHost: text('an IP address')
      .superRefine(checkedBy((value) => (isIP(value) === 0 ? `must be an IP address such as 0.0.0.0 or 127.0.0.1, not ${quote(value)}` : null)))
      .default('0.0.0.0')
      .describe(
        'Address the health listener binds. Default 0.0.0.0 (every interface): kubelet probes and container port mappings reach the pod from outside. Use 127.0.0.1 when only local tools probe it.',
      ),
  },
  'The `schedule` command.',
);

const remediableRuleId = z.enum(REMEDIABLE_RULE_IDS, {
  error: (issue) =>
    typeof issue.input === 'string'
      ? `rule ${quote(issue.input)} cannot plan deletions (allowed: ${REMEDIABLE_RULE_IDS.join(', ')})`
      : `must be a rule id (allowed: ${REMEDIABLE_RULE_IDS.join(', ')})`,
});

const remediationSection = section(
  {
    rules: list(remediableRuleId, 'of rule ids')
      .default([])
      .describe(
        `Rules whose open, unsuppressed findings put a key into the plan of \`remediate\` (allowed: ${REMEDIABLE_RULE_IDS.join(', ')}). Empty (the default): nothing is ever planned.`,
      ),
    maxDeletes: integer(1, 1000, DEFAULT_MAX_DELETES, 'Most keys one plan deletes; the worst are planned first.'),
  },
  'The `remediate` command: which keys a plan may delete. Deleted keys cannot be restored.',
);

export const configFileSchema = z
  .strictObject(
    {
      $schema: text('a path or URL').optional().describe('Path or URL of this JSON Schema, for editors.'),
      c1: c1Section,
      rules: rulesSection,
      suppressions: list(suppression, 'of suppressions').default([]).describe('Accepted findings.'),
      report: section(
        {
          dir: nonEmptyText('a directory')
            .default('./reports')
            .describe('Where reports are written, relative to the working directory. Overridden by REPORT_DIR.'),
          keep: integer(1, 100_000, 30, 'How many runs to keep (each run\'s files in every format); older runs are removed.'),
          formats: list(reportFormat, `of report formats (${REPORT_FORMATS.join(', ')})`)
            .default([...DEFAULT_REPORT_FORMATS])
            .describe(
              'Formats written next to report-<ts>.json and latest.json: html (a self-contained page), csv (one row per open finding), ocsf (OCSF Detection Finding events). json is always written.',
            ),
          publicUrl: text('an https URL')
            .superRefine(checkedBy(publicUrlProblem))
            .optional()
            .describe('Where the HTML report is published (https://…), for links in alerts instead of a path on the audit host.'),
        },
        'The report files.',
      ),
      alerts: alertsSection,
      state: section(
        {
          dir: nonEmptyText('a directory')
            .default('./state')
            .describe('Where alert and finding state lives, relative to the working directory. Overridden by STATE_DIR.'),
        },
        'State kept between runs.',
      ),
      schedule: scheduleSection,
      remediation: remediationSection,
    },
    { error: 'must be a JSON object' },
  )
  .meta({
    title: 'c1-credential-hygiene configuration',
    description:
      'Configuration file of c1-hygiene. Every key is optional. Environment variables override it; secrets (C1_CLIENT_SECRET, C1_ACCESS_TOKEN, SMTP_URL, SLACK_WEBHOOK_URL, WEBHOOK_URL, WEBHOOK_SECRET) are accepted only from the environment.',
  });

/** The file's content with defaults applied. */
export type ConfigFile = z.output<typeof configFileSchema>;
