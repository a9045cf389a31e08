import { escapeHtml, toSafeLine } from '../report/sanitize.js';
import { SUBJECT_PREFIX } from './compose.js';
import { htmlDocument, MAIL_STYLE } from './html.js';
import { AUTOMATED_MAIL_HEADERS, type MailMessage } from './types.js';

export interface FailureNoticeInput {
  tenant: string;
  /** The audit error's message (already secret-free; still sanitised, it may quote API text). */
  error: string;
  /** When the failing run (or the failure streak) started, ISO. */
  startedAt: string;
  runId: string;
  from: string;
  to: readonly string[];
}

const NEXT_STEPS =
  'Audits keep running on schedule. You will not get another notice until an audit succeeds and fails again. ' +
  'Until then, check the service logs for details.';

/** The one email sent when an audit fails (exit 3), once per run of consecutive failures. Pure. */
export function composeFailureNotice(input: FailureNoticeInput): MailMessage {
  const tenant = toSafeLine(input.tenant, 100) || '(unknown tenant)';
  const error = toSafeLine(input.error, 2000) || '(no error message)';
  const facts = [`Run: ${toSafeLine(input.runId, 100)}`, `Started: ${toSafeLine(input.startedAt, 100)}`];

  const text = [
    `C1 credential hygiene: the audit of ${tenant} failed.`,
    '',
    `Error: ${error}`,
    '',
    NEXT_STEPS,
    '',
    '--',
    ...facts,
    '',
  ].join('\n');

  const html = htmlDocument([
    `<h2 style="${MAIL_STYLE.heading}">C1 credential hygiene: the audit of ${escapeHtml(tenant)} failed</h2>`,
    `<p style="${MAIL_STYLE.paragraph}"><strong>Error:</strong> ${escapeHtml(error)}</p>`,
    `<p style="${MAIL_STYLE.paragraph}">${escapeHtml(NEXT_STEPS)}</p>`,
    `<p style="${MAIL_STYLE.footer}">${facts.map(escapeHtml).join('<br>')}</p>`,
  ]);

  return {
    from: toSafeLine(input.from, 320),
    to: input.to.map((address) => toSafeLine(address, 320)),
    subject: `${SUBJECT_PREFIX} ${tenant}: audit failed`,
    text,
    html,
    headers: { ...AUTOMATED_MAIL_HEADERS },
  };
}
