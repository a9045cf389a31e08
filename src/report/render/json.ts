import type { AuditReport } from '../types.js';
import { jsonChunks } from './json-chunks.js';

/** The report itself: two-space indentation and a final newline, as always written. */
export function renderJson(report: AuditReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * The same bytes as `renderJson`, in pieces: the top-level fields, then each
 * client, finding, suppressed and resolved finding, warning and rule alone.
 */
export function* renderJsonChunks(report: AuditReport): Generator<string> {
  yield* jsonChunks(report, 2);
  yield '\n';
}
