import { expired } from '../../src/rules/expired.js';
import { DAY, at } from '../helpers/keys.js';
import { testRule } from '../helpers/rule-tester.js';

testRule(expired, {
  valid: [
    { name: 'expires 1 ms after now', key: { expiresTime: at(1) } },
    { name: 'expires in 60 days', key: { expiresTime: at(60 * DAY) } },
    { name: 'no expiry (that is no-expiry)', key: { expiresTime: null } },
  ],
  invalid: [
    {
      name: 'expires exactly now',
      key: { expiresTime: at(0) },
      message: 'expired less than a minute ago (2026-11-26 10:00 UTC)',
      evidence: { expiresTime: '2026-11-26T10:00:00.000Z', daysSinceExpiry: 0 },
    },
    { name: 'expired 1 ms ago', key: { expiresTime: at(-1) }, evidence: { daysSinceExpiry: 0 } },
    {
      name: 'expired 3 days ago',
      key: { expiresTime: at(-3 * DAY) },
      message: 'expired 3 days ago (2026-11-23 10:00 UTC)',
      evidence: { daysSinceExpiry: 3 },
    },
  ],
});
