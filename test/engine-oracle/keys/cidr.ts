import { isIPv4, isIPv6 } from 'node:net';
import type { CidrEntry } from '../../../src/keys/types.js';

/**
 * Parsing of one `allowSourceCidr` entry: a CIDR (`10.0.0.0/8`,
 * `2001:db8::/32`) or a single address (`203.0.113.7` = /32, `2001:db8::1` =
 * /128).
 *
 * Addresses are validated by `node:net` (`isIPv4`/`isIPv6`) and networks
 * computed with plain integer masking: this runs for every entry of every key,
 * and big-number CIDR libraries cost ~30× more per entry. (`ip-cidr` remains
 * the reference the property tests compare these answers with.) A few inputs
 * are decided here on purpose:
 * - Prefix lengths must be plain decimal without leading zeros (`/08` is
 *   rejected, like IPv4 octets with leading zeros): an entry a human or
 *   another parser could read differently is reported, not guessed.
 * - IPv6 zone ids (`fe80::1%eth0`) are rejected: they mean nothing for a
 *   source address seen by a remote server.
 * - IPv4-mapped IPv6 (`::ffff:10.0.0.0/104`) only ever admits IPv4 clients,
 *   so it is converted to the IPv4 range it stands for (`10.0.0.0/8`) and
 *   judged by the IPv4 limits; `::ffff:0:0/96` is every IPv4 address. A
 *   broader IPv6 range that contains that block (`::/80`, `::ffff:0:0/95`)
 *   stays IPv6, and `ipv4MappedPart` tells the rules it admits every IPv4 client too.
 */
export type CidrParseResult = { ok: true; entry: CidrEntry } | { ok: false; reason: string };

const IPV4_SHAPE = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const IPV6_SHAPE = /^[0-9A-Fa-f:]+$/;
/** An IPv6 address whose last 32 bits are written as a dotted quad. */
const IPV6_WITH_DOTTED_TAIL = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/;
const PREFIX_SHAPE = /^(?:0|[1-9]\d{0,2})$/;

export function parseCidrEntry(raw: string): CidrParseResult {
  const text = raw.trim();
  if (text === '') return { ok: false, reason: 'empty entry' };
  if (text.includes('%')) return { ok: false, reason: 'IPv6 zone ids are not allowed' };

  const slash = text.indexOf('/');
  if (slash !== -1 && text.indexOf('/', slash + 1) !== -1) return { ok: false, reason: 'more than one "/"' };
  const addressPart = slash === -1 ? text : text.slice(0, slash);
  const prefixPart = slash === -1 ? undefined : text.slice(slash + 1);

  const version: 4 | 6 = addressPart.includes(':') ? 6 : 4;
  const maxPrefix = version === 4 ? 32 : 128;

  let prefix = maxPrefix;
  if (prefixPart !== undefined) {
    if (!PREFIX_SHAPE.test(prefixPart)) return { ok: false, reason: 'prefix length is not a plain decimal number' };
    prefix = Number(prefixPart);
    if (prefix > maxPrefix) return { ok: false, reason: `prefix length above /${maxPrefix}` };
  }

  if (version === 4) {
    if (!IPV4_SHAPE.test(addressPart) || !isIPv4(addressPart)) return { ok: false, reason: 'not an IP address' };
    const network = ipv4ToNumber(addressPart) & ipv4Mask(prefix);
    return { ok: true, entry: { raw, version, prefix, cidr: `${formatIPv4(network >>> 0)}/${prefix}` } };
  }

  const address = dottedTailToHex(addressPart);
  if (address === null || !IPV6_SHAPE.test(address) || !isIPv6(address)) return { ok: false, reason: 'not an IP address' };
  const groups = ipv6ToGroups(address);
  maskGroups(groups, prefix);

  if (prefix >= 96 && isIPv4MappedBlock(groups)) {
    const v4Prefix = prefix - 96;
    const v4 = (((groups[6] as number) << 16) | (groups[7] as number)) >>> 0;
    return { ok: true, entry: { raw, version: 4, prefix: v4Prefix, cidr: `${formatIPv4(v4)}/${v4Prefix}` } };
  }
  return { ok: true, entry: { raw, version, prefix, cidr: `${formatGroups(groups)}/${prefix}` } };
}

/** First and last address of a parsed entry, as integers of its family (32 or 128 bits). */
export function entryRange(entry: CidrEntry): { first: bigint; last: bigint } {
  const slash = entry.cidr.lastIndexOf('/');
  const address = entry.cidr.slice(0, slash);
  const bits = entry.version === 4 ? 32 : 128;
  const first = entry.version === 4 ? BigInt(ipv4ToNumber(address) >>> 0) : groupsToBigInt(ipv6ToGroups(address));
  const hostBits = BigInt(bits - entry.prefix);
  return { first, last: first + (1n << hostBits) - 1n };
}

const MAPPED_FIRST = 0xffff_0000_0000n;
const MAPPED_LAST = 0xffff_ffff_ffffn;

/**
 * The IPv4 addresses an IPv6 entry admits through the IPv4-mapped block
 * `::ffff:0:0/96` (as a 32-bit range), or null when it does not reach it.
 * Entries inside the block were already turned into IPv4 entries by
 * `parseCidrEntry`, so a hit here is always the whole IPv4 space.
 */
export function ipv4MappedPart(entry: CidrEntry): { first: bigint; last: bigint } | null {
  if (entry.version !== 6) return null;
  const { first, last } = entryRange(entry);
  if (last < MAPPED_FIRST || first > MAPPED_LAST) return null;
  const from = first > MAPPED_FIRST ? first : MAPPED_FIRST;
  const to = last < MAPPED_LAST ? last : MAPPED_LAST;
  return { first: from - MAPPED_FIRST, last: to - MAPPED_FIRST };
}

/** Whether the ranges together cover every address from 0 to `max` (no gap). */
export function coversAll(ranges: ReadonlyArray<{ first: bigint; last: bigint }>, max: bigint): boolean {
  const sorted = [...ranges].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  let next = 0n;
  for (const range of sorted) {
    if (range.first > next) return false;
    if (range.last + 1n > next) next = range.last + 1n;
    if (next > max) return true;
  }
  return false;
}

export const IPV4_MAX = 0xffff_ffffn;
export const IPV6_MAX = (1n << 128n) - 1n;

function ipv4ToNumber(address: string): number {
  let value = 0;
  let octet = 0;
  for (let i = 0; i < address.length; i += 1) {
    const code = address.charCodeAt(i);
    if (code === 0x2e) {
      value = (value << 8) | octet;
      octet = 0;
    } else {
      octet = octet * 10 + (code - 0x30);
    }
  }
  return ((value << 8) | octet) >>> 0;
}

function ipv4Mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function formatIPv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
}

/** Eight 16-bit groups of a valid IPv6 address (already checked by `isIPv6`, dotted tail already hex). */
function ipv6ToGroups(address: string): number[] {
  const doubleColon = address.indexOf('::');
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  if (doubleColon === -1) return parse(address);
  const head = parse(address.slice(0, doubleColon));
  const tail = parse(address.slice(doubleColon + 2));
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

function maskGroups(groups: number[], prefix: number): void {
  for (let i = 0; i < 8; i += 1) {
    const keep = Math.min(16, Math.max(0, prefix - i * 16));
    groups[i] = keep === 0 ? 0 : (groups[i] as number) & ((0xffff << (16 - keep)) & 0xffff);
  }
}

function isIPv4MappedBlock(groups: readonly number[]): boolean {
  return groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff;
}

function groupsToBigInt(groups: readonly number[]): bigint {
  let value = 0n;
  for (const group of groups) value = (value << 16n) | BigInt(group);
  return value;
}

/** `::ffff:1.2.3.4` → `::ffff:102:304`; null when the dotted part is not an IPv4 address. */
function dottedTailToHex(address: string): string | null {
  const match = IPV6_WITH_DOTTED_TAIL.exec(address);
  if (!match) return address;
  const [, head = '', quad = ''] = match;
  if (!isIPv4(quad)) return null;
  const value = ipv4ToNumber(quad);
  return `${head}${(value >>> 16).toString(16)}:${(value & 0xffff).toString(16)}`;
}

/** RFC 5952 text: lower case, no leading zeros, the longest run (≥ 2) of zero groups as `::`. */
function formatGroups(groups: readonly number[]): string {
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
