import type { Owner } from '../keys/types.js';
import type { Severity } from '../severity.js';

/** Which keys a listing covers: the caller's own (`self`) or every user's (`tenant`). */
export type Scope = 'self' | 'tenant';

/** What marks a file as a plan of this tool, before anything else in it is trusted. */
export const PLAN_KIND = 'c1-hygiene.remediation-plan';
export const RECORD_KIND = 'c1-hygiene.remediation-record';

/** One finding that put a key into the plan. */
export interface PlanReason {
  ruleId: string;
  severity: Severity;
  fingerprint: string;
  /** The finding's sentence, as in the report (API text inside it is untrusted). */
  message: string;
}

/**
 * A key the plan deletes, with the facts `--apply` checks again before
 * deleting: `clientId`, `expiresTime` and `lastUsedAt` as the audit read them
 * (ISO date-times, or null when unset).
 */
export interface PlannedKey {
  id: string;
  clientId: string;
  displayName: string;
  owner: Owner | null;
  /** The worst severity among `reasons`. */
  severity: Severity;
  reasons: PlanReason[];
  expiresTime: string | null;
  lastUsedAt: string | null;
  createdAt: string | null;
}

export type HeldBackReason = 'suppressed' | 'over-max-deletes' | 'unreadable-field';

/** A key that matched `remediation.rules` but is not in the plan, and why. */
export interface HeldBackKey {
  id: string;
  clientId: string;
  displayName: string;
  reason: HeldBackReason;
  /** A sentence for the reader of the plan. */
  detail: string;
}

/** The plan file: what `remediate --apply` may delete, sealed with a SHA-256 of its own content. */
export interface RemediationPlan {
  kind: typeof PLAN_KIND;
  schemaVersion: 1;
  tool: { name: string; version: string };
  planId: string;
  /** When the plan was made (real time); `--apply` refuses it 24 h later. */
  createdAt: string;
  tenant: string;
  scope: Scope;
  /** The configuration the plan was made with. */
  config: { source: string | null; rules: string[]; maxDeletes: number };
  /** Open findings of `config.rules` at plan time (before the limit). */
  candidates: number;
  keys: PlannedKey[];
  heldBack: HeldBackKey[];
  /** Held-back keys not listed in `heldBack` (the list is capped). */
  heldBackMore: number;
  /** Lower-case hex SHA-256 of the canonical JSON of every other field. */
  sha256: string;
}

export type PlanContent = Omit<RemediationPlan, 'sha256'>;

/** What happened to one planned key. */
export type KeyOutcome =
  | { status: 'deleted'; attempts: number }
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; error: string; code: string | null };

export interface KeyResult {
  id: string;
  clientId: string;
  displayName: string;
  owner: Owner | null;
  outcome: KeyOutcome;
}

/** `<report dir>/remediation-<ts>.json`: the record of one `--apply`. */
export interface RemediationRecord {
  kind: typeof RECORD_KIND;
  schemaVersion: 1;
  tool: { name: string; version: string };
  runId: string;
  planId: string;
  planPath: string;
  planSha256: string;
  tenant: string;
  scope: Scope;
  startedAt: string;
  finishedAt: string;
  summary: { planned: number; deleted: number; skipped: number; failed: number };
  keys: KeyResult[];
}
