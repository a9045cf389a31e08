import type { ReportFormat } from '../../../src/report/formats.js';
import type { AuditReport } from '../../../src/report/types.js';
import { renderCsv } from './csv.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderOcsf } from './ocsf.js';

/**
 * The report's renderers as they were when each format was built as one
 * string, kept verbatim as the reference the streamed renderers and writer
 * must match byte for byte. They share the small helpers (escaping, sorting,
 * the page's assets) with src/, so only how the output is put together is
 * frozen here. When a format's output changes on purpose, change its oracle
 * in the same commit.
 */
export const ORACLE_RENDERERS: Record<ReportFormat, (report: AuditReport) => string> = {
  json: renderJson,
  html: renderHtml,
  csv: renderCsv,
  ocsf: renderOcsf,
};
