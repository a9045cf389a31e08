import type { ReportFormat } from '../formats.js';
import type { AuditReport } from '../types.js';
import { renderCsv } from './csv.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderOcsf } from './ocsf.js';

/** How one format is rendered and what its files are called (`report-<ts>.<extension>`, `latest.<extension>`). */
export interface Renderer {
  extension: string;
  mediaType: string;
  render(report: AuditReport): string;
}

export const RENDERERS: Record<ReportFormat, Renderer> = {
  json: { extension: 'json', mediaType: 'application/json', render: renderJson },
  html: { extension: 'html', mediaType: 'text/html; charset=utf-8', render: renderHtml },
  csv: { extension: 'csv', mediaType: 'text/csv; charset=utf-8', render: renderCsv },
  ocsf: { extension: 'ocsf.json', mediaType: 'application/json', render: renderOcsf },
};

/** The formats to write for one run: JSON first and always, then the others once each, in the order asked. */
export function formatsToWrite(formats: readonly ReportFormat[]): ReportFormat[] {
  return [...new Set<ReportFormat>(['json', ...formats])];
}
