import { createHash } from 'node:crypto';
import type { AppConfig, Suppression } from '../../../src/config/types.js';
import type { NormalizedKey } from '../../../src/keys/types.js';
import { applySuppressions } from '../lifecycle/suppressions.js';
import { maxSeverity, severityRank, type Severity } from '../severity.js';
import { isExpired } from './expired.js';
import { RULES } from './index.js';
import type { Finding, RoleInfo, Rule, RuleContext, RuleMeta, SuppressedFinding } from '../../../src/rules/types.js';

/**
 * The engine: runs every enabled rule on every key and turns hits into
 * findings. Rules stay pure and small because the cross-cutting policy lives
 * here, once:
 * - a rule reading a field that was present but unparseable is skipped for
 *   that key ("unparseable" is not "unset");
 * - for an expired key only `expired` reports (an expired key cannot be
 *   used, so its other risks are noise) — this holds for rules added later;
 * - severity is the configured one (or the rule's default), raised to the
 *   hit's `escalateTo` when that is higher, never lowered by it;
 * - a rule that judges owners runs only when the owner lookup succeeded.
 */

export interface EvaluationInput {
  now: Date;
  rules: AppConfig['rules'];
  /** Roles by id; empty when they could not be resolved. */
  roles: ReadonlyMap<string, RoleInfo>;
  suppressions: readonly Suppression[];
  /**
   * True when this run's owner lookup succeeded, so `key.owner` means what it
   * says; rules that judge owners (`meta.needsOwners`) run only then. Default false.
   */
  ownersResolved?: boolean;
  /** The rules to run; the full catalogue unless a caller (a test) narrows it. */
  catalogue?: readonly Rule[];
}

export interface Evaluation {
  findings: Finding[];
  suppressed: SuppressedFinding[];
}

const EXPIRED_RULE_ID = 'expired';
/** 20 hex chars = 80 bits: no collisions in practice, short enough to read and type. */
const FINGERPRINT_LENGTH = 20;

export function evaluateKeys(keys: readonly NormalizedKey[], input: EvaluationInput): Evaluation {
  const catalogue = input.catalogue ?? RULES;
  const disabled = new Set(input.rules.disabled);
  // A rule that judges owners says nothing useful when no owner could be looked up.
  const enabled = catalogue.filter((rule) => !disabled.has(rule.meta.id) && (input.ownersResolved === true || rule.meta.needsOwners !== true));
  const context: RuleContext = { now: input.now, options: input.rules.options, roles: input.roles };
  const firstSeenAt = input.now.toISOString();

  const all: Finding[] = [];
  for (const key of keys) {
    const expiredKey = isExpired(key, input.now);
    for (const rule of enabled) {
      if (expiredKey && rule.meta.id !== EXPIRED_RULE_ID) continue;
      if (readsInvalidField(rule.meta, key)) continue;
      const hit = rule.evaluate(key, context);
      if (hit === null) continue;
      all.push({
        fingerprint: fingerprint(rule.meta.id, key.id),
        ruleId: rule.meta.id,
        severity: effectiveSeverity(rule.meta, input.rules, hit.escalateTo),
        credentialId: key.id,
        clientId: key.clientId,
        displayName: key.displayName,
        owner: key.owner,
        title: rule.meta.title,
        message: hit.message,
        evidence: hit.evidence,
        risk: rule.meta.risk,
        remediation: rule.meta.remediation,
        reference: rule.meta.reference,
        firstSeenAt,
      });
    }
  }

  const { findings, suppressed } = applySuppressions(all, input.suppressions, input.now);
  return { findings: findings.sort(compareFindings), suppressed: suppressed.sort(compareFindings) };
}

/** What limited this run's view, beyond the rule settings. */
export interface CoverageGaps {
  /** False when the listing had items that could not be identified: an absent key may be one of them. */
  listingComplete: boolean;
  /** Rules that could only partly run, e.g. `broad-roles` matching by id alone when roles could not be listed. */
  partialRules: ReadonlySet<string>;
}

/**
 * Answers "did this evaluation look for rule R on key K?" for findings
 * remembered from earlier runs: no when R is disabled now, ran only in part,
 * or K's field that R reads could not be parsed this time; and no for a key
 * that is absent when the listing was incomplete. A key that is really gone,
 * or expired, was looked at: its old findings are resolved.
 */
export function evaluationCoverage(
  keys: readonly NormalizedKey[],
  rules: AppConfig['rules'],
  gaps: CoverageGaps = { listingComplete: true, partialRules: new Set() },
  catalogue: readonly Rule[] = RULES,
): (ruleId: string, credentialId: string) => boolean {
  const disabled = new Set(rules.disabled);
  const metaById = new Map(catalogue.map((rule) => [rule.meta.id, rule.meta]));
  const keyById = new Map(keys.map((key) => [key.id, key]));
  return (ruleId, credentialId) => {
    const meta = metaById.get(ruleId);
    if (meta === undefined || disabled.has(ruleId) || gaps.partialRules.has(ruleId)) return false;
    const key = keyById.get(credentialId);
    if (key === undefined) return gaps.listingComplete;
    return !readsInvalidField(meta, key);
  };
}

/**
 * Identifies "this rule about this key" across runs, whatever its severity or
 * message, so the lifecycle can tell new findings from known ones.
 */
export function fingerprint(ruleId: string, credentialId: string): string {
  return createHash('sha256').update(`${ruleId}\0${credentialId}`).digest('hex').slice(0, FINGERPRINT_LENGTH);
}

/** Configured severity (else the rule's default), raised to `escalateTo` when that is higher. */
export function effectiveSeverity(meta: RuleMeta, rules: AppConfig['rules'], escalateTo?: Severity): Severity {
  const base = rules.severity[meta.id] ?? meta.defaultSeverity;
  return escalateTo === undefined ? base : maxSeverity(base, escalateTo);
}

/** The report's `rules` array: every rule with its effective (non-escalated) severity and whether it ran. */
export function ruleCatalogue(
  rules: AppConfig['rules'],
  catalogue: readonly Rule[] = RULES,
): { id: string; title: string; severity: Severity; enabled: boolean }[] {
  const disabled = new Set(rules.disabled);
  return catalogue.map((rule) => ({
    id: rule.meta.id,
    title: rule.meta.title,
    severity: effectiveSeverity(rule.meta, rules),
    enabled: !disabled.has(rule.meta.id),
  }));
}

function readsInvalidField(meta: RuleMeta, key: NormalizedKey): boolean {
  if (key.invalidFields.length === 0) return false;
  return meta.fields.some((field) => (key.invalidFields as readonly string[]).includes(field));
}

/** Worst first; then by display name, rule and key so reports are byte-for-byte reproducible. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    compareText(a.displayName, b.displayName) ||
    compareText(a.ruleId, b.ruleId) ||
    compareText(a.credentialId, b.credentialId)
  );
}

/** Code-unit order, not locale order: the same on every machine. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
