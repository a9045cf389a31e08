// Frozen: the string renderer as it was before rendering became a stream (see ./index.ts). Do not edit to follow src/.
import { compareFindings } from '../../../src/rules/evaluate.js';
import type { Finding } from '../../../src/rules/types.js';
import type { Severity } from '../../../src/severity.js';
import type { AuditReport, ResolvedFinding } from '../../../src/report/types.js';

/**
 * The report as OCSF Detection Finding events (class 2004, category 2
 * "Findings"), for SIEMs: one event per open finding and one per finding
 * resolved since the previous run. Written against OCSF 1.8.0, filling every
 * attribute that version requires of the class and the recommended ones the
 * report can support. Pure.
 */
export const OCSF_VERSION = '1.8.0';
export const PRODUCT_NAME = 'c1-credential-hygiene';

const CLASS_UID = 2004;
const CATEGORY_UID = 2;

/** OCSF finding activities: created (new this run), updated (still open), closed (resolved). */
export const ACTIVITY = {
  create: { id: 1, name: 'Create' },
  update: { id: 2, name: 'Update' },
  close: { id: 3, name: 'Close' },
} as const;

export const SEVERITY_ID: Record<Severity, { id: number; name: string }> = {
  info: { id: 1, name: 'Informational' },
  low: { id: 2, name: 'Low' },
  medium: { id: 3, name: 'Medium' },
  high: { id: 4, name: 'High' },
  critical: { id: 5, name: 'Critical' },
};

/** The finding's own status (OCSF `status_id`): open findings are not reviewed by anyone yet. */
const STATUS = { open: { id: 1, name: 'New' }, resolved: { id: 4, name: 'Resolved' } } as const;

/** The rules are deterministic checks of API data: their confidence is high (OCSF `confidence_id` 3). */
const CONFIDENCE = { id: 3, name: 'High' } as const;

export type OcsfEvent = Record<string, unknown>;

export function renderOcsf(report: AuditReport): string {
  return `${JSON.stringify(ocsfEvents(report), null, 2)}\n`;
}

export function ocsfEvents(report: AuditReport): OcsfEvent[] {
  const time = Date.parse(report.asOf);
  const context: EventContext = { report, time };
  return [
    ...[...report.findings].sort(compareFindings).map((finding) => openEvent(finding, context)),
    ...report.resolved.map((resolved) => resolvedEvent(resolved, context)),
  ];
}

/**
 * New this run when first seen at the report's `asOf`: the lifecycle stamps a
 * new fingerprint's `firstSeenAt` with the run's "now". Compared as instants,
 * so a hand-edited report with another spelling of the same time still works.
 */
export function isNewThisRun(finding: Pick<Finding, 'firstSeenAt'>, asOf: string): boolean {
  return Date.parse(finding.firstSeenAt) === Date.parse(asOf);
}

interface EventContext {
  report: AuditReport;
  time: number;
}

function openEvent(finding: Finding, { report, time }: EventContext): OcsfEvent {
  const activity = isNewThisRun(finding, report.asOf) ? ACTIVITY.create : ACTIVITY.update;
  return {
    ...classification(activity, finding.severity),
    time,
    timezone_offset: 0,
    message: finding.message,
    status_id: STATUS.open.id,
    status: STATUS.open.name,
    is_alert: true,
    confidence_id: CONFIDENCE.id,
    confidence: CONFIDENCE.name,
    metadata: metadata(report, finding.fingerprint),
    finding_info: {
      uid: finding.fingerprint,
      title: finding.title,
      desc: finding.message,
      types: [finding.ruleId],
      first_seen_time: Date.parse(finding.firstSeenAt),
      last_seen_time: time,
      src_url: finding.reference,
      analytic: analytic(finding.ruleId, finding.title),
    },
    remediation: { desc: finding.remediation, references: [finding.reference] },
    resources: [
      {
        uid: finding.credentialId,
        uid_alt: finding.clientId,
        name: finding.displayName,
        type: 'ConductorOne personal API key',
        ...(finding.owner ? { owner: owner(finding.owner) } : {}),
      },
    ],
    unmapped: { risk: finding.risk, evidence: finding.evidence },
  };
}

function resolvedEvent(resolved: ResolvedFinding, { report, time }: EventContext): OcsfEvent {
  return {
    ...classification(ACTIVITY.close, resolved.severity),
    time,
    timezone_offset: 0,
    message: `resolved: ${resolved.title}`,
    status_id: STATUS.resolved.id,
    status: STATUS.resolved.name,
    is_alert: false,
    confidence_id: CONFIDENCE.id,
    confidence: CONFIDENCE.name,
    metadata: metadata(report, resolved.fingerprint),
    finding_info: {
      uid: resolved.fingerprint,
      title: resolved.title,
      types: [resolved.ruleId],
      first_seen_time: Date.parse(resolved.firstSeenAt),
      analytic: analytic(resolved.ruleId, resolved.title),
    },
    resources: [
      { uid: resolved.credentialId, uid_alt: resolved.clientId, name: resolved.displayName, type: 'ConductorOne personal API key' },
    ],
  };
}

function classification(activity: { id: number; name: string }, severity: Severity): OcsfEvent {
  return {
    class_uid: CLASS_UID,
    class_name: 'Detection Finding',
    category_uid: CATEGORY_UID,
    category_name: 'Findings',
    activity_id: activity.id,
    activity_name: activity.name,
    type_uid: CLASS_UID * 100 + activity.id,
    type_name: `Detection Finding: ${activity.name}`,
    severity_id: SEVERITY_ID[severity].id,
    severity: SEVERITY_ID[severity].name,
  };
}

function metadata(report: AuditReport, fingerprint: string): OcsfEvent {
  return {
    version: OCSF_VERSION,
    product: { name: PRODUCT_NAME, version: report.tool.version },
    // One event per finding per run: the run and the fingerprint identify it.
    uid: `${report.runId}:${fingerprint}`,
    correlation_uid: report.runId,
    log_name: 'c1-hygiene report',
    tenant_uid: report.tenant,
    original_time: report.asOf,
  };
}

function analytic(ruleId: string, title: string): OcsfEvent {
  return { uid: ruleId, name: title, type_id: 1, type: 'Rule' };
}

function owner(value: NonNullable<Finding['owner']>): OcsfEvent {
  return {
    uid: value.id,
    ...(value.displayName !== null ? { name: value.displayName, display_name: value.displayName } : {}),
    ...(value.email !== null ? { email_addr: value.email } : {}),
  };
}
