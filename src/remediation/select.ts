import type { Suppression } from '../config/types.js';
import { isSuppressionActive } from '../lifecycle/suppressions.js';
import type { AuditReport, ReportClient } from '../report/types.js';
import type { Finding } from '../rules/types.js';
import { maxSeverity, severityRank } from '../severity.js';
import type { HeldBackKey, PlannedKey } from './types.js';

export interface SelectionOptions {
  /** `remediation.rules`. */
  rules: readonly string[];
  /** `remediation.maxDeletes`. */
  maxDeletes: number;
  suppressions: readonly Suppression[];
  /** The audit's now, for judging which suppressions are still active. */
  now: Date;
}

export interface Selection {
  /** Keys with an open finding of one of the rules, before any was held back. */
  candidates: number;
  /** Worst first: by severity, then by key id. At most `maxDeletes`. */
  keys: PlannedKey[];
  heldBack: HeldBackKey[];
}

/** The fields `--apply` compares; a key with one of them unreadable could not be checked, so it is never planned. */
const COMPARED_DATE_FIELDS = ['expiresTime', 'lastUsedAt'] as const;

/**
 * Which keys a plan deletes, from an audit's report. Pure.
 *
 * Only open findings count (suppressed ones are not in `report.findings`),
 * and a key named by ANY active suppression is held back whatever rule the
 * suppression is for: a person who accepted something about a key has
 * looked at it, and deleting it is for that person to decide, not a rule.
 */
export function selectForDeletion(report: AuditReport, options: SelectionOptions): Selection {
  const wanted = new Set(options.rules);
  const findingsByKey = new Map<string, Finding[]>();
  for (const finding of report.findings) {
    if (!wanted.has(finding.ruleId)) continue;
    const list = findingsByKey.get(finding.credentialId) ?? [];
    list.push(finding);
    findingsByKey.set(finding.credentialId, list);
  }
  const clients = new Map(report.clients.map((client) => [client.id, client]));

  const eligible: PlannedKey[] = [];
  const heldBack: HeldBackKey[] = [];
  for (const [id, findings] of findingsByKey) {
    const client = clients.get(id);
    // Every finding comes from a scanned key; a finding without one is not something to delete on.
    if (client === undefined) continue;
    const suppression = options.suppressions.find(
      (s) => isSuppressionActive(s, options.now) && s.credential !== '' && (s.credential === client.id || s.credential === client.clientId),
    );
    if (suppression) {
      heldBack.push(held(client, 'suppressed', `a suppression names this key (rule ${suppression.rule}: ${suppression.reason})`));
      continue;
    }
    const unreadable = COMPARED_DATE_FIELDS.filter((field) => client.invalidFields.includes(field));
    if (unreadable.length > 0) {
      heldBack.push(
        held(client, 'unreadable-field', `${unreadable.join(' and ')} could not be read, so a later use of the key could not be noticed`),
      );
      continue;
    }
    eligible.push(plannedKey(client, findings));
  }

  eligible.sort(worstFirst);
  const keys = eligible.slice(0, options.maxDeletes);
  for (const key of eligible.slice(options.maxDeletes)) {
    heldBack.push({
      id: key.id,
      clientId: key.clientId,
      displayName: key.displayName,
      reason: 'over-max-deletes',
      detail: `beyond remediation.maxDeletes (${options.maxDeletes}); a later plan can take it`,
    });
  }
  return { candidates: findingsByKey.size, keys, heldBack };
}

function plannedKey(client: ReportClient, findings: Finding[]): PlannedKey {
  const reasons = findings
    .map((finding) => ({ ruleId: finding.ruleId, severity: finding.severity, fingerprint: finding.fingerprint, message: finding.message }))
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || compareText(a.ruleId, b.ruleId));
  return {
    id: client.id,
    clientId: client.clientId,
    displayName: client.displayName,
    owner: client.owner,
    severity: reasons.map((reason) => reason.severity).reduce(maxSeverity),
    reasons,
    expiresTime: client.expiresTime,
    lastUsedAt: client.lastUsedAt,
    createdAt: client.createdAt,
  };
}

function held(client: ReportClient, reason: HeldBackKey['reason'], detail: string): HeldBackKey {
  return { id: client.id, clientId: client.clientId, displayName: client.displayName, reason, detail };
}

/** Highest severity first; ties by key id, so the same audit always gives the same plan. */
function worstFirst(a: PlannedKey, b: PlannedKey): number {
  return severityRank(b.severity) - severityRank(a.severity) || compareText(a.id, b.id);
}

/** Plain code-unit order: the same on every machine, whatever its locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
