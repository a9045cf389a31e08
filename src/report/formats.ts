/**
 * The formats a report can be written in. JSON is the report itself and is
 * always written; the others are renderings of it. Kept free of imports so
 * the config schema can name them without depending on the renderers.
 */
export const REPORT_FORMATS = ['json', 'html', 'csv', 'ocsf'] as const;

export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const DEFAULT_REPORT_FORMATS: readonly ReportFormat[] = ['json', 'html'];

export function isReportFormat(value: unknown): value is ReportFormat {
  return typeof value === 'string' && (REPORT_FORMATS as readonly string[]).includes(value);
}
