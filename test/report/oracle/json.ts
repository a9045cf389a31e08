// Frozen: the string renderer as it was before rendering became a stream (see ./index.ts). Do not edit to follow src/.
import type { AuditReport } from '../../../src/report/types.js';

/** The report itself: two-space indentation and a final newline, as always written. */
export function renderJson(report: AuditReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
