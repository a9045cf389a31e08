import { describe, expect, it } from 'vitest';
import { parseCidrEntry } from '../../src/keys/cidr.js';

describe('parseCidrEntry', () => {
  it.each([
    ['10.0.0.0/8', 4, 8, '10.0.0.0/8'],
    // Host bits set: the canonical network is shown.
    ['10.1.2.3/8', 4, 8, '10.0.0.0/8'],
    ['203.0.113.7', 4, 32, '203.0.113.7/32'],
    ['203.0.113.7/32', 4, 32, '203.0.113.7/32'],
    ['0.0.0.0/0', 4, 0, '0.0.0.0/0'],
    ['192.168.1.200/0', 4, 0, '0.0.0.0/0'],
    ['  192.168.0.0/16\t', 4, 16, '192.168.0.0/16'],
    ['2001:db8::/32', 6, 32, '2001:db8::/32'],
    ['2001:DB8:0:0:1::/32', 6, 32, '2001:db8::/32'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', 6, 128, '2001:db8::1/128'],
    ['2001:db8::1', 6, 128, '2001:db8::1/128'],
    ['2001:db8:0:1:0:0:0:1', 6, 128, '2001:db8:0:1::1/128'],
    // RFC 5952: a single zero group is not compressed; the first of equal runs is.
    ['2001:db8:0:1:1:1:1:1', 6, 128, '2001:db8:0:1:1:1:1:1/128'],
    ['2001:0:0:1:0:0:1:1', 6, 128, '2001::1:0:0:1:1/128'],
    ['::/0', 6, 0, '::/0'],
    ['::1', 6, 128, '::1/128'],
    ['fe80::/10', 6, 10, 'fe80::/10'],
    // IPv4-mapped IPv6 only admits IPv4 clients: judged as the IPv4 range it stands for.
    ['::ffff:10.0.0.0/104', 4, 8, '10.0.0.0/8'],
    ['::ffff:203.0.113.7', 4, 32, '203.0.113.7/32'],
    ['::ffff:cb00:7107', 4, 32, '203.0.113.7/32'],
    ['::ffff:0:0/96', 4, 0, '0.0.0.0/0'],
    // Below /96 the range is more than the mapped block: an IPv6 range.
    ['::ffff:1.2.3.4/8', 6, 8, '::/8'],
    ['64:ff9b::198.51.100.1/128', 6, 128, '64:ff9b::c633:6401/128'],
  ] as const)('%s → v%s /%s %s', (raw, version, prefix, canonical) => {
    expect(parseCidrEntry(raw)).toEqual({ ok: true, entry: { raw, version, prefix, cidr: canonical } });
  });

  it.each([
    ['10.0.0.0/33', 'above /32'],
    ['2001:db8::/129', 'above /128'],
    ['banana', 'not an IP address'],
    ['', 'empty'],
    ['   ', 'empty'],
    ['10.0.0.256', 'not an IP address'],
    ['10.0.0', 'not an IP address'],
    ['1.2.3.4.5', 'not an IP address'],
    ['010.0.0.0/8', 'not an IP address'],
    // Leading zeros in the prefix are rejected, as they are in IPv4 octets.
    ['10.0.0.0/08', 'plain decimal'],
    ['::/00', 'plain decimal'],
    ['10.0.0.0/', 'plain decimal'],
    ['10.0.0.0/-1', 'plain decimal'],
    ['10.0.0.0/+8', 'plain decimal'],
    ['10.0.0.0/ 8', 'plain decimal'],
    ['10.0.0.0/8.0', 'plain decimal'],
    ['10.0.0.0/0x8', 'plain decimal'],
    ['10.0.0.0/8/8', 'more than one'],
    ['fe80::1%eth0', 'zone'],
    ['fe80::1%eth0/64', 'zone'],
    ['2001:db8::g', 'not an IP address'],
    ['1::2::3', 'not an IP address'],
    ['::ffff:1.2.3.256', 'not an IP address'],
    ['1.2.3.4:80', 'not an IP address'],
    ['10.0.0.0 /8', 'not an IP address'],
  ])('rejects %j (%s)', (raw, reason) => {
    const result = parseCidrEntry(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });
});
