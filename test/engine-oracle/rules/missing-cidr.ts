import { API_KEYS_PAGE, KEY_SOURCE_IPS_DOCS_URL } from './docs.js';
import type { Rule, RuleMeta } from '../../../src/rules/types.js';

export const meta: RuleMeta = {
  id: 'missing-cidr',
  title: 'Key usable from any network',
  defaultSeverity: 'medium',
  firesWhen: '`allowSourceCidr` unset, null or empty',
  options: '—',
  fields: ['allowSourceCidr'],
  risk: 'Without a source limit, a leaked secret works from anywhere on the internet, not only from the hosts that are meant to use it.',
  remediation: `Create a replacement key in ${API_KEYS_PAGE} with "Limit source IPs" set to the addresses or CIDRs of the hosts that use it, move consumers to it, then delete this key.`,
  reference: KEY_SOURCE_IPS_DOCS_URL,
};

export const missingCidr: Rule = {
  meta,
  evaluate(key) {
    if (key.allowSourceCidr !== null) return null;
    return {
      message: 'accepts requests from any source address (no allowed source IPs are set)',
      evidence: { allowSourceCidr: [] },
    };
  },
};
