import { API_KEYS_PAGE, KEY_SOURCE_IPS_DOCS_URL } from './docs.js';
import { quote } from './format.js';
import type { Rule, RuleMeta } from '../../../src/rules/types.js';

export const meta: RuleMeta = {
  id: 'invalid-cidr',
  title: 'Allowed source entry is not an address or CIDR',
  defaultSeverity: 'medium',
  firesWhen: 'an `allowSourceCidr` entry is neither a CIDR nor a single address',
  options: '—',
  fields: ['allowSourceCidr'],
  risk: 'An entry that is neither an address nor a CIDR does not limit anything the way its author intended; the key may be usable from more places than planned, or from none of the intended hosts.',
  remediation: `Create a replacement key in ${API_KEYS_PAGE} whose "Limit source IPs" holds only valid addresses (203.0.113.7) or CIDRs (203.0.113.0/24), move consumers to it, then delete this key.`,
  reference: KEY_SOURCE_IPS_DOCS_URL,
};

export const invalidCidr: Rule = {
  meta,
  evaluate(key) {
    if (key.allowSourceCidr === null || key.allowSourceCidr.invalid.length === 0) return null;
    const { invalid, valid } = key.allowSourceCidr;
    return {
      message: `${describeCount(invalid.length)} neither an address nor a CIDR: ${invalid.map((entry) => quote(entry)).join(', ')}`,
      evidence: { invalid, validCount: valid.length },
    };
  },
};

function describeCount(count: number): string {
  return count === 1 ? 'has 1 allowed source entry that is' : `has ${count} allowed source entries that are`;
}
