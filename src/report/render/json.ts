import type { AuditReport } from '../types.js';

/** The report itself: two-space indentation and a final newline, as always written. */
export function renderJson(report: AuditReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
