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
  /** Extra fixed headers (e.g. Auto-Submitted); never built from API data. */
  headers?: Record<string, string>;
}

/** Headers that tell auto-responders and mail filters this is machine mail. */
export const AUTOMATED_MAIL_HEADERS: Readonly<Record<string, string>> = {
  'Auto-Submitted': 'auto-generated',
  'X-Auto-Response-Suppress': 'All',
};
