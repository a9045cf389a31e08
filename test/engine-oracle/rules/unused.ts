import { API_KEYS_PAGE, KEY_USAGE_DOCS_URL } from './docs.js';
import { DAY_MS } from '../../../src/clock.js';
import { formatDate, wholeDays } from './format.js';
import type { Rule, RuleMeta } from '../../../src/rules/types.js';

export const meta: RuleMeta = {
  id: 'unused',
  title: 'Key not used recently',
  defaultSeverity: 'medium',
  firesWhen: '`lastUsedAt` set and now − `lastUsedAt` > `days`',
  options: '`rules.unused.days` (90)',
  fields: ['lastUsedAt'],
  risk: 'A key nobody uses any more still grants access; its secret may sit in old configs and backups, and no one would notice it being used by someone else.',
  remediation: `Confirm nothing depends on the key any more, then delete it in ${API_KEYS_PAGE}.`,
  reference: KEY_USAGE_DOCS_URL,
};

/** Fires when now − lastUsedAt > days (exactly `days` ago is still fine). */
export const unused: Rule = {
  meta,
  evaluate(key, { now, options }) {
    if (key.lastUsedAt === null) return null;
    const { days } = options.unused;
    const idleMs = now.getTime() - key.lastUsedAt.getTime();
    if (idleMs <= days * DAY_MS) return null;
    const idleDays = wholeDays(idleMs);
    return {
      message: `not used for ${idleDays} days (last used ${formatDate(key.lastUsedAt)}; limit ${days} days)`,
      evidence: { lastUsedAt: key.lastUsedAt.toISOString(), daysSinceLastUse: idleDays, thresholdDays: days },
    };
  },
};
