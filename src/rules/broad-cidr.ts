import type { CidrEntry } from '../keys/types.js';
import { API_KEYS_PAGE, KEY_SOURCE_IPS_DOCS_URL } from './docs.js';
import type { Rule, RuleMeta } from './types.js';

export const meta: RuleMeta = {
  id: 'broad-cidr',
  title: 'Allowed source range too broad',
  defaultSeverity: 'high',
  firesWhen: "an entry's prefix is shorter than `minPrefixV4` (IPv4) or `minPrefixV6` (IPv6); **critical** when an entry allows every address (`/0`)",
  options: '`rules.broadCidr.minPrefixV4` (16), `rules.broadCidr.minPrefixV6` (48)',
  fields: ['allowSourceCidr'],
  risk: 'A wide source range (a short prefix) lets the key be used from far more hosts than need it, so the source limit barely slows down someone holding a leaked secret. Escalates to critical when a range admits every address (/0).',
  remediation: `Create a replacement key in ${API_KEYS_PAGE} whose "Limit source IPs" lists only the addresses or narrow CIDRs of the hosts that use it, move consumers to it, then delete this key.`,
  reference: KEY_SOURCE_IPS_DOCS_URL,
};

/**
 * Fires when a valid entry's prefix is shorter than `minPrefixV4` (IPv4) or
 * `minPrefixV6` (IPv6); a prefix equal to the minimum is fine. An entry that
 * allows every address (/0) always fires, critical.
 */
export const broadCidr: Rule = {
  meta,
  evaluate(key, { options }) {
    if (key.allowSourceCidr === null) return null;
    const { minPrefixV4, minPrefixV6 } = options.broadCidr;
    // A /0 is always broad, even when a minimum of 0 would otherwise allow it.
    const offending = key.allowSourceCidr.valid.filter(
      (entry) => entry.prefix === 0 || entry.prefix < (entry.version === 4 ? minPrefixV4 : minPrefixV6),
    );
    if (offending.length === 0) return null;
    const everything = offending.some((entry) => entry.prefix === 0);
    return {
      message: `allows ${offending.map((entry) => describeRange(entry, minPrefixV4, minPrefixV6)).join('; ')}`,
      evidence: {
        offending: offending.map((entry) => ({ entry: entry.raw, cidr: entry.cidr, version: entry.version, prefix: entry.prefix })),
        minPrefixV4,
        minPrefixV6,
      },
      ...(everything ? { escalateTo: 'critical' as const } : {}),
    };
  },
};

/** `0.0.0.0/0, every IPv4 address` or `10.0.0.0/8 (16,777,216 addresses; minimum /16)` */
function describeRange(entry: CidrEntry, minPrefixV4: number, minPrefixV6: number): string {
  const family = entry.version === 4 ? 'IPv4' : 'IPv6';
  if (entry.prefix === 0) return `${entry.cidr}, every ${family} address`;
  const hostBits = (entry.version === 4 ? 32 : 128) - entry.prefix;
  const size = hostBits <= 32 ? (2 ** hostBits).toLocaleString('en-US') : `2^${hostBits}`;
  const minimum = entry.version === 4 ? minPrefixV4 : minPrefixV6;
  return `${entry.cidr} (${size} ${family} addresses; minimum prefix /${minimum})`;
}
