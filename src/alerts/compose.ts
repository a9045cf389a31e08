import type { Owner } from '../keys/types.js';
import type { DueFinding, DueReason } from '../lifecycle/types.js';
import type { ResolvedFinding } from '../report/types.js';
import { escapeHtml, toSafeLine } from '../report/sanitize.js';
import { severityRank, type Severity } from '../severity.js';
import { AUTOMATED_MAIL_HEADERS, type MailAttachment, type MailMessage } from './types.js';
import { htmlDocument, htmlTable, MAIL_STYLE, safeHttpsUrl, SEVERITY_COLOURS } from './html.js';
import { keyAdvice } from './key-advice.js';

export type { MailMessage } from './types.js';

/** How the digest points at the full report. */
export type DigestReport =
  /** `report.publicUrl`: a link, nothing attached. */
  | { kind: 'link'; url: string }
  /** The HTML report of this run, attached. */
  | { kind: 'attached'; attachment: MailAttachment }
  /** No HTML report goes with the mail; `reason` says why, `path` is where the report is on the audit host. */
  | { kind: 'not-attached'; reason: string; path: string | null };

export interface DigestInput {
  tenant: string;
  /** From `selectDue`; grouped by key here, whatever their order. */
  due: readonly DueFinding[];
  resolvedSinceAlert: readonly ResolvedFinding[];
  runId: string;
  asOf: string;
  /** Where the full report is on the audit host; null when none was written. Used when `report` is not given. */
  reportPath: string | null;
  /** How the mail carries the report; overrides `reportPath`. */
  report?: DigestReport;
  from: string;
  to: readonly string[];
  /** Set for a key owner's own digest (their name or address, untrusted): the intro says whose keys these are. */
  ownerName?: string | null;
  /** Open findings of this digest's scope left out because they are below `alerts.minSeverity`. */
  belowMinSeverity?: { count: number; minSeverity: Severity } | null;
  /** `rules.longLived.maxDays`, for the expiry a replacement key should get. Default 365. */
  maxLifetimeDays?: number;
}

export const SUBJECT_PREFIX = '[c1-hygiene]';

/** Caps per value: a hostile 10 000-character display name renders as ~200 characters + "…". */
const NAME_MAX = 200;
const TEXT_MAX = 1000;
const ADVICE_MAX = 2000;
/** The resolved list is a courtesy; past this many, the report has the rest. */
const RESOLVED_LISTED_MAX = 50;
const DEFAULT_MAX_LIFETIME_DAYS = 365;

const REASON_TEXT: Record<DueReason, string> = {
  new: 'new finding',
  'severity-raised': 'severity raised since the last alert',
  renotify: 'reminder: still open',
};

/**
 * The digest e-mail of one channel for one run: the due findings grouped by
 * key, worst key first, each key with its owner and ONE "what to do" that
 * covers all of its findings. Pure: composing is separate from sending so
 * `--dry-run` can show what would be sent (the caller reads any attachment).
 *
 * Everything from the API is untrusted: each value is reduced to one safe
 * line (no CR/LF, control or bidi characters, length capped) and
 * HTML-escaped in the HTML part. Only the tenant reaches a header (the
 * subject); display names and owners never do.
 */
export function composeDigest(input: DigestInput): MailMessage {
  const tenant = toSafeLine(input.tenant, 100);
  const keys = groupByKey(input.due, input.maxLifetimeDays ?? DEFAULT_MAX_LIFETIME_DAYS);
  const highest = keys[0]?.worst;
  const count = input.due.length;
  const needs = `${count} credential finding${count === 1 ? ' needs' : 's need'} attention`;
  const subject = `${SUBJECT_PREFIX} ${tenant}: ${needs}${highest ? ` (highest: ${highest})` : ''}`;

  const resolvedListed = input.resolvedSinceAlert.slice(0, RESOLVED_LISTED_MAX);
  const resolvedMore = input.resolvedSinceAlert.length - resolvedListed.length;
  const owner = input.ownerName ? toSafeLine(input.ownerName, NAME_MAX) : null;
  const onKeys = `${keys.length === 1 ? 'One key' : `${keys.length} keys`}, worst first; one thing to do per key.`;
  const intro = owner ? `${needs} on keys you own in C1 (${owner}). ${onKeys}` : `${needs}. ${onKeys}`;
  const report = input.report ?? pathOnly(input.reportPath);
  const body: DigestBody = {
    tenant,
    intro,
    leftOut: leftOutLine(input.belowMinSeverity ?? null, owner !== null),
    keys,
    resolved: resolvedListed,
    resolvedMore,
    report,
    footer: [`Run: ${toSafeLine(input.runId, 100)}`, `As of: ${toSafeLine(input.asOf, 100)}`],
  };

  return {
    from: toSafeLine(input.from, 320),
    to: input.to.map((address) => toSafeLine(address, 320)),
    subject,
    text: digestText(body),
    html: digestHtml(body),
    headers: { ...AUTOMATED_MAIL_HEADERS },
    ...(report.kind === 'attached' ? { attachments: [report.attachment] } : {}),
  };
}

/** What both parts of the digest say, already sanitised; the text and HTML renderers only lay it out. */
interface DigestBody {
  tenant: string;
  /** The sentence under the heading. */
  intro: string;
  /** How many findings below the threshold were left out; null when none. */
  leftOut: string | null;
  keys: KeyEntry[];
  resolved: readonly ResolvedFinding[];
  /** How many resolved findings were left out of `resolved`. */
  resolvedMore: number;
  report: DigestReport;
  footer: string[];
}

/** One key of the digest, every field a safe single line. */
interface KeyEntry {
  worst: Severity;
  name: string;
  clientId: string;
  /** "Alice Example, alice@example.com, status ENABLED", or "owner unknown". */
  owner: string;
  findings: FindingEntry[];
  advice: string;
  references: { url: string; rules: string }[];
}

interface FindingEntry {
  severity: Severity;
  rule: string;
  message: string;
  reason: string;
}

/**
 * Due findings by key, worst key first (by its worst due finding; on a tie,
 * the key whose worst finding the caller listed first); within a key, worst
 * finding first, ties in the caller's order.
 */
function groupByKey(due: readonly DueFinding[], maxLifetimeDays: number): KeyEntry[] {
  const byKey = new Map<string, { finding: DueFinding; index: number }[]>();
  due.forEach((finding, index) => {
    const findings = byKey.get(finding.credentialId) ?? [];
    findings.push({ finding, index });
    byKey.set(finding.credentialId, findings);
  });
  const worstFirst = (a: { finding: DueFinding; index: number }, b: { finding: DueFinding; index: number }) =>
    severityRank(b.finding.severity) - severityRank(a.finding.severity) || a.index - b.index;
  const groups = [...byKey.values()].map((entries) => [...entries].sort(worstFirst));
  groups.sort((a, b) => worstFirst(a[0]!, b[0]!));
  return groups.map((entries) => {
    const findings = entries.map((entry) => entry.finding);
    const first = findings[0]!;
    const advice = keyAdvice(findings, { maxLifetimeDays });
    return {
      worst: first.severity,
      name: toSafeLine(first.displayName, NAME_MAX) || '(no name)',
      clientId: toSafeLine(first.clientId, NAME_MAX),
      owner: ownerLine(first.owner),
      findings: findings.map((finding) => ({
        severity: finding.severity,
        rule: `${toSafeLine(finding.ruleId, 100)} (${toSafeLine(finding.title, NAME_MAX)})`,
        message: toSafeLine(finding.message, TEXT_MAX),
        reason: REASON_TEXT[finding.dueReason],
      })),
      advice: toSafeLine(advice.text, ADVICE_MAX),
      references: advice.references.map((reference) => ({
        url: toSafeLine(reference.url, TEXT_MAX),
        rules: reference.ruleIds.map((id) => toSafeLine(id, 100)).join(', '),
      })),
    };
  });
}

function ownerLine(owner: Owner | null): string {
  if (owner === null) return 'owner unknown';
  const parts = [owner.displayName, owner.email].filter((part): part is string => part !== null).map((part) => toSafeLine(part, NAME_MAX)).filter(Boolean);
  const who = parts.length > 0 ? parts.join(', ') : `user ${toSafeLine(owner.id, 100)}`;
  return `${who}, status ${toSafeLine(owner.status, 40)}`;
}

function leftOutLine(below: { count: number; minSeverity: Severity } | null, ownerDigest: boolean): string | null {
  if (below === null || below.count === 0) return null;
  const whose = ownerDigest ? ' on your keys' : '';
  const findings = `${below.count} open finding${below.count === 1 ? '' : 's'}`;
  return `${findings}${whose} below ${below.minSeverity} (alerts.minSeverity) ${below.count === 1 ? 'is' : 'are'} not listed here; the report has them.`;
}

function pathOnly(path: string | null): DigestReport {
  return { kind: 'not-attached', reason: path === null ? '' : 'the report is on the audit host', path };
}

function resolvedLine(entry: ResolvedFinding): string {
  const name = toSafeLine(entry.displayName, NAME_MAX) || '(no name)';
  return `${name} (${toSafeLine(entry.clientId, NAME_MAX)}): ${toSafeLine(entry.ruleId, 100)}`;
}

/** The report line of the text part. */
function reportText(report: DigestReport): string {
  switch (report.kind) {
    case 'link':
      return `Full report: ${toSafeLine(report.url, TEXT_MAX)}`;
    case 'attached':
      return `Full report: attached (${toSafeLine(report.attachment.filename, 200)})`;
    case 'not-attached':
    {
      const reason = report.reason === '' ? '' : ` (${toSafeLine(report.reason, TEXT_MAX)})`;
      return `Full report: ${report.path === null ? 'not written' : toSafeLine(report.path, TEXT_MAX)}${reason}`;
    }
  }
}

function digestText({ tenant, intro, leftOut, keys, resolved, resolvedMore, report, footer }: DigestBody): string {
  const lines = [`C1 credential hygiene: ${tenant}`, intro];
  if (leftOut !== null) lines.push(leftOut);
  lines.push(reportText(report), '');
  keys.forEach((key, index) => {
    lines.push(`== ${index + 1}. ${key.name} [${key.worst.toUpperCase()}] ==`, `Client ID:   ${key.clientId}`, `Owner:       ${key.owner}`, 'Findings:');
    for (const finding of key.findings) {
      lines.push(`  - ${finding.rule}`, `    Severity:  ${finding.severity}`, `    Why now:   ${finding.reason}`, `    Finding:   ${finding.message}`);
    }
    lines.push(`What to do:  ${key.advice}`);
    for (const reference of key.references) lines.push(`Read more:   ${reference.url} (${reference.rules})`);
    lines.push('');
  });
  if (resolved.length > 0) {
    lines.push(`Resolved since the last alert (${resolved.length + resolvedMore}):`);
    for (const entry of resolved) lines.push(`- ${resolvedLine(entry)}`);
    if (resolvedMore > 0) lines.push(`- … and ${resolvedMore} more (see the report)`);
    lines.push('');
  }
  lines.push('--', ...footer);
  return `${lines.join('\n')}\n`;
}

/** The report paragraph of the HTML part (escaped; a link only for a plain https URL). */
function reportHtml(report: DigestReport): string {
  if (report.kind === 'link') {
    const url = toSafeLine(report.url, TEXT_MAX);
    const href = safeHttpsUrl(url);
    return href === null ? `Full report: ${escapeHtml(url)}` : `Full report: <a href="${escapeHtml(href)}">${escapeHtml(url)}</a>`;
  }
  return escapeHtml(reportText(report));
}

function linkOrText(url: string, label: string): string {
  const href = safeHttpsUrl(url);
  return href === null ? `${escapeHtml(url)} (${escapeHtml(label)})` : `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>`;
}

function digestHtml({ tenant, intro, leftOut, keys, resolved, resolvedMore, report, footer }: DigestBody): string {
  const parts = [`<h2 style="${MAIL_STYLE.heading}">C1 credential hygiene: ${escapeHtml(tenant)}</h2>`, `<p style="${MAIL_STYLE.paragraph}">${escapeHtml(intro)}</p>`];
  if (leftOut !== null) parts.push(`<p style="${MAIL_STYLE.paragraph}">${escapeHtml(leftOut)}</p>`);
  parts.push(`<p style="${MAIL_STYLE.paragraph}">${reportHtml(report)}</p>`);
  keys.forEach((key, index) => {
    const colour = SEVERITY_COLOURS[key.worst] ?? SEVERITY_COLOURS.info;
    parts.push(
      `<h3 style="${MAIL_STYLE.subheading}">${index + 1}. ${escapeHtml(key.name)} <span style="color:${colour};">[${escapeHtml(key.worst.toUpperCase())}]</span></h3>`,
      `<p style="${MAIL_STYLE.paragraph}">Client ID: ${escapeHtml(key.clientId)}<br>Owner: ${escapeHtml(key.owner)}</p>`,
      htmlTable(
        ['Severity', 'Rule', 'Finding', 'Why now'],
        key.findings.map((finding) => [finding.severity, finding.rule, finding.message, finding.reason]),
      ),
      `<p style="${MAIL_STYLE.advice}"><strong>What to do:</strong> ${escapeHtml(key.advice)}</p>`,
      `<p style="${MAIL_STYLE.paragraph}">Read more: ${key.references.map((reference) => linkOrText(reference.url, reference.rules)).join(' · ')}</p>`,
    );
  });
  if (resolved.length > 0) {
    parts.push(`<h3 style="${MAIL_STYLE.subheading}">Resolved since the last alert (${resolved.length + resolvedMore})</h3>`, '<ul>');
    for (const entry of resolved) parts.push(`<li>${escapeHtml(resolvedLine(entry))}</li>`);
    if (resolvedMore > 0) parts.push(`<li>… and ${resolvedMore} more (see the report)</li>`);
    parts.push('</ul>');
  }
  parts.push(`<p style="${MAIL_STYLE.footer}">${footer.map(escapeHtml).join('<br>')}</p>`);
  return htmlDocument(parts);
}
