import type { AuditReportShape, ReportClientShape, ResolvedFindingShape } from './schema.js';

/**
 * The report's types, derived from its schema (`./schema.ts`) so the JSON
 * Schema published in `config/report.schema.json` and the code cannot disagree.
 */

/** One scanned key as listed in the report; `owner` is null when it could not be resolved. */
export type ReportClient = ReportClientShape;

/**
 * A finding open in the previous run and gone now. It keeps the severity it
 * last had and its rule's title, so readers (and OCSF "Close" events) can
 * still say how bad it was.
 */
export type ResolvedFinding = ResolvedFindingShape;

/** The JSON report of one audit (written reports never carry `dryRun`). */
export type AuditReport = Omit<AuditReportShape, '$schema' | 'dryRun'>;
