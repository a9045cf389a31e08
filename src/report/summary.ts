import { compareFindings } from '../rules/evaluate.js';
import { SEVERITIES } from '../severity.js';
import type { Finding } from '../rules/types.js';
import { toSafeLine } from './sanitize.js';
import type { AuditReport } from './types.js';

export interface SummaryOptions {
  /** How many of the worst findings to list (default 5; 0 lists none). */
  worst?: number;
  /** Where the report was written; null says it was not written (dry run); omitted says nothing. */
  reportPath?: string | null;
}

const DEFAULT_WORST = 5;
const WARNINGS_SHOWN = 3;

/** Display names and messages are cut so one hostile value cannot flood the terminal. */
const MAX_VALUE_LENGTH = 120;

/**
 * The short human summary printed on stdout after an audit. Plain text, no
 * colour codes; every API-provided string goes through `toSafeLine`, so a
 * display name cannot move the cursor or fake extra lines.
 */
export function renderSummary(report: AuditReport, options: SummaryOptions = {}): string {
  const worst = Math.max(0, options.worst ?? DEFAULT_WORST);
  const { summary } = report;
  const lines: string[] = [];

  lines.push(`C1 credential hygiene: ${safe(report.tenant)} (as of ${safe(report.asOf)})`);
  lines.push(
    `Keys: ${summary.clientsScanned} scanned, ${summary.clientsSkipped} skipped` +
      (summary.clientsDeleted > 0 ? `, ${summary.clientsDeleted} deleted (not scanned)` : ''),
  );
  const bySeverity = [...SEVERITIES]
    .reverse()
    .map((severity) => `${severity} ${summary.bySeverity[severity] ?? 0}`)
    .join(', ');
  lines.push(`Findings: ${summary.findings} (${bySeverity})`);

  const ranked = worstFirst(report.findings);
  if (worst > 0 && ranked.length > 0) {
    lines.push(`Worst findings:`);
    for (const finding of ranked.slice(0, worst)) {
      lines.push(
        `  [${finding.severity}] ${safe(finding.displayName) || '(no name)'} (${safe(finding.clientId)}) ${safe(finding.ruleId)}: ${safe(finding.message)}`,
      );
    }
    if (ranked.length > worst) lines.push(`  … and ${ranked.length - worst} more`);
  }

  lines.push(`Suppressed: ${summary.suppressed}, resolved since last run: ${summary.resolved}, warnings: ${report.warnings.length}`);
  // Data problems change what the findings mean (a key skipped, a rule not run), so the first few are shown.
  for (const warning of report.warnings.slice(0, WARNINGS_SHOWN)) {
    lines.push(`  warning: ${warning.credentialId === null ? '' : `${safe(warning.credentialId)} `}${safe(warning.field)}: ${safe(warning.message)}`);
  }
  if (report.warnings.length > WARNINGS_SHOWN) lines.push(`  … and ${report.warnings.length - WARNINGS_SHOWN} more warnings in the report`);
  if (options.reportPath === null) lines.push('Report: not written');
  else if (options.reportPath !== undefined) lines.push(`Report: ${safe(options.reportPath, 1000)}`);

  return `${lines.join('\n')}\n`;
}

/** Highest severity first, in the report's own (locale-independent) order. */
function worstFirst(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}

function safe(value: string, maxLength = MAX_VALUE_LENGTH): string {
  return toSafeLine(value, maxLength);
}
