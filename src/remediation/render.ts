import { toSafeLine } from '../report/sanitize.js';
import { REMEDIABLE_RULE_IDS } from './rule-ids.js';
import type { ApplyResult } from './apply.js';
import type { PlannedKey, RemediationPlan } from './types.js';

/** Column caps: a hostile 10 000-character display name must not wreck the table. */
const NAME_MAX = 40;
const CLIENT_ID_MAX = 60;
const OWNER_MAX = 40;
const TEXT_MAX = 300;

export const NO_RULES_MESSAGE = [
  'Nothing planned: remediation.rules is empty (the default), so remediate never plans a deletion.',
  'To plan deletions, name the rules in the config file, for example:',
  '  "remediation": { "rules": ["expired", "unused"], "maxDeletes": 10 }',
  `Allowed rules: ${REMEDIABLE_RULE_IDS.join(', ')}. Nothing was fetched, written or deleted.`,
].join('\n');

/** The plan as a person reviews it on a terminal. Every value from the API is one safe, capped line. */
export function renderPlan(plan: RemediationPlan, path: string, notes: readonly string[]): string {
  const lines: string[] = [];
  const count = plan.keys.length;
  lines.push(
    `Remediation plan for ${toSafeLine(plan.tenant, 100)} (scope ${plan.scope}), made ${plan.createdAt}`,
    `Rules: ${plan.config.rules.join(', ')}; at most ${plan.config.maxDeletes} keys per plan.`,
    `Plan file: ${path}`,
    '',
  );
  if (count === 0) {
    const heldBack = plan.heldBack.length + plan.heldBackMore;
    lines.push(
      heldBack > 0
        ? `Nothing to delete: every key with an open finding of these rules is held back (${heldBack}, listed below).`
        : 'Nothing to delete: no key has an open, unsuppressed finding of these rules.',
    );
  } else {
    lines.push(`${count} key${count === 1 ? '' : 's'} would be deleted, worst first:`, '');
    lines.push(...table(plan.keys));
    lines.push(
      '',
      'Nothing has been deleted: this plan is the dry run. Review it, then apply exactly this plan within 24 hours:',
      `  c1-hygiene remediate --apply ${path}`,
      'Deleted keys cannot be restored. Keys changed or used since the plan are skipped.',
    );
  }
  if (plan.heldBack.length > 0) {
    lines.push('', `Held back (not in the plan): ${plan.heldBack.length + plan.heldBackMore}`);
    for (const key of plan.heldBack) lines.push(`  - ${keyLabel(key.displayName, key.clientId)}: ${toSafeLine(key.detail, TEXT_MAX)}`);
    if (plan.heldBackMore > 0) lines.push(`  - … and ${plan.heldBackMore} more`);
  }
  for (const note of notes) lines.push('', `Note: ${note}`);
  return `${lines.join('\n')}\n`;
}

function table(keys: readonly PlannedKey[]): string[] {
  const header = ['#', 'severity', 'rule', 'key', 'client ID', 'owner', 'last used', 'expires'];
  const rows = keys.map((key, index) => [
    String(index + 1),
    key.severity,
    key.reasons.map((reason) => reason.ruleId).join(','),
    toSafeLine(key.displayName, NAME_MAX) || '(no name)',
    toSafeLine(key.clientId, CLIENT_ID_MAX),
    key.owner ? toSafeLine(key.owner.email ?? key.owner.displayName ?? key.owner.id, OWNER_MAX) : 'unknown',
    day(key.lastUsedAt),
    day(key.expiresTime),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => Array.from(row[column]!).length)));
  const line = (cells: string[]): string => `  ${cells.map((cell, column) => pad(cell, widths[column]!)).join('  ')}`.trimEnd();
  const out = [line(header), line(widths.map((width) => '-'.repeat(width)))];
  keys.forEach((key, index) => {
    out.push(line(rows[index]!));
    for (const reason of key.reasons) out.push(`       ${reason.ruleId}: ${toSafeLine(reason.message, TEXT_MAX)}`);
  });
  return out;
}

/** What `--apply` did, one line per key. */
export function renderApplyResult(result: ApplyResult): string {
  const { record } = result;
  const { deleted, skipped, failed, planned } = record.summary;
  const lines = [
    `Applied plan ${toSafeLine(result.plan.planId, 100)} to ${toSafeLine(record.tenant, 100)} (scope ${record.scope}): ${deleted} deleted, ${skipped} skipped, ${failed} failed of ${planned} planned.`,
  ];
  for (const key of record.keys) {
    const label = keyLabel(key.displayName, key.clientId);
    const { outcome } = key;
    if (outcome.status === 'deleted') lines.push(`  deleted  ${label}`);
    else if (outcome.status === 'skipped') lines.push(`  skipped  ${label}: ${toSafeLine(outcome.reason, TEXT_MAX)}`);
    else lines.push(`  FAILED   ${label}: ${toSafeLine(outcome.error, TEXT_MAX)}`);
  }
  lines.push(result.recordPath ? `Record: ${result.recordPath}` : `Record: NOT written (${toSafeLine(result.recordError?.message ?? '', TEXT_MAX)})`);
  return `${lines.join('\n')}\n`;
}

function keyLabel(displayName: string, clientId: string): string {
  return `${toSafeLine(displayName, NAME_MAX) || '(no name)'} (${toSafeLine(clientId, CLIENT_ID_MAX)})`;
}

function day(iso: string | null): string {
  return iso === null ? 'never' : iso.slice(0, 10);
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - Array.from(text).length));
}
