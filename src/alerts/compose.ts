import type { DueFinding, DueReason } from '../lifecycle/types.js';
import type { ResolvedFinding } from '../report/types.js';
import { escapeHtml, toSafeLine } from '../report/sanitize.js';
import { SEVERITIES, type Severity } from '../severity.js';
import { AUTOMATED_MAIL_HEADERS, type MailMessage } from './types.js';
import { htmlDocument, htmlTable, MAIL_STYLE, SEVERITY_COLOURS } from './html.js';

export type { MailMessage } from './types.js';

export interface DigestInput {
  tenant: string;
  /** From `selectDue`; grouped by severity here, whatever their order. */
  due: readonly DueFinding[];
  resolvedSinceAlert: readonly ResolvedFinding[];
  runId: string;
  asOf: string;
  /** Where the full report is; null when none was written. */
  reportPath: string | null;
  from: string;
  to: readonly string[];
  /** Set for a key owner's own digest (their name or address, untrusted): the intro says whose keys these are. */
  ownerName?: string | null;
}

export const SUBJECT_PREFIX = '[c1-hygiene]';

/** Caps per value: a hostile 10 000-character display name renders as ~200 characters + "…". */
const NAME_MAX = 200;
const TEXT_MAX = 1000;
/** The resolved list is a courtesy; past this many, the report has the rest. */
const RESOLVED_LISTED_MAX = 50;

const REASON_TEXT: Record<DueReason, string> = {
  new: 'new finding',
  'severity-raised': 'severity raised since the last alert',
  renotify: 'reminder: still open',
};

/**
 * The one digest email of a run. Pure: composing is separate from sending so
 * `--dry-run` can show what would be sent.
 *
 * Everything from the API is untrusted: each value is reduced to one safe
 * line (no CR/LF or control characters, length capped) and HTML-escaped in
 * the HTML part. Only the tenant reaches a header (the subject); display
 * names never do.
 */
export function composeDigest(input: DigestInput): MailMessage {
  const tenant = toSafeLine(input.tenant, 100);
  const groups = groupBySeverity(input.due);
  const highest = groups[0]?.severity;
  const count = input.due.length;
  const needs = `${count} credential finding${count === 1 ? ' needs' : 's need'} attention`;
  const subject = `${SUBJECT_PREFIX} ${tenant}: ${needs}${highest ? ` (highest: ${highest})` : ''}`;

  const resolvedListed = input.resolvedSinceAlert.slice(0, RESOLVED_LISTED_MAX);
  const resolvedMore = input.resolvedSinceAlert.length - resolvedListed.length;
  const owner = input.ownerName ? toSafeLine(input.ownerName, NAME_MAX) : null;
  const intro = owner ? `${needs} on keys you own in C1 (${owner}).` : `${needs}.`;
  const body: DigestBody = { tenant, intro, groups, resolved: resolvedListed, resolvedMore, footer: footerLines(input) };

  return {
    from: toSafeLine(input.from, 320),
    to: input.to.map((address) => toSafeLine(address, 320)),
    subject,
    text: digestText(body),
    html: digestHtml(body),
    headers: { ...AUTOMATED_MAIL_HEADERS },
  };
}

/** What both parts of the digest say, already sanitised; the text and HTML renderers only lay it out. */
interface DigestBody {
  tenant: string;
  /** The sentence under the heading. */
  intro: string;
  groups: SeverityGroup[];
  resolved: readonly ResolvedFinding[];
  /** How many resolved findings were left out of `resolved`. */
  resolvedMore: number;
  footer: string[];
}

interface SeverityGroup {
  severity: Severity;
  findings: DueFinding[];
}

/** Highest severity first; within a group, the caller's order. */
function groupBySeverity(due: readonly DueFinding[]): SeverityGroup[] {
  return [...SEVERITIES]
    .reverse()
    .map((severity) => ({ severity, findings: due.filter((finding) => finding.severity === severity) }))
    .filter((group) => group.findings.length > 0);
}

/** The display fields of one finding, each already a safe single line. */
function fields(finding: DueFinding) {
  return {
    name: toSafeLine(finding.displayName, NAME_MAX) || '(no name)',
    clientId: toSafeLine(finding.clientId, NAME_MAX),
    rule: `${toSafeLine(finding.ruleId, 100)} (${toSafeLine(finding.title, NAME_MAX)})`,
    severity: finding.severity,
    message: toSafeLine(finding.message, TEXT_MAX),
    remediation: toSafeLine(finding.remediation, TEXT_MAX),
    reason: REASON_TEXT[finding.dueReason],
  };
}

function resolvedLine(entry: ResolvedFinding): string {
  const name = toSafeLine(entry.displayName, NAME_MAX) || '(no name)';
  return `${name} (${toSafeLine(entry.clientId, NAME_MAX)}): ${toSafeLine(entry.ruleId, 100)}`;
}

function footerLines(input: DigestInput): string[] {
  return [
    `Run: ${toSafeLine(input.runId, 100)}`,
    `As of: ${toSafeLine(input.asOf, 100)}`,
    `Report: ${input.reportPath === null ? 'not written' : toSafeLine(input.reportPath, TEXT_MAX)}`,
  ];
}

function digestText({ tenant, intro, groups, resolved, resolvedMore, footer }: DigestBody): string {
  const lines = [`C1 credential hygiene: ${tenant}`, intro, ''];
  for (const group of groups) {
    lines.push(`== ${group.severity.toUpperCase()} (${group.findings.length}) ==`, '');
    for (const finding of group.findings) {
      const f = fields(finding);
      lines.push(
        `- ${f.name}`,
        `  Client ID:   ${f.clientId}`,
        `  Rule:        ${f.rule}`,
        `  Severity:    ${f.severity}`,
        `  Why now:     ${f.reason}`,
        `  Finding:     ${f.message}`,
        `  Remediation: ${f.remediation}`,
        '',
      );
    }
  }
  if (resolved.length > 0) {
    lines.push(`Resolved since the last alert (${resolved.length + resolvedMore}):`);
    for (const entry of resolved) lines.push(`- ${resolvedLine(entry)}`);
    if (resolvedMore > 0) lines.push(`- … and ${resolvedMore} more (see the report)`);
    lines.push('');
  }
  lines.push('--', ...footer);
  return `${lines.join('\n')}\n`;
}

function digestHtml({ tenant, intro, groups, resolved, resolvedMore, footer }: DigestBody): string {
  const parts = [`<h2 style="${MAIL_STYLE.heading}">C1 credential hygiene: ${escapeHtml(tenant)}</h2>`, `<p style="${MAIL_STYLE.paragraph}">${escapeHtml(intro)}</p>`];
  for (const group of groups) {
    parts.push(
      `<h3 style="${MAIL_STYLE.subheading}color:${SEVERITY_COLOURS[group.severity]};">${escapeHtml(group.severity.toUpperCase())} (${group.findings.length})</h3>`,
      htmlTable(
        ['Key', 'Client ID', 'Rule', 'Severity', 'Finding', 'Remediation', 'Why now'],
        group.findings.map((finding) => {
          const f = fields(finding);
          return [f.name, f.clientId, f.rule, f.severity, f.message, f.remediation, f.reason];
        }),
      ),
    );
  }
  if (resolved.length > 0) {
    parts.push(`<h3 style="${MAIL_STYLE.subheading}">Resolved since the last alert (${resolved.length + resolvedMore})</h3>`, '<ul>');
    for (const entry of resolved) parts.push(`<li>${escapeHtml(resolvedLine(entry))}</li>`);
    if (resolvedMore > 0) parts.push(`<li>… and ${resolvedMore} more (see the report)</li>`);
    parts.push('</ul>');
  }
  parts.push(`<p style="${MAIL_STYLE.footer}">${footer.map(escapeHtml).join('<br>')}</p>`);
  return htmlDocument(parts);
}
