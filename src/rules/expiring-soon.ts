import { API_KEYS_PAGE, KEY_EXPIRY_DOCS_URL } from './docs.js';
import { DAY_MS } from '../clock.js';
import { dateTimeOfIso, formatDuration, wholeDays } from './format.js';
import type { Rule, RuleMeta } from './types.js';

export const meta: RuleMeta = {
  id: 'expiring-soon',
  title: 'Key expires soon',
  defaultSeverity: 'medium',
  firesWhen: 'now < `expiresTime` ≤ now + `days`; **high** when ≤ now + `urgentDays`',
  options: '`rules.expiringSoon.days` (14), `rules.expiringSoon.urgentDays` (3)',
  fields: ['expiresTime'],
  risk: 'When the key expires, every script or integration using it stops authenticating; rotating in a hurry tends to skip review of who gets the new secret. Escalates to high within `urgentDays`.',
  remediation: `Create a replacement key with an expiry in ${API_KEYS_PAGE}, move every consumer to it, then delete this key before it expires.`,
  reference: KEY_EXPIRY_DOCS_URL,
};

/** Fires when now < expiresTime ≤ now + days; high when expiresTime ≤ now + urgentDays. */
export const expiringSoon: Rule = {
  meta,
  evaluate(key, { now, options }) {
    if (key.expiresTime === null) return null;
    const { days, urgentDays } = options.expiringSoon;
    const remainingMs = key.expiresTime.getTime() - now.getTime();
    if (remainingMs <= 0 || remainingMs > days * DAY_MS) return null;
    const urgent = remainingMs <= urgentDays * DAY_MS;
    const expiresTime = key.expiresTime.toISOString();
    return {
      message: `expires in ${formatDuration(remainingMs)} (${dateTimeOfIso(expiresTime)})`,
      evidence: {
        expiresTime,
        daysLeft: wholeDays(remainingMs),
        thresholdDays: days,
        urgentDays,
        urgent,
      },
      ...(urgent ? { escalateTo: 'high' as const } : {}),
    };
  },
};
