import { API_KEYS_PAGE, KEY_EXPIRY_DOCS_URL } from './docs.js';
import { formatDate } from './format.js';
import type { Rule, RuleMeta } from '../../../src/rules/types.js';

export const meta: RuleMeta = {
  id: 'no-expiry',
  title: 'Key never expires',
  defaultSeverity: 'high',
  firesWhen: '`expiresTime` unset',
  options: '—',
  fields: ['expiresTime'],
  risk: 'A key without expiry stays valid until someone remembers to delete it; a leaked copy (in a repository, a CI log, a laptop backup) works forever.',
  remediation: `Create a replacement key with an expiry in ${API_KEYS_PAGE}, move every consumer to it, then delete this key.`,
  reference: KEY_EXPIRY_DOCS_URL,
};

export const noExpiry: Rule = {
  meta,
  evaluate(key) {
    if (key.expiresTime !== null) return null;
    const created = key.createdAt === null ? '' : ` (created ${formatDate(key.createdAt)})`;
    return {
      message: `never expires${created}; it stays valid until someone deletes it`,
      evidence: { expiresTime: null, createdAt: key.createdAt?.toISOString() ?? null },
    };
  },
};
