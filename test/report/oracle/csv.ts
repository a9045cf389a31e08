// Frozen: the string renderer as it was before rendering became a stream (see ./index.ts). Do not edit to follow src/.
import { compareFindings } from '../../../src/rules/evaluate.js';
import type { AuditReport } from '../../../src/report/types.js';

/** The columns, in order, exactly as the contract names them. */
export const CSV_COLUMNS = [
  'severity',
  'ruleId',
  'credentialId',
  'clientId',
  'displayName',
  'ownerEmail',
  'message',
  'firstSeenAt',
  'fingerprint',
] as const;

/**
 * One row per open finding, worst first: RFC 4180 (every line ends with
 * CRLF, a field holding a comma, quote, CR or LF is quoted with inner quotes
 * doubled), UTF-8 without a byte-order mark, so the header is exactly the
 * column names. Pure.
 */
export function renderCsv(report: AuditReport): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const finding of [...report.findings].sort(compareFindings)) {
    const row: Record<(typeof CSV_COLUMNS)[number], string> = {
      severity: finding.severity,
      ruleId: finding.ruleId,
      credentialId: finding.credentialId,
      clientId: finding.clientId,
      displayName: finding.displayName,
      ownerEmail: finding.owner?.email ?? '',
      message: finding.message,
      firstSeenAt: finding.firstSeenAt,
      fingerprint: finding.fingerprint,
    };
    lines.push(CSV_COLUMNS.map((column) => csvField(row[column])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * Spreadsheets run a cell that starts with one of these as a formula
 * (`=HYPERLINK(…)`, `@SUM(…)`, `-2+3`, a tab or CR before one); a display name
 * is anyone's text, so such a cell is defused with a leading apostrophe.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One field: defused, then quoted when RFC 4180 requires it. */
export function csvField(value: string): string {
  const defused = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(defused) ? `"${defused.replace(/"/g, '""')}"` : defused;
}
