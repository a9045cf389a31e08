import { hash } from 'node:crypto';
import type { AppConfig, Suppression } from '../config/types.js';
import type { NormalizedKey } from '../keys/types.js';
import { applySuppressions } from '../lifecycle/suppressions.js';
import { maxSeverity, SEVERITIES, type Severity } from '../severity.js';
import { isExpired } from './expired.js';
import { RULES } from './index.js';
import type { Finding, RoleInfo, Rule, RuleContext, RuleMeta, SuppressedFinding } from './types.js';

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
  const steps = enabledSteps(input);
  const context: RuleContext = { now: input.now, options: input.rules.options, roles: input.roles };
  const firstSeenAt = input.now.toISOString();

  const all: Finding[] = [];
  for (const key of keys) {
    const expiredKey = isExpired(key, input.now);
    const anyInvalid = key.invalidFields.length > 0;
    for (const step of steps) {
      if (expiredKey && !step.isExpiredRule) continue;
      if (anyInvalid && readsInvalidField(step.meta, key)) continue;
      const hit = step.rule.evaluate(key, context);
      if (hit === null) continue;
      all.push({
        fingerprint: fingerprint(step.id, key.id),
        ruleId: step.id,
        severity: hit.escalateTo === undefined ? step.severity : maxSeverity(step.severity, hit.escalateTo),
        credentialId: key.id,
        clientId: key.clientId,
        displayName: key.displayName,
        owner: key.owner,
        title: step.meta.title,
        message: hit.message,
        evidence: hit.evidence,
        risk: step.meta.risk,
        remediation: step.meta.remediation,
        reference: step.meta.reference,
        firstSeenAt,
      });
    }
  }

  const { findings, suppressed } = applySuppressions(all, input.suppressions, input.now);
  return { findings: findings.sort(compareFindings), suppressed: suppressed.sort(compareFindings) };
}

/** One enabled rule with what the engine reads from it for every key, looked up once per call. */
interface Step {
  rule: Rule;
  meta: RuleMeta;
  id: string;
  /** Configured severity, else the rule's default; a hit's `escalateTo` may raise it. */
  severity: Severity;
  isExpiredRule: boolean;
}

/**
 * The rules this call runs, in catalogue order. Built on every call (a page
 * of keys is one call) from a catalogue of about ten rules: cheaper than any
 * cache, and a config changed between calls is always honoured.
 */
function enabledSteps(input: EvaluationInput): Step[] {
  const catalogue = input.catalogue ?? RULES;
  const disabled = input.rules.disabled;
  const steps: Step[] = [];
  for (const rule of catalogue) {
    const meta = rule.meta;
    if (disabled.includes(meta.id)) continue;
    // A rule that judges owners says nothing useful when no owner could be looked up.
    if (input.ownersResolved !== true && meta.needsOwners === true) continue;
    steps.push({ rule, meta, id: meta.id, severity: effectiveSeverity(meta, input.rules), isExpiredRule: meta.id === EXPIRED_RULE_ID });
  }
  return steps;
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
  keys: readonly KeyFields[],
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
  // `hash` is `createHash(…).update(…).digest(…)` in one call, without the Hash object. The hex
  // digits are built as a string of their own: a slice of the whole hex digest would keep all
  // 64 characters alive for as long as the finding and its state entry live.
  const digest = hash('sha256', `${ruleId}\0${credentialId}`, 'binary');
  const codes = new Array<number>(FINGERPRINT_LENGTH);
  for (let i = 0; i < FINGERPRINT_LENGTH / 2; i += 1) {
    const byte = digest.charCodeAt(i);
    codes[2 * i] = HEX_CODES[byte >> 4]!;
    codes[2 * i + 1] = HEX_CODES[byte & 15]!;
  }
  return String.fromCharCode(...codes);
}

const HEX_CODES = Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));

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

/** What coverage needs of a key: a parsed key, or the key as the report lists it. */
type KeyFields = { id: string; invalidFields: readonly string[] };

function readsInvalidField(meta: RuleMeta, key: KeyFields): boolean {
  const invalid = key.invalidFields;
  if (invalid.length === 0) return false;
  for (const field of meta.fields) if (invalid.includes(field)) return true;
  return false;
}

/** Worst first; then by display name, rule and key so reports are byte-for-byte reproducible. */
export function compareFindings(a: Finding, b: Finding): number {
  if (a.severity !== b.severity) {
    const order = rank(b.severity) - rank(a.severity);
    if (order !== 0) return order;
  }
  // Code-unit order, not locale order: the same on every machine.
  if (a.displayName !== b.displayName) return a.displayName < b.displayName ? -1 : 1;
  if (a.ruleId !== b.ruleId) return a.ruleId < b.ruleId ? -1 : 1;
  if (a.credentialId !== b.credentialId) return a.credentialId < b.credentialId ? -1 : 1;
  return 0;
}

const SEVERITY_RANK: ReadonlyMap<string, number> = new Map(SEVERITIES.map((severity, i) => [severity, i]));

/** `severityRank` without the array search: a sort compares n·log n times. */
function rank(severity: Severity): number {
  return SEVERITY_RANK.get(severity) ?? -1;
}
