import type { KeyWarning } from '../keys/types.js';
import type { AuditReport, ReportClient, ResolvedFinding } from '../report/types.js';
import type { Finding, SuppressedFinding } from '../rules/types.js';
import { SEVERITIES, type Severity } from '../severity.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';

export interface ReportInput {
  runId: string;
  tenant: string;
  asOf: Date;
  startedAt: Date;
  finishedAt: Date;
  /** Every scanned key as the report lists it, its findings' rule ids filled (`KeyScan`). */
  clients: ReportClient[];
  deletedCount: number;
  skippedCount: number;
  findings: Finding[];
  suppressed: SuppressedFinding[];
  resolved: ResolvedFinding[];
  warnings: KeyWarning[];
  rules: AuditReport['rules'];
}

/** Assembles the report object of the contract from the results of the stages. Pure. */
export function buildReport(input: ReportInput): AuditReport {
  return {
    schemaVersion: 1,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    runId: input.runId,
    asOf: input.asOf.toISOString(),
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    tenant: input.tenant,
    summary: {
      clientsScanned: input.clients.length,
      clientsSkipped: input.skippedCount,
      clientsDeleted: input.deletedCount,
      findings: input.findings.length,
      suppressed: input.suppressed.length,
      resolved: input.resolved.length,
      bySeverity: countBySeverity(input.findings),
      byRule: countByRule(input.findings, input.rules),
    },
    clients: input.clients,
    findings: input.findings,
    suppressed: input.suppressed,
    resolved: input.resolved,
    warnings: input.warnings,
    rules: input.rules,
  };
}

function countBySeverity(findings: Finding[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}

/** Every enabled rule appears, with 0 when it did not fire, so pipelines can rely on the keys. */
function countByRule(findings: Finding[], rules: AuditReport['rules']): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const rule of rules) if (rule.enabled) counts[rule.id] = 0;
  for (const finding of findings) counts[finding.ruleId] = (counts[finding.ruleId] ?? 0) + 1;
  return counts;
}
