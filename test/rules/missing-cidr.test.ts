import { missingCidr } from '../../src/rules/missing-cidr.js';
import { cidr } from '../helpers/keys.js';
import { testRule } from '../helpers/rule-tester.js';

testRule(missingCidr, {
  valid: [
    { name: 'one /24', key: { allowSourceCidr: { valid: [cidr('203.0.113.0/24', 4, 24)], invalid: [] } } },
    // Only invalid entries: still a source limit as far as C1 is concerned; invalid-cidr reports it.
    { name: 'only invalid entries', key: { allowSourceCidr: { valid: [], invalid: ['banana'] } } },
  ],
  invalid: [
    {
      name: 'no source limit',
      key: { allowSourceCidr: null },
      message: 'accepts requests from any source address (no allowed source IPs are set)',
      evidence: { allowSourceCidr: [] },
    },
  ],
});
