import { invalidCidr } from '../../src/rules/invalid-cidr.js';
import { cidr } from '../helpers/keys.js';
import { testRule } from '../helpers/rule-tester.js';

testRule(invalidCidr, {
  valid: [
    { name: 'all entries valid', key: { allowSourceCidr: { valid: [cidr('10.0.0.0/8', 4, 8)], invalid: [] } } },
    { name: 'no source limit', key: { allowSourceCidr: null } },
  ],
  invalid: [
    {
      name: 'one invalid entry',
      key: { allowSourceCidr: { valid: [cidr('203.0.113.0/24', 4, 24)], invalid: ['10.0.0.0/33'] } },
      message: 'has 1 allowed source entry that is neither an address nor a CIDR: "10.0.0.0/33"',
      evidence: { invalid: ['10.0.0.0/33'], validCount: 1 },
    },
    {
      name: 'several invalid entries, quoted safely',
      key: { allowSourceCidr: { valid: [], invalid: ['banana', '', 'a"b\nc'] } },
      message: 'has 3 allowed source entries that are neither an address nor a CIDR: "banana", "", "a\\"b\\nc"',
    },
  ],
});
