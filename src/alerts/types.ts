/**
 * A composed email, independent of how it is sent: `--dry-run` prints it,
 * the SMTP mailer sends it, `demo` captures it.
 */
export interface MailMessage {
  from: string;
  to: string[];
  /** Already a single safe line (no CR/LF/control characters). */
  subject: string;
  text: string;
  html: string;
  /** Files sent with the message (the HTML report); their names never come from API data. */
  attachments?: MailAttachment[];
  /** Extra fixed headers (e.g. Auto-Submitted); never built from API data. */
  headers?: Record<string, string>;
}

/** Headers that tell auto-responders and mail filters this is machine mail. */
export const AUTOMATED_MAIL_HEADERS: Readonly<Record<string, string>> = {
  'Auto-Submitted': 'auto-generated',
  'X-Auto-Response-Suppress': 'All',
};

export interface MailAttachment {
  /** A name we chose (e.g. `report-20261126T070000.000Z.html`), never API data: it ends up in a MIME header. */
  filename: string;
  contentType: string;
  content: Buffer;
}
