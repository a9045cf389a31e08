import { broadCidr } from '../../src/rules/broad-cidr.js';
import { cidr, ruleOptions } from '../helpers/keys.js';
import { testRule } from '../helpers/rule-tester.js';

const only = (...valid: ReturnType<typeof cidr>[]) => ({ allowSourceCidr: { valid, invalid: [] } });

// Defaults: minPrefixV4 16, minPrefixV6 48.
testRule(broadCidr, {
  valid: [
    { name: 'IPv4 prefix equal to the minimum', key: only(cidr('10.0.0.0/16', 4, 16)) },
    { name: 'IPv6 prefix equal to the minimum', key: only(cidr('2001:db8::/48', 6, 48)) },
    { name: 'single addresses', key: only(cidr('203.0.113.7/32', 4, 32), cidr('2001:db8::1/128', 6, 128)) },
    // 20 < 48: it would fire if IPv4 entries were compared with the IPv6 minimum.
    { name: 'IPv4 /20 is not judged by the IPv6 minimum', key: only(cidr('10.0.0.0/20', 4, 20)) },
    { name: 'no source limit (that is missing-cidr)', key: { allowSourceCidr: null } },
    { name: 'only invalid entries', key: { allowSourceCidr: { valid: [], invalid: ['0.0.0.0/0/0'] } } },
    {
      name: 'custom minimum: /8 with minPrefixV4 = 8',
      key: only(cidr('10.0.0.0/8', 4, 8)),
      context: { options: ruleOptions({ broadCidr: { minPrefixV4: 8, minPrefixV6: 32 } }) },
    },
  ],
  invalid: [
    {
      name: 'IPv4 prefix one shorter than the minimum',
      key: only(cidr('10.0.0.0/15', 4, 15)),
      message: 'allows 10.0.0.0/15 (131,072 IPv4 addresses; minimum prefix /16)',
      evidence: { offending: [{ entry: '10.0.0.0/15', cidr: '10.0.0.0/15', version: 4, prefix: 15 }], minPrefixV4: 16 },
    },
    {
      name: 'IPv6 prefix one shorter than the minimum',
      key: only(cidr('2001:db8::/47', 6, 47)),
      message: 'allows 2001:db8::/47 (2^81 IPv6 addresses; minimum prefix /48)',
    },
    {
      name: 'IPv4 /0 is critical',
      key: only(cidr('0.0.0.0/0', 4, 0)),
      message: 'allows 0.0.0.0/0, every IPv4 address',
      escalateTo: 'critical',
    },
    {
      name: 'IPv6 /0 is critical',
      key: only(cidr('::/0', 6, 0)),
      message: 'allows ::/0, every IPv6 address',
      escalateTo: 'critical',
    },
    {
      name: '/0 is critical even when the minimum prefix is set to 0',
      key: only(cidr('0.0.0.0/0', 4, 0), cidr('10.0.0.0/8', 4, 8)),
      context: { options: ruleOptions({ broadCidr: { minPrefixV4: 0, minPrefixV6: 0 } }) },
      message: 'allows 0.0.0.0/0, every IPv4 address',
      escalateTo: 'critical',
    },
    {
      name: 'only the offending entries are listed',
      key: only(cidr('203.0.113.0/24', 4, 24), cidr('10.0.0.0/8', 4, 8), cidr('0.0.0.0/0', 4, 0)),
      message: 'allows 10.0.0.0/8 (16,777,216 IPv4 addresses; minimum prefix /16); 0.0.0.0/0, every IPv4 address',
      evidence: { offending: [{ cidr: '10.0.0.0/8' }, { cidr: '0.0.0.0/0' }] },
      escalateTo: 'critical',
    },
    {
      name: 'a broad entry next to invalid ones',
      key: { allowSourceCidr: { valid: [cidr('10.0.0.0/8', 4, 8)], invalid: ['banana'] } },
    },
  ],
});
