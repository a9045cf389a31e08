import { coversAll, entryRange, firstIPv4, ipv4MappedPart, IPV4_MAX, IPV6_MAX, mayStartLow } from '../keys/cidr.js';
import type { CidrEntry } from '../keys/types.js';
import { API_KEYS_PAGE, KEY_SOURCE_IPS_DOCS_URL } from './docs.js';
import type { Rule, RuleMeta } from './types.js';

export const meta: RuleMeta = {
  id: 'broad-cidr',
  title: 'Allowed source range too broad',
  defaultSeverity: 'high',
  firesWhen:
    "an entry's prefix is shorter than `minPrefixV4` (IPv4) or `minPrefixV6` (IPv6), or an IPv6 entry contains the IPv4-mapped block `::ffff:0:0/96`; **critical** when the entries together allow every IPv4 or every IPv6 address",
  options: '`rules.broadCidr.minPrefixV4` (16), `rules.broadCidr.minPrefixV6` (48)',
  fields: ['allowSourceCidr'],
  risk: 'A wide source range (a short prefix) lets the key be used from far more hosts than need it, so the source limit barely slows down someone holding a leaked secret. Escalates to critical when the ranges together admit every address (a /0, or halves such as 0.0.0.0/1 + 128.0.0.0/1, or an IPv6 range holding all IPv4-mapped addresses).',
  remediation: `Create a replacement key in ${API_KEYS_PAGE} whose "Limit source IPs" lists only the addresses or narrow CIDRs of the hosts that use it, move consumers to it, then delete this key.`,
  reference: KEY_SOURCE_IPS_DOCS_URL,
};

/**
 * Fires when a valid entry's prefix is shorter than `minPrefixV4` (IPv4) or
 * `minPrefixV6` (IPv6); a prefix equal to the minimum is fine. An IPv6 entry
 * that contains the IPv4-mapped block `::ffff:0:0/96` (e.g. `::/80`,
 * `::ffff:0:0/95`) admits every IPv4 client of a dual-stack server and
 * offends too. Critical when the entries TOGETHER allow every IPv4 or every
 * IPv6 address: one `/0`, or ranges that add up to it.
 */
export const broadCidr: Rule = {
  meta,
  evaluate(key, { options }) {
    if (key.allowSourceCidr === null) return null;
    const { minPrefixV4, minPrefixV6 } = options.broadCidr;
    const { valid } = key.allowSourceCidr;
    if (!mayBeBroad(valid, minPrefixV4, minPrefixV6)) return null;
    // The IPv6 entries that reach the IPv4-mapped block, with the IPv4 addresses they admit.
    const mapped = new Map<CidrEntry, { first: bigint; last: bigint }>();
    for (const entry of valid) {
      const part = entry.version === 6 && mayStartLow(entry) ? ipv4MappedPart(entry) : null;
      if (part !== null) mapped.set(entry, part);
    }
    // A /0 is always broad, even when a minimum of 0 would otherwise allow it.
    const offending = valid.filter(
      (entry) => entry.prefix === 0 || entry.prefix < (entry.version === 4 ? minPrefixV4 : minPrefixV6) || mapped.has(entry),
    );
    // Ranges that cover a family include one starting at its address 0: only then is the union worth computing.
    const everyV4 =
      valid.some((entry) => (entry.version === 4 && firstIPv4(entry) === 0) || mapped.has(entry)) &&
      coversAll(
        valid.flatMap((entry) => (entry.version === 4 ? [entryRange(entry)] : mapped.has(entry) ? [mapped.get(entry) as { first: bigint; last: bigint }] : [])),
        IPV4_MAX,
      );
    const everyV6 =
      valid.some((entry) => entry.version === 6 && mayStartLow(entry) && entryRange(entry).first === 0n) &&
      coversAll(valid.filter((entry) => entry.version === 6).map(entryRange), IPV6_MAX);
    if (offending.length === 0 && !everyV4 && !everyV6) return null;
    // Said once when no single entry says it already.
    const together = [
      ...(everyV4 && !offending.some((entry) => (entry.version === 4 && entry.prefix === 0) || mapped.has(entry))
        ? ['together every IPv4 address']
        : []),
      ...(everyV6 && !offending.some((entry) => entry.version === 6 && entry.prefix === 0) ? ['together every IPv6 address'] : []),
    ];
    const parts = [...offending.map((entry) => describeRange(entry, minPrefixV4, minPrefixV6, mapped.has(entry))), ...together];
    return {
      message: `allows ${parts.join('; ')}`,
      evidence: {
        offending: offending.map((entry) => ({ entry: entry.raw, cidr: entry.cidr, version: entry.version, prefix: entry.prefix })),
        minPrefixV4,
        minPrefixV6,
        ...(together.length > 0 ? { together } : {}),
      },
      ...(everyV4 || everyV6 ? { escalateTo: 'critical' as const } : {}),
    };
  },
};

/**
 * False when the rule certainly does not fire, decided without big-number
 * arithmetic for IPv4 entries (nearly every key's): no entry's prefix is too
 * short, no IPv6 entry reaches the IPv4-mapped block, and no range starts at
 * address 0 — entries that together cover a family always include one that
 * starts there (`coversAll` fails at once otherwise).
 */
function mayBeBroad(valid: readonly CidrEntry[], minPrefixV4: number, minPrefixV6: number): boolean {
  for (const entry of valid) {
    if (entry.prefix === 0 || entry.prefix < (entry.version === 4 ? minPrefixV4 : minPrefixV6)) return true;
    if (entry.version === 4 ? firstIPv4(entry) === 0 : mayStartLow(entry) && (entryRange(entry).first === 0n || ipv4MappedPart(entry) !== null)) return true;
  }
  return false;
}

/** `16,777,216`: what `toLocaleString('en-US')` writes for a whole number, without loading the locale data. */
function groupThousands(value: number): string {
  const digits = String(value);
  let grouped = '';
  for (let i = 0; i < digits.length; i += 1) {
    if (i > 0 && (digits.length - i) % 3 === 0) grouped += ',';
    grouped += digits[i];
  }
  return grouped;
}

/** `0.0.0.0/0, every IPv4 address` or `10.0.0.0/8 (16,777,216 addresses; minimum /16)` */
function describeRange(entry: CidrEntry, minPrefixV4: number, minPrefixV6: number, holdsIPv4Mapped: boolean): string {
  const family = entry.version === 4 ? 'IPv4' : 'IPv6';
  if (entry.prefix === 0) return `${entry.cidr}, every ${family} address`;
  if (holdsIPv4Mapped) return `${entry.cidr}, which holds ::ffff:0:0/96: every IPv4 address (IPv4-mapped)`;
  const hostBits = (entry.version === 4 ? 32 : 128) - entry.prefix;
  const size = hostBits <= 32 ? groupThousands(2 ** hostBits) : `2^${hostBits}`;
  const minimum = entry.version === 4 ? minPrefixV4 : minPrefixV6;
  return `${entry.cidr} (${size} ${family} addresses; minimum prefix /${minimum})`;
}
