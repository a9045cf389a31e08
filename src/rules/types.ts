import type { NormalizedKey, Owner } from '../keys/types.js';
import type { Severity } from '../severity.js';

/** Options of every rule, as resolved from `rules.*` in the config (defaults applied). */
export interface RuleOptions {
  expiringSoon: { days: number; urgentDays: number };
  unused: { days: number; neverUsedGraceDays: number };
  broadCidr: { minPrefixV4: number; minPrefixV6: number };
  broadRoles: { roles: string[] };
  longLived: { maxDays: number };
}

/** An IAM role as resolved from `GET /api/v1/iam/roles`. */
export interface RoleInfo {
  id: string;
  name: string;
  displayName: string;
}

export interface RuleContext {
  /** "Now" for this audit (`--as-of` when given). Rules never read the clock. */
  now: Date;
  options: RuleOptions;
  /** Roles by id; empty when roles could not be resolved (then matching is by id only). */
  roles: ReadonlyMap<string, RoleInfo>;
}

/** What a rule says about one key when it fires. */
export interface RuleHit {
  /** A human sentence about this key, e.g. "expires in 2 days (2026-11-28T…Z)". */
  message: string;
  /** The facts behind the finding, JSON-serialisable. */
  evidence: Record<string, unknown>;
  /**
   * Set only when this hit is worse than the rule's usual severity (an urgent
   * expiry, a /0 range). The final severity is the higher of this and the
   * rule's configured severity.
   */
  escalateTo?: Severity;
}

export interface RuleMeta {
  /** Stable id used in config, reports and suppressions, e.g. `expiring-soon`. */
  id: string;
  title: string;
  defaultSeverity: Severity;
  /** When it fires, in the contract's words (Markdown); the README's rule table is built from it. */
  firesWhen: string;
  /** The config keys that tune it, with defaults (Markdown), or "—". */
  options: string;
  /** Key fields the rule reads; a key with one of them unparseable is not evaluated by it. */
  fields: ReadonlyArray<keyof NormalizedKey>;
  /**
   * Set for rules that judge `owner`: they run only when this run's owner
   * lookup succeeded (otherwise every owner is null, which says nothing).
   */
  needsOwners?: boolean;
  /** Why it matters. */
  risk: string;
  /** What to do about it. */
  remediation: string;
  /** Where to read more. */
  reference: string;
}

export interface Rule {
  meta: RuleMeta;
  /** Pure: no I/O, no clock. Returns null when the rule does not fire. */
  evaluate(key: NormalizedKey, context: RuleContext): RuleHit | null;
}

/** A finding as it appears in the report. */
export interface Finding {
  /** Stable across runs for the same rule and key. */
  fingerprint: string;
  ruleId: string;
  severity: Severity;
  credentialId: string;
  clientId: string;
  displayName: string;
  /** The key's owner (copied from the key); null when unresolved. */
  owner: Owner | null;
  title: string;
  message: string;
  evidence: Record<string, unknown>;
  risk: string;
  remediation: string;
  reference: string;
  /** When this fingerprint was first seen (from lifecycle state; this run's asOf when new). */
  firstSeenAt: string;
}

export interface SuppressedFinding extends Finding {
  reason: string;
  /** ISO date-time, or null for a suppression without expiry. */
  suppressionExpires: string | null;
}
