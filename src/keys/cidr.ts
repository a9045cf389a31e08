import { isIPv4, isIPv6 } from 'node:net';
import type { CidrEntry } from './types.js';

/**
 * Parsing of one `allowSourceCidr` entry: a CIDR (`10.0.0.0/8`,
 * `2001:db8::/32`) or a single address (`203.0.113.7` = /32, `2001:db8::1` =
 * /128).
 *
 * IPv6 addresses are validated by `node:net` (`isIPv6`), IPv4 addresses by a
 * scan accepting exactly what `isIPv4` accepts (one pass that also yields the
 * number), and networks computed with plain integer masking: this runs for
 * every entry of every key, and big-number CIDR libraries cost ~30× more per
 * entry. (`ip-cidr` remains the reference the property tests compare these
 * answers with.) A few inputs
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

const IPV6_SHAPE = /^[0-9A-Fa-f:]+$/;
/** An IPv6 address whose last 32 bits are written as a dotted quad. */
const IPV6_WITH_DOTTED_TAIL = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/;

export function parseCidrEntry(raw: string): CidrParseResult {
  const parsed = readCidrEntry(raw);
  return typeof parsed === 'string' ? { ok: false, reason: parsed } : { ok: true, entry: parsed };
}

/**
 * `parseCidrEntry` without the result wrapper, for normalisation's loop: the
 * entry, or why it is not one.
 */
export function readCidrEntry(raw: string): CidrEntry | string {
  const text = raw.trim();
  if (text === '') return 'empty entry';
  if (text.includes('%')) return 'IPv6 zone ids are not allowed';

  const slash = text.indexOf('/');
  if (slash !== -1 && text.indexOf('/', slash + 1) !== -1) return 'more than one "/"';
  const addressPart = slash === -1 ? text : text.slice(0, slash);

  const version: 4 | 6 = addressPart.includes(':') ? 6 : 4;
  const maxPrefix = version === 4 ? 32 : 128;

  let prefix = maxPrefix;
  if (slash !== -1) {
    prefix = plainDecimal(text, slash + 1);
    if (prefix < 0) return 'prefix length is not a plain decimal number';
    if (prefix > maxPrefix) return `prefix length above /${maxPrefix}`;
  }

  if (version === 4) {
    const address = ipv4Value(addressPart);
    if (address < 0) return 'not an IP address';
    const network = (address & ipv4Mask(prefix)) >>> 0;
    // `ipv4Value` and `plainDecimal` accept only canonical text, so an entry
    // already naming its network is its own canonical form (no new string).
    if (network === address) return { raw, version, prefix, cidr: slash === -1 ? `${text}/${prefix}` : text };
    return { raw, version, prefix, cidr: `${formatIPv4(network)}/${prefix}` };
  }

  const address = dottedTailToHex(addressPart);
  if (address === null || !IPV6_SHAPE.test(address) || !isIPv6(address)) return 'not an IP address';
  const groups = ipv6ToGroups(address);
  maskGroups(groups, prefix);

  if (prefix >= 96 && isIPv4MappedBlock(groups)) {
    const v4Prefix = prefix - 96;
    const v4 = (((groups[6] as number) << 16) | (groups[7] as number)) >>> 0;
    return { raw, version: 4, prefix: v4Prefix, cidr: `${formatIPv4(v4)}/${v4Prefix}` };
  }
  return { raw, version, prefix, cidr: `${formatGroups(groups)}/${prefix}` };
}

/**
 * The prefix length from `start` to the end of `text`: `0`, or 1–3 ASCII
 * digits without a leading zero; -1 for anything else.
 */
function plainDecimal(text: string, start: number): number {
  const count = text.length - start;
  if (count < 1 || count > 3) return -1;
  let value = 0;
  for (let i = start; i < text.length; i += 1) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9 || (digit === 0 && i === start && count > 1)) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * A dotted-quad IPv4 address as an unsigned integer, or -1 when it is not
 * one. The same addresses as `net.isIPv4`: four decimal octets of 0–255
 * without leading zeros (`010.0.0.1` could mean octal to another parser).
 */
function ipv4Value(text: string): number {
  let value = 0;
  let octets = 0;
  let position = 0;
  while (position <= text.length) {
    const start = position;
    let octet = 0;
    while (position < text.length) {
      const digit = text.charCodeAt(position) - 0x30;
      if (digit < 0 || digit > 9) break;
      octet = octet * 10 + digit;
      position += 1;
    }
    const length = position - start;
    if (length === 0 || length > 3 || octet > 255 || (length > 1 && text.charCodeAt(start) === 0x30)) return -1;
    value = value * 256 + octet;
    octets += 1;
    if (position === text.length) break;
    // Another octet must follow a dot, and there are only four.
    if (text.charCodeAt(position) !== 0x2e || octets === 4) return -1;
    position += 1;
  }
  return octets === 4 ? value : -1;
}

/** First and last address of a parsed entry, as integers of its family (32 or 128 bits). */
export function entryRange(entry: CidrEntry): { first: bigint; last: bigint } {
  const address = entry.cidr.slice(0, addressEnd(entry.cidr));
  const bits = entry.version === 4 ? 32 : 128;
  const first = entry.version === 4 ? BigInt(firstIPv4(entry)) : groupsToBigInt(ipv6ToGroups(address));
  const hostBits = BigInt(bits - entry.prefix);
  return { first, last: first + (1n << hostBits) - 1n };
}

/** `entryRange(entry).first` of an IPv4 entry, as a plain number. */
export function firstIPv4(entry: CidrEntry): number {
  return ipv4ToNumber(entry.cidr, addressEnd(entry.cidr)) >>> 0;
}

/** Where the address in a `cidr` ends: at its last "/" (as `slice(0, lastIndexOf('/'))` reads it). */
function addressEnd(cidr: string): number {
  const slash = cidr.lastIndexOf('/');
  return slash === -1 ? Math.max(0, cidr.length - 1) : slash;
}

/**
 * False when an IPv6 entry's first address is certainly at or above 2^112
 * (its first group is not zero), so its range neither starts at `::` nor
 * reaches the IPv4-mapped block; true when that needs `entryRange` to tell.
 */
export function mayStartLow(entry: CidrEntry): boolean {
  const text = entry.cidr;
  const colon = text.indexOf(':');
  if (colon <= 0 || colon >= text.lastIndexOf('/')) return true;
  const group = parseInt(text.slice(0, colon), 16);
  return !(group > 0);
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

/** The dotted quad in `address` up to `end` (its end by default) as a number; the text was already checked. */
function ipv4ToNumber(address: string, end = address.length): number {
  let value = 0;
  let octet = 0;
  for (let i = 0; i < end; i += 1) {
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
