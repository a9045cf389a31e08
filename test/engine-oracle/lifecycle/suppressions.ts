import type { Suppression } from '../../../src/config/types.js';
import type { KeyWarning } from '../../../src/keys/types.js';
import type { Finding, SuppressedFinding } from '../../../src/rules/types.js';

/**
 * Suppressions from the config: a person's decision that one rule may stay
 * quiet for one key, with a reason and usually an end date. An expired
 * suppression no longer applies, so accepted risks come back for review.
 */

/** Active while `expires` is unset or still ahead: at exactly `expires` it has ended. */
export function isSuppressionActive(suppression: Suppression, now: Date): boolean {
  return suppression.expires === null || now.getTime() < suppression.expires.getTime();
}

/** The rule matches, and the credential names the key by its `id` or its `clientId`. */
export function suppressionCovers(suppression: Suppression, finding: Finding): boolean {
  if (suppression.rule !== finding.ruleId || suppression.credential === '') return false;
  return suppression.credential === finding.credentialId || suppression.credential === finding.clientId;
}

/** The first active suppression (in config order) covering the finding, or null. */
export function matchSuppression(finding: Finding, suppressions: readonly Suppression[], now: Date): Suppression | null {
  return suppressions.find((s) => isSuppressionActive(s, now) && suppressionCovers(s, finding)) ?? null;
}

export function applySuppressions(
  findings: readonly Finding[],
  suppressions: readonly Suppression[],
  now: Date,
): { findings: Finding[]; suppressed: SuppressedFinding[] } {
  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const finding of findings) {
    const match = matchSuppression(finding, suppressions, now);
    if (match === null) kept.push(finding);
    else suppressed.push({ ...finding, reason: match.reason, suppressionExpires: match.expires?.toISOString() ?? null });
  }
  return { findings: kept, suppressed };
}

/** Suppressions that have ended: candidates for removal from the config, or for renewal. */
export function expiredSuppressions(suppressions: readonly Suppression[], now: Date): Suppression[] {
  return suppressions.filter((s) => !isSuppressionActive(s, now));
}

/**
 * Active suppressions that covered none of this run's findings (pass both the
 * findings and the suppressed ones): the key or the problem is gone, or the
 * suppression names the wrong rule or credential.
 */
export function unusedSuppressions(
  suppressions: readonly Suppression[],
  findings: readonly Finding[],
  now: Date,
): Suppression[] {
  return suppressions.filter(
    (s) => isSuppressionActive(s, now) && !findings.some((finding) => suppressionCovers(s, finding)),
  );
}

/**
 * Report warnings for suppressions that no longer do anything, so stale
 * entries get noticed and cleaned out of the config instead of piling up.
 */
export function suppressionWarnings(
  suppressions: readonly Suppression[],
  findings: readonly Finding[],
  now: Date,
): KeyWarning[] {
  const expired = expiredSuppressions(suppressions, now).map((s) => ({
    credentialId: s.credential,
    field: 'suppressions',
    message: `suppression of "${s.rule}" for "${s.credential}" expired on ${s.expires?.toISOString()} and no longer applies`,
  }));
  const unused = unusedSuppressions(suppressions, findings, now).map((s) => ({
    credentialId: s.credential,
    field: 'suppressions',
    message: `suppression of "${s.rule}" for "${s.credential}" matched no finding; the key or the problem is gone, or the rule or credential is misspelt`,
  }));
  return [...expired, ...unused];
}
