import { API_KEYS_PAGE, KEY_EXPIRY_DOCS_URL } from './docs.js';
import { DAY_MS } from '../clock.js';
import { dateOfIso, wholeDays } from './format.js';
import type { Rule, RuleMeta } from './types.js';

export const meta: RuleMeta = {
  id: 'long-lived',
  title: 'Key lifetime too long',
  defaultSeverity: 'low',
  firesWhen: '`expiresTime` − `createdAt` > `maxDays`',
  options: '`rules.longLived.maxDays` (365)',
  fields: ['expiresTime', 'createdAt'],
  risk: 'The longer a key is valid, the longer a leaked copy stays useful and the rarer rotation becomes; a long lifetime is nearly as risky as none.',
  remediation: `When this key is next rotated, create the replacement in ${API_KEYS_PAGE} with an expiry within the allowed lifetime, move consumers to it, then delete this key.`,
  reference: KEY_EXPIRY_DOCS_URL,
};

/** Fires when expiresTime − createdAt > maxDays (exactly maxDays is fine). */
export const longLived: Rule = {
  meta,
  evaluate(key, { options }) {
    if (key.expiresTime === null || key.createdAt === null) return null;
    const { maxDays } = options.longLived;
    const lifetimeMs = key.expiresTime.getTime() - key.createdAt.getTime();
    if (lifetimeMs <= maxDays * DAY_MS) return null;
    const lifetimeDays = wholeDays(lifetimeMs);
    const createdAt = key.createdAt.toISOString();
    const expiresTime = key.expiresTime.toISOString();
    return {
      message: `valid for ${lifetimeDays} days (created ${dateOfIso(createdAt)}, expires ${dateOfIso(expiresTime)}), longer than the ${maxDays}-day maximum`,
      evidence: {
        createdAt,
        expiresTime,
        lifetimeDays,
        maxDays,
      },
    };
  },
};
