import type { ReportFormat } from '../formats.js';
import type { AuditReport } from '../types.js';
import { renderCsv, renderCsvChunks } from './csv.js';
import { renderHtml, renderHtmlChunks } from './html.js';
import { renderJson, renderJsonChunks } from './json.js';
import { renderOcsf, renderOcsfChunks } from './ocsf.js';

/** How one format is rendered and what its files are called (`report-<ts>.<extension>`, `latest.<extension>`). */
export interface Renderer {
  extension: string;
  mediaType: string;
  /** The whole rendering as one string: for small reports and callers that need it at once. */
  render(report: AuditReport): string;
  /**
   * The same bytes in pieces (joined, exactly `render`'s string), produced as
   * they are read: what the report writer streams to disk, so a large report
   * is never held as one string.
   */
  chunks(report: AuditReport): Iterable<string>;
}

export const RENDERERS: Record<ReportFormat, Renderer> = {
  json: { extension: 'json', mediaType: 'application/json', render: renderJson, chunks: renderJsonChunks },
  html: { extension: 'html', mediaType: 'text/html; charset=utf-8', render: renderHtml, chunks: renderHtmlChunks },
  csv: { extension: 'csv', mediaType: 'text/csv; charset=utf-8', render: renderCsv, chunks: renderCsvChunks },
  ocsf: { extension: 'ocsf.json', mediaType: 'application/json', render: renderOcsf, chunks: renderOcsfChunks },
};

/** The formats to write for one run: JSON first and always, then the others once each, in the order asked. */
export function formatsToWrite(formats: readonly ReportFormat[]): ReportFormat[] {
  return [...new Set<ReportFormat>(['json', ...formats])];
}
