import IPCIDR from 'ip-cidr';
import type { CidrEntry } from './types.js';

/**
 * Parsing of one `allowSourceCidr` entry: a CIDR (`10.0.0.0/8`,
 * `2001:db8::/32`) or a single address (`203.0.113.7` = /32, `2001:db8::1` =
 * /128).
 *
 * `ip-cidr` validates addresses and computes networks, but a few inputs are
 * decided here first, because the library is lenient or wrong about them:
 * - Prefix lengths must be plain decimal without leading zeros (`/08` is
 *   rejected, like IPv4 octets with leading zeros): an entry a human or
 *   another parser could read differently is reported, not guessed.
 * - IPv6 zone ids (`fe80::1%eth0`) are rejected: they mean nothing for a
 *   source address seen by a remote server.
 * - IPv4-mapped IPv6 (`::ffff:10.0.0.0/104`) is what the library gets wrong
 *   (it drops the IPv6 part and keeps the /104). Such a range only ever
 *   admits IPv4 clients, so it is converted to the IPv4 range it stands for
 *   (`10.0.0.0/8`) and judged by the IPv4 limits; `::ffff:0:0/96` is every
 *   IPv4 address.
 */
export type CidrParseResult = { ok: true; entry: CidrEntry } | { ok: false; reason: string };

const IPV4_SHAPE = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const IPV6_SHAPE = /^[0-9A-Fa-f:]+$/;
/** An IPv6 address whose last 32 bits are written as a dotted quad. */
const IPV6_WITH_DOTTED_TAIL = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/;
const PREFIX_SHAPE = /^(?:0|[1-9]\d{0,2})$/;
const IPV4_MAPPED_HIGH_BITS = 0xffffn;

export function parseCidrEntry(raw: string): CidrParseResult {
  const text = raw.trim();
  if (text === '') return { ok: false, reason: 'empty entry' };
  if (text.includes('%')) return { ok: false, reason: 'IPv6 zone ids are not allowed' };

  const parts = text.split('/');
  if (parts.length > 2) return { ok: false, reason: 'more than one "/"' };
  const [addressPart = '', prefixPart] = parts;

  const version: 4 | 6 = addressPart.includes(':') ? 6 : 4;
  const maxPrefix = version === 4 ? 32 : 128;

  let prefix = maxPrefix;
  if (prefixPart !== undefined) {
    if (!PREFIX_SHAPE.test(prefixPart)) return { ok: false, reason: 'prefix length is not a plain decimal number' };
    prefix = Number(prefixPart);
    if (prefix > maxPrefix) return { ok: false, reason: `prefix length above /${maxPrefix}` };
  }

  const address = version === 6 ? dottedTailToHex(addressPart) : addressPart;
  if (address === null) return { ok: false, reason: 'not an IP address' };
  const shapeOk = version === 4 ? IPV4_SHAPE.test(address) : IPV6_SHAPE.test(address);
  if (!shapeOk || !IPCIDR.isValidAddress(address)) return { ok: false, reason: 'not an IP address' };

  let network: bigint;
  try {
    network = new IPCIDR(`${address}/${prefix}`).start<bigint>({ type: 'bigInteger' });
  } catch {
    return { ok: false, reason: 'not an IP address' };
  }

  if (version === 6 && prefix >= 96 && network >> 32n === IPV4_MAPPED_HIGH_BITS) {
    const v4Prefix = prefix - 96;
    return {
      ok: true,
      entry: { raw, version: 4, prefix: v4Prefix, cidr: `${formatIPv4(network & 0xffffffffn)}/${v4Prefix}` },
    };
  }

  const cidr = `${version === 4 ? formatIPv4(network) : formatIPv6(network)}/${prefix}`;
  return { ok: true, entry: { raw, version, prefix, cidr } };
}

/** `::ffff:1.2.3.4` → `::ffff:102:304`; null when the dotted part is not an IPv4 address. */
function dottedTailToHex(address: string): string | null {
  const match = IPV6_WITH_DOTTED_TAIL.exec(address);
  if (!match) return address;
  const [, head = '', quad = ''] = match;
  if (!IPCIDR.isValidAddress(quad)) return null;
  const octets = quad.split('.').map(Number) as [number, number, number, number];
  const high = ((octets[0] << 8) | octets[1]).toString(16);
  const low = ((octets[2] << 8) | octets[3]).toString(16);
  return `${head}${high}:${low}`;
}

function formatIPv4(value: bigint): string {
  const octets: number[] = [];
  for (let shift = 24n; shift >= 0n; shift -= 8n) octets.push(Number((value >> shift) & 0xffn));
  return octets.join('.');
}

/** RFC 5952 text: lower case, no leading zeros, the longest run (≥ 2) of zero groups as `::`. */
function formatIPv6(value: bigint): string {
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn));

  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let end = i;
    while (end < groups.length && groups[end] === 0) end += 1;
    if (end - i > bestLength) {
      bestStart = i;
      bestLength = end - i;
    }
    i = end;
  }

  const hex = groups.map((group) => group.toString(16));
  if (bestLength < 2) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLength).join(':');
  return `${head}::${tail}`;
}
