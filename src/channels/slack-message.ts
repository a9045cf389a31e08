import type { DueFinding, DueReason } from '../lifecycle/types.js';
import type { ResolvedFinding } from '../report/types.js';
import { toSafeLine } from '../report/sanitize.js';
import { SEVERITIES, severityRank, type Severity } from '../severity.js';
import type { DigestDelivery, FailureNoticeDelivery } from './types.js';

/**
 * The Slack message of a run: pure, so `--dry-run` shows exactly what would
 * be posted.
 *
 * Everything from the API is untrusted. Each value is first made one safe
 * line (control and bidi characters removed, see report/sanitize.ts), then
 * Slack's three control characters are escaped (`&` `<` `>`), so a display
 * name cannot ping `<!channel>` or forge `<https://evil|a link>`; the
 * message sets neither `link_names` nor `parse`, so a bare `@here` stays
 * text. The tool's own wording never uses those three characters either.
 *
 * Slack refuses a message with more than 50 blocks or a section text over
 * 3,000 characters; lengths are counted after escaping, in UTF-16 units (the
 * stricter count). One block lists one key; a list that does not fit ends
 * with "and N more keys" and says where the full report is.
 */

export const SLACK_LIMITS = {
  blocks: 50,
  /** Characters of one section's text. */
  sectionText: 3000,
  /** All texts together: Slack keeps at most 40,000 characters of a message. */
  totalText: 40_000,
} as const;

export interface SlackTextObject {
  type: 'mrkdwn';
  text: string;
}

export interface SlackSectionBlock {
  type: 'section';
  text: SlackTextObject;
}

/** The JSON body posted to the incoming webhook. */
export interface SlackMessage {
  /** Shown in notifications and by clients that cannot show blocks. */
  text: string;
  blocks: SlackSectionBlock[];
}

const SEVERITY_MARK: Record<Severity, string> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  medium: ':large_yellow_circle:',
  low: ':large_blue_circle:',
  info: ':white_circle:',
};

const REASON_TEXT: Record<DueReason, string> = {
  new: 'new',
  'severity-raised': 'severity raised',
  renotify: 'reminder, still open',
};

/** Caps per value, in characters after escaping. */
const CAP = { tenant: 150, name: 150, clientId: 150, email: 150, ruleId: 60, title: 120, location: 1000, id: 100, error: 2000 };
/** Room kept in a key's block for the line saying how many of its findings did not fit. */
const KEY_MORE_RESERVE = 80;
/** Room kept for the footer and the resolved list when filling the message. */
const FOOTER_RESERVE = 1200;
const RESOLVED_MAX = 1500;

/** Escapes Slack's control characters; the only three Slack asks clients to escape. */
export function escapeMrkdwn(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Untrusted text as one escaped line of at most `max` characters, ending in
 * "…" when cut. The cut never splits an escape (`&amp;`) or a surrogate pair.
 */
export function slackText(value: string, max: number): string {
  // toSafeLine caps code points before escaping; escaping can then grow the text up to five times.
  return fitEscaped(escapeMrkdwn(toSafeLine(value, max)), max);
}

function fitEscaped(escaped: string, max: number): string {
  if (escaped.length <= max) return escaped;
  let cut = escaped.slice(0, Math.max(0, max - 1));
  const amp = cut.lastIndexOf('&');
  if (amp !== -1 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}

function section(text: string): SlackSectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

interface KeyGroup {
  findings: DueFinding[];
  worst: number;
}

/** Due findings by key, worst key first; within a key, worst finding first (stable, so the caller's order breaks ties). */
function groupByKey(due: readonly DueFinding[]): KeyGroup[] {
  const groups = new Map<string, KeyGroup>();
  for (const finding of due) {
    const group = groups.get(finding.credentialId) ?? { findings: [], worst: -1 };
    group.findings.push(finding);
    group.worst = Math.max(group.worst, severityRank(finding.severity));
    groups.set(finding.credentialId, group);
  }
  const ordered = [...groups.values()].sort((a, b) => b.worst - a.worst);
  for (const group of ordered) group.findings.sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  return ordered;
}

function severityCounts(due: readonly DueFinding[]): string {
  return [...SEVERITIES]
    .reverse()
    .map((severity) => [severity, due.filter((finding) => finding.severity === severity).length] as const)
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => `${count} ${severity}`)
    .join(' · ');
}

function findingLine(finding: DueFinding, room: number): string {
  const rank = SEVERITIES.includes(finding.severity) ? finding.severity : 'info';
  const head =
    `${SEVERITY_MARK[rank]} *${rank.toUpperCase()}* · ${slackText(finding.ruleId, CAP.ruleId)}: ` +
    `${slackText(finding.title, CAP.title)} _(${REASON_TEXT[finding.dueReason] ?? 'due'})_`;
  // What is left of this finding's share goes half to the finding, half to what to do.
  const share = Math.max(80, Math.floor((room - head.length - 20) / 2));
  return `${head}\n${slackText(finding.message, share) || '(no message)'}\n_What to do:_ ${slackText(finding.remediation, share)}`;
}

/** One key and its due findings in one section of at most 3,000 characters. */
function keyBlockText(group: KeyGroup): string {
  const first = group.findings[0] as DueFinding;
  const owner = first.owner?.email ? ` · owner ${slackText(first.owner.email, CAP.email)}` : '';
  const header = `*${slackText(first.displayName, CAP.name) || '(no name)'}* · ${slackText(first.clientId, CAP.clientId)}${owner}`;
  const available = SLACK_LIMITS.sectionText - header.length - KEY_MORE_RESERVE;
  const room = Math.max(300, Math.floor(available / group.findings.length));
  let text = header;
  let shown = 0;
  for (const finding of group.findings) {
    const line = `\n${findingLine(finding, room)}`;
    if (text.length + line.length > SLACK_LIMITS.sectionText - KEY_MORE_RESERVE) break;
    text += line;
    shown += 1;
  }
  const left = group.findings.length - shown;
  if (left > 0) text += `\n_and ${plural(left, 'more finding')} on this key, in the full report_`;
  return text;
}

function resolvedText(resolved: readonly ResolvedFinding[]): string {
  let text = `*Resolved since the last alert (${resolved.length}):*`;
  let shown = 0;
  for (const entry of resolved) {
    const line = `\n${slackText(entry.displayName, CAP.name) || '(no name)'} (${slackText(entry.clientId, CAP.clientId)}): ${slackText(entry.ruleId, CAP.ruleId)}`;
    if (text.length + line.length > RESOLVED_MAX) break;
    text += line;
    shown += 1;
  }
  if (shown < resolved.length) text += `\nand ${resolved.length - shown} more`;
  return text;
}

function reportWhere(location: string | null, runId: string): string {
  return location === null
    ? `the report of run ${slackText(runId, CAP.id)} (not written: dry run)`
    : slackText(location, CAP.location);
}

/** The digest of one run for Slack: header, one block per due key (worst first), resolved, footer. */
export function composeSlackDigest(delivery: DigestDelivery): SlackMessage {
  const tenant = slackText(delivery.tenant, CAP.tenant) || '(unknown tenant)';
  const groups = groupByKey(delivery.due);
  const count = delivery.due.length;
  const needs = `${plural(count, 'finding')} on ${plural(groups.length, 'key')} ${count === 1 ? 'needs' : 'need'} attention`;
  const counts = severityCounts(delivery.due);
  const highest = groups.length > 0 ? SEVERITIES[groups[0]?.worst ?? 0] : undefined;

  const blocks: SlackSectionBlock[] = [section(`*C1 credential hygiene: ${tenant}*\n${needs}: ${counts}`)];
  const resolved = delivery.resolved.length > 0 ? resolvedText(delivery.resolved) : null;
  // Header, the optional resolved block and the footer take their blocks first.
  const keyBlocksMax = SLACK_LIMITS.blocks - 2 - (resolved === null ? 0 : 1);
  let total = (blocks[0] as SlackSectionBlock).text.text.length + (resolved?.length ?? 0) + FOOTER_RESERVE;
  let shownKeys = 0;
  for (const group of groups) {
    if (shownKeys >= keyBlocksMax) break;
    const text = keyBlockText(group);
    if (total + text.length > SLACK_LIMITS.totalText) break;
    blocks.push(section(text));
    total += text.length;
    shownKeys += 1;
  }
  if (resolved !== null) blocks.push(section(resolved));

  const moreKeys = groups.length - shownKeys;
  const where = reportWhere(delivery.reportLocation, delivery.runId);
  // The cut list ends the message: "and N more keys", then where they are.
  const footer = [
    `Run ${slackText(delivery.runId, CAP.id)} · as of ${slackText(delivery.asOf, CAP.id)}`,
    moreKeys > 0 ? `and ${plural(moreKeys, 'more key')}: the full list is in ${where}` : `Full report: ${where}`,
  ].join('\n');
  blocks.push(section(footer));

  return {
    text: `C1 credential hygiene: ${tenant}: ${needs}${highest ? ` (highest: ${highest})` : ''}`,
    blocks,
  };
}

/** The short message posted once per streak of failed audits. */
export function composeSlackFailureNotice(notice: FailureNoticeDelivery): SlackMessage {
  const tenant = slackText(notice.tenant, CAP.tenant) || '(unknown tenant)';
  const headline = `C1 credential hygiene: the audit of ${tenant} failed`;
  return {
    text: headline,
    blocks: [
      section(
        [
          `*${headline}*`,
          `Error: ${slackText(notice.error, CAP.error) || '(no error message)'}`,
          `Started ${slackText(notice.startedAt, CAP.id)} · run ${slackText(notice.runId, CAP.id)}`,
          'Audits keep running on schedule; there is no further notice until an audit succeeds and then fails again.',
        ].join('\n'),
      ),
    ],
  };
}

/** Slack answers a refused webhook post with a short token (`no_service`, `invalid_payload`); anything else is not quoted. */
export function slackRefusalReason(body: string): string | null {
  const token = body.trim();
  return /^[a-z0-9_]{1,64}$/.test(token) ? token : null;
}
