import { z } from 'zod';
import type { KeyWarning, Owner } from '../keys/types.js';
import type { Finding, SuppressedFinding } from '../rules/types.js';
import { SEVERITIES } from '../severity.js';

/**
 * The JSON report, defined once. The TypeScript types of the report
 * (`./types.ts`) are derived from this schema, `config/report.schema.json` is
 * generated from it (`./json-schema.ts`), and the `report` command validates
 * its input with it. Objects are strict: a report with a field this version
 * does not know was not written by it, and a consumer's validator should say so.
 */

const timestamp = z.iso.datetime({ offset: true });
const count = z.number().int().min(0);
const severity = z.enum(SEVERITIES).describe('One of info, low, medium, high, critical (low to high).');

const ownerSchema = z
  .strictObject({
    id: z.string().describe('The C1 user id of the owner.'),
    email: z.string().nullable().describe("The owner's primary e-mail as C1 sends it; null when absent. Untrusted text."),
    displayName: z.string().nullable().describe("The owner's display name; null when absent. Untrusted text."),
    status: z.string().describe('The user status as C1 sends it: UNKNOWN, ENABLED, DISABLED or DELETED.'),
  })
  .nullable()
  .describe('The user who owns the key, or null when the owner could not be resolved (a warning names the user id).');

const findingShape = {
  fingerprint: z.string().min(1).describe('Stable across runs for the same rule and key.'),
  ruleId: z.string().min(1).describe('The rule that fired; one of the ids in `rules`.'),
  severity: severity.describe('Severity of this finding (the rule severity, or higher when escalated).'),
  credentialId: z.string().describe('The PersonalClient id of the key.'),
  clientId: z.string().describe('The client ID of the key, e.g. name-12345@acme.conductor.one/pcc.'),
  displayName: z.string().describe('The name the owner gave the key. Untrusted text from the API.'),
  owner: ownerSchema,
  title: z.string().describe("The rule's title."),
  message: z.string().describe('A human sentence about this key, e.g. "expires in 2 days (…)".'),
  evidence: z.record(z.string(), z.unknown()).describe('The facts behind the finding; the fields depend on the rule.'),
  risk: z.string().describe('Why it matters.'),
  remediation: z.string().describe('What to do about it.'),
  reference: z.string().describe('Where to read more: the C1 documentation of the setting concerned.'),
  firstSeenAt: timestamp.describe(
    'When this fingerprint was first seen. Equal to the report\'s `asOf` when the finding is new this run (the OCSF rendering calls it "Create").',
  ),
};

const findingSchema = z.strictObject(findingShape).describe('An open finding: one rule that fired for one key.');

const suppressedSchema = z
  .strictObject({
    ...findingShape,
    reason: z.string().describe('Why the finding is accepted, from the suppression in the configuration.'),
    suppressionExpires: timestamp.nullable().describe('When the suppression ends; null = never.'),
  })
  .describe('A finding moved out of `findings` by a matching, unexpired suppression.');

const resolvedSchema = z
  .strictObject({
    fingerprint: z.string().min(1).describe('The fingerprint the finding had while open.'),
    ruleId: z.string().min(1).describe('The rule that no longer fires.'),
    severity: severity.describe('The severity the finding last had while open.'),
    title: z.string().describe("The rule's title."),
    credentialId: z.string().describe('The PersonalClient id of the key.'),
    clientId: z.string().describe('The client ID of the key.'),
    displayName: z.string().describe('The display name the key last had. Untrusted text from the API.'),
    firstSeenAt: timestamp.describe('When the finding was first seen.'),
  })
  .describe('A finding open in the previous run that is gone now (fixed, or the key deleted).');

const clientSchema = z
  .strictObject({
    id: z.string().describe('The PersonalClient id.'),
    clientId: z.string().describe('The client ID.'),
    displayName: z.string().describe('The name the owner gave the key. Untrusted text from the API.'),
    userId: z.string().nullable().describe("The owner's user id; null when the API sent none."),
    owner: ownerSchema,
    createdAt: timestamp.nullable().describe('Creation time; null when unset or unreadable.'),
    expiresTime: timestamp.nullable().describe('Expiry; null when the key never expires (or the value was unreadable).'),
    lastUsedAt: timestamp.nullable().describe('Last use; null when never used (or the value was unreadable).'),
    allowSourceCidr: z.array(z.string()).describe('The allowed source addresses and ranges as sent; empty = any source.'),
    scopedRoles: z.array(z.string()).describe("Role ids the key is limited to; empty = all of its owner's permissions."),
    invalidFields: z
      .array(z.string())
      .describe('Fields present in the API data but unreadable; shown as null above, and the rules reading them skipped this key.'),
    findings: z.array(z.string()).describe('Rule ids that fired (not suppressed) for this key; empty = clean.'),
  })
  .describe('One scanned key.');

const warningSchema = z
  .strictObject({
    credentialId: z.string().nullable().describe('The key concerned (as written in a suppression for stale suppressions); null when none applies.'),
    index: count.optional().describe('Position in the API listing (0-based across pages), for keys with no usable id.'),
    field: z.string().describe('The field or topic of the problem.'),
    message: z.string().describe('What is wrong.'),
  })
  .describe('A data problem that may make findings incomplete for a key.');

const bySeveritySchema = z
  .strictObject({
    info: count.describe('Open findings of severity info.'),
    low: count.describe('Open findings of severity low.'),
    medium: count.describe('Open findings of severity medium.'),
    high: count.describe('Open findings of severity high.'),
    critical: count.describe('Open findings of severity critical.'),
  })
  .describe('Open findings per severity.');

export const auditReportSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path or URL of this JSON Schema, for editors. Not written by the tool.'),
    schemaVersion: z.literal(1).describe('Version of this report shape.'),
    tool: z
      .strictObject({
        name: z.string().describe('c1-credential-hygiene'),
        version: z.string().describe('Version of the tool that wrote the report.'),
      })
      .describe('What wrote the report.'),
    runId: z.string().min(1).describe('Unique id of the audit run; also in the logs.'),
    asOf: timestamp.describe('"Now" of the evaluation (`--as-of` when given).'),
    startedAt: timestamp.describe('When the run started (real time); names the dated report file.'),
    finishedAt: timestamp.describe('When the report was assembled.'),
    tenant: z.string().describe('The C1 tenant host, e.g. acme.conductor.one.'),
    summary: z
      .strictObject({
        clientsScanned: count.describe('Keys evaluated.'),
        clientsSkipped: count.describe('API items that could not be identified (no usable id) or were repeated.'),
        clientsDeleted: count.describe('Keys deleted at or before asOf; not scanned.'),
        findings: count.describe('Open findings (length of `findings`).'),
        suppressed: count.describe('Suppressed findings (length of `suppressed`).'),
        resolved: count.describe('Findings resolved since the previous run (length of `resolved`).'),
        bySeverity: bySeveritySchema,
        byRule: z.record(z.string(), count).describe('Open findings per rule id; every enabled rule is present, with 0 when it did not fire.'),
      })
      .describe('Counts for dashboards and CI gates.'),
    clients: z.array(clientSchema).describe('Every scanned key, clean or not.'),
    findings: z.array(findingSchema).describe('Open findings, worst first.'),
    suppressed: z.array(suppressedSchema).describe('Findings accepted by a suppression.'),
    resolved: z.array(resolvedSchema).describe('Findings open in the previous run and gone in this one.'),
    warnings: z.array(warningSchema).describe('Data problems: unusable API items, unreadable fields, stale suppressions, roles that could not be listed.'),
    rules: z
      .array(
        z.strictObject({
          id: z.string().min(1).describe('Rule id.'),
          title: z.string().describe('Rule title.'),
          severity: severity.describe('Configured severity of the rule.'),
          enabled: z.boolean().describe('False when disabled in the configuration.'),
        }),
      )
      .describe('The rule catalogue as configured for this run.'),
    dryRun: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Only in `audit --dry-run` output (never in a written report): a preview of the alert that would be sent.'),
  })
  .meta({
    title: 'c1-credential-hygiene report',
    description:
      'The JSON report of one audit of ConductorOne personal API keys, as written to <report dir>/report-<UTC timestamp>.json and latest.json.',
  });

export type AuditReportShape = z.output<typeof auditReportSchema>;
export type ReportClientShape = z.output<typeof clientSchema>;
export type ResolvedFindingShape = z.output<typeof resolvedSchema>;

// The finding types live with the rules and the owner with the keys; the
// schema must describe them exactly. These lines fail to compile when either
// side gains, loses or changes a field without the other.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const findingMatches: Same<z.output<typeof findingSchema>, Finding> = true;
const suppressedMatches: Same<z.output<typeof suppressedSchema>, SuppressedFinding> = true;
const ownerMatches: Same<z.output<typeof ownerSchema>, Owner | null> = true;
const warningMatches: Same<z.output<typeof warningSchema>, KeyWarning> = true;
void [findingMatches, suppressedMatches, ownerMatches, warningMatches];
