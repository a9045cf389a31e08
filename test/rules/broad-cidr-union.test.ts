import { parseCidrEntry } from '../../src/keys/cidr.js';
import type { CidrEntry } from '../../src/keys/types.js';
import { broadCidr } from '../../src/rules/broad-cidr.js';
import { testRule } from '../helpers/rule-tester.js';

/** Entries as the normaliser makes them, from the text the API sends. */
function parsed(...raws: string[]): { allowSourceCidr: { valid: CidrEntry[]; invalid: string[] } } {
  const valid = raws.map((raw) => {
    const result = parseCidrEntry(raw);
    if (!result.ok) throw new Error(`test entry ${raw} does not parse: ${result.reason}`);
    return result.entry;
  });
  return { allowSourceCidr: { valid, invalid: [] } };
}

// The union of a key's entries is judged, not each entry alone. Defaults: minPrefixV4 16, minPrefixV6 48.
testRule(broadCidr, {
  valid: [
    { name: 'two adjacent /17s are a /16, which the minimum allows', key: parsed('10.0.0.0/17', '10.0.128.0/17') },
    { name: 'an IPv6 /96 next to, not over, the IPv4-mapped block', key: parsed('::fffe:0:0/96') },
    { name: 'an IPv6 /80 elsewhere', key: parsed('2001:db8::/80') },
  ],
  invalid: [
    {
      name: '0.0.0.0/1 + 128.0.0.0/1 together allow every IPv4 address: critical',
      key: parsed('0.0.0.0/1', '128.0.0.0/1'),
      message:
        'allows 0.0.0.0/1 (2,147,483,648 IPv4 addresses; minimum prefix /16); 128.0.0.0/1 (2,147,483,648 IPv4 addresses; minimum prefix /16); together every IPv4 address',
      evidence: { together: ['together every IPv4 address'] },
      escalateTo: 'critical',
    },
    {
      name: 'overlapping and out-of-order halves still cover everything',
      key: parsed('128.0.0.0/2', '0.0.0.0/1', '192.0.0.0/2', '10.0.0.0/8'),
      escalateTo: 'critical',
    },
    {
      name: 'halves with a one-address gap are not everything',
      key: parsed('0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/3', '224.0.0.0/4', '240.0.0.0/5', '248.0.0.0/6', '252.0.0.0/7', '254.0.0.0/8'),
      message: /^allows 0\.0\.0\.0\/1 /,
    },
    {
      name: '::/1 + 8000::/1 together allow every IPv6 (and so every IPv4-mapped) address',
      key: parsed('::/1', '8000::/1'),
      escalateTo: 'critical',
    },
    {
      name: '::ffff:0:0/95 holds every IPv4-mapped address: critical',
      key: parsed('::ffff:0:0/95'),
      message: 'allows ::fffe:0:0/95, which holds ::ffff:0:0/96: every IPv4 address (IPv4-mapped)',
      escalateTo: 'critical',
    },
    {
      name: '::/80 holds every IPv4-mapped address: critical',
      key: parsed('::/80'),
      message: 'allows ::/80, which holds ::ffff:0:0/96: every IPv4 address (IPv4-mapped)',
      escalateTo: 'critical',
    },
    {
      name: 'the narrower ::ffff:0:0/96 stays critical as before',
      key: parsed('::ffff:0:0/96'),
      message: 'allows 0.0.0.0/0, every IPv4 address',
      escalateTo: 'critical',
    },
    {
      name: 'IPv4-mapped halves add up with plain IPv4 ranges',
      key: parsed('::ffff:0.0.0.0/97', '128.0.0.0/1'),
      escalateTo: 'critical',
    },
  ],
});
