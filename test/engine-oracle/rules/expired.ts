import { API_KEYS_PAGE, KEY_EXPIRY_DOCS_URL } from './docs.js';
import { formatDateTime, formatDuration, wholeDays } from './format.js';
import type { Rule, RuleMeta } from '../../../src/rules/types.js';
import type { NormalizedKey } from '../../../src/keys/types.js';

export const meta: RuleMeta = {
  id: 'expired',
  title: 'Key has expired',
  defaultSeverity: 'low',
  firesWhen: '`expiresTime` ≤ now',
  options: '—',
  fields: ['expiresTime'],
  risk: 'An expired key no longer authenticates, so it is not a risk by itself; but it clutters the key list, hides which keys are really in use, and whatever still depends on it is failing.',
  remediation: `Delete the key in ${API_KEYS_PAGE}. If something still needs API access, create a new key with an expiry and hand it to that consumer.`,
  reference: KEY_EXPIRY_DOCS_URL,
};

/**
 * True when the key can no longer be used (expiry at or before now). The
 * engine uses this too: for an expired key only this rule reports.
 */
export function isExpired(key: NormalizedKey, now: Date): boolean {
  return key.expiresTime !== null && key.expiresTime.getTime() <= now.getTime();
}

export const expired: Rule = {
  meta,
  evaluate(key, { now }) {
    if (!isExpired(key, now) || key.expiresTime === null) return null;
    const agoMs = now.getTime() - key.expiresTime.getTime();
    return {
      message: `expired ${formatDuration(agoMs)} ago (${formatDateTime(key.expiresTime)})`,
      evidence: { expiresTime: key.expiresTime.toISOString(), daysSinceExpiry: wholeDays(agoMs) },
    };
  },
};
