import { SUBJECT_PREFIX } from '../alerts/compose.js';
import { htmlDocument, htmlTable, MAIL_STYLE } from '../alerts/html.js';
import { AUTOMATED_MAIL_HEADERS, type MailMessage } from '../alerts/types.js';
import { escapeHtml, toSafeLine } from '../report/sanitize.js';
import type { KeyResult, RemediationRecord } from './types.js';

const NAME_MAX = 200;
const TEXT_MAX = 1000;

export interface RemediationMailInput {
  record: RemediationRecord;
  /** Where the record was written; null when it could not be. */
  recordPath: string | null;
  from: string;
  to: readonly string[];
}

const SECTIONS = [
  { status: 'deleted', title: 'Deleted' },
  { status: 'failed', title: 'Not deleted: failed' },
  { status: 'skipped', title: 'Not deleted: skipped' },
] as const;

/**
 * The one message of an `--apply`: what was deleted, skipped and failed.
 * Pure. Escaped like the digest: every value from the API or the plan is
 * reduced to one safe line and HTML-escaped; only the tenant reaches the
 * subject.
 */
export function composeRemediationMail(input: RemediationMailInput): MailMessage {
  const { record } = input;
  const tenant = toSafeLine(record.tenant, 100);
  const { deleted, skipped, failed } = record.summary;
  const subject = `${SUBJECT_PREFIX} ${tenant}: remediation deleted ${deleted} key${deleted === 1 ? '' : 's'} (${skipped} skipped, ${failed} failed)`;
  const intro = `Applying a reviewed remediation plan to ${tenant} deleted ${deleted} of ${record.summary.planned} planned key${record.summary.planned === 1 ? '' : 's'}. Deleted keys cannot be restored.`;
  const footer = [
    `Run: ${toSafeLine(record.runId, 100)}`,
    `Plan: ${toSafeLine(record.planPath, TEXT_MAX)} (sha256 ${toSafeLine(record.planSha256, 64)})`,
    `Record: ${input.recordPath === null ? 'could not be written (see the service logs)' : toSafeLine(input.recordPath, TEXT_MAX)}`,
  ];
  const sections = SECTIONS.map((section) => ({
    title: section.title,
    rows: record.keys.filter((key) => key.outcome.status === section.status).map(row),
  })).filter((section) => section.rows.length > 0);

  const text = [`C1 credential hygiene: ${tenant}`, intro, ''];
  for (const section of sections) {
    text.push(`== ${section.title} (${section.rows.length}) ==`, '');
    for (const r of section.rows) {
      text.push(`- ${r.name}`, `  Client ID: ${r.clientId}`, `  Owner:     ${r.owner}`);
      if (r.detail !== '') text.push(`  Why:       ${r.detail}`);
      text.push('');
    }
  }
  text.push('--', ...footer);

  const html = [`<h2 style="${MAIL_STYLE.heading}">C1 credential hygiene: ${escapeHtml(tenant)}</h2>`, `<p style="${MAIL_STYLE.paragraph}">${escapeHtml(intro)}</p>`];
  for (const section of sections) {
    html.push(
      `<h3 style="${MAIL_STYLE.subheading}">${escapeHtml(section.title)} (${section.rows.length})</h3>`,
      htmlTable(['Key', 'Client ID', 'Owner', 'Why'], section.rows.map((r) => [r.name, r.clientId, r.owner, r.detail])),
    );
  }
  html.push(`<p style="${MAIL_STYLE.footer}">${footer.map(escapeHtml).join('<br>')}</p>`);

  return {
    from: toSafeLine(input.from, 320),
    to: input.to.map((address) => toSafeLine(address, 320)),
    subject,
    text: `${text.join('\n')}\n`,
    html: htmlDocument(html),
    headers: { ...AUTOMATED_MAIL_HEADERS },
  };
}

function row(key: KeyResult): { name: string; clientId: string; owner: string; detail: string } {
  const owner = key.owner ? toSafeLine(key.owner.email ?? key.owner.displayName ?? key.owner.id, NAME_MAX) : 'unknown';
  const detail = key.outcome.status === 'skipped' ? key.outcome.reason : key.outcome.status === 'failed' ? key.outcome.error : '';
  return {
    name: toSafeLine(key.displayName, NAME_MAX) || '(no name)',
    clientId: toSafeLine(key.clientId, NAME_MAX),
    owner: owner || 'unknown',
    detail: toSafeLine(detail, TEXT_MAX),
  };
}
