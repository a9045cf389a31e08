import { API_KEYS_PAGE, KEY_USAGE_DOCS_URL } from './docs.js';
import { DAY_MS } from '../../../src/clock.js';
import { formatDate, wholeDays } from './format.js';
import type { Rule, RuleMeta } from '../../../src/rules/types.js';

export const meta: RuleMeta = {
  id: 'never-used',
  title: 'Key never used',
  defaultSeverity: 'medium',
  firesWhen: '`lastUsedAt` unset and now − `createdAt` > `neverUsedGraceDays`',
  options: '`rules.unused.neverUsedGraceDays` (7)',
  fields: ['lastUsedAt', 'createdAt'],
  risk: 'A key created but never used is access nobody needs; its secret was still shown once and may have been copied somewhere.',
  remediation: `Ask the owner whether the key is still planned for use; if not, delete it in ${API_KEYS_PAGE}.`,
  reference: KEY_USAGE_DOCS_URL,
};

/**
 * Fires when lastUsedAt is unset and now − createdAt > neverUsedGraceDays.
 * Without a createdAt the key's age is unknown, so it does not fire.
 */
export const neverUsed: Rule = {
  meta,
  evaluate(key, { now, options }) {
    if (key.lastUsedAt !== null || key.createdAt === null) return null;
    const { neverUsedGraceDays } = options.unused;
    const ageMs = now.getTime() - key.createdAt.getTime();
    if (ageMs <= neverUsedGraceDays * DAY_MS) return null;
    const ageDays = wholeDays(ageMs);
    return {
      message: `never used since it was created ${ageDays} days ago (${formatDate(key.createdAt)}; grace period ${neverUsedGraceDays} days)`,
      evidence: { lastUsedAt: null, createdAt: key.createdAt.toISOString(), daysSinceCreation: ageDays, graceDays: neverUsedGraceDays },
    };
  },
};
