import { noExpiry } from '../../src/rules/no-expiry.js';
import { DAY, at } from '../helpers/keys.js';
import { testRule } from '../helpers/rule-tester.js';

testRule(noExpiry, {
  valid: [
    { name: 'has an expiry', key: { expiresTime: at(400 * DAY) } },
    { name: 'has an expiry in the past', key: { expiresTime: at(-DAY) } },
  ],
  invalid: [
    {
      name: 'no expiry',
      key: { expiresTime: null, createdAt: at(-30 * DAY) },
      message: 'never expires (created 2026-10-27); it stays valid until someone deletes it',
      evidence: { expiresTime: null, createdAt: '2026-10-27T10:00:00.000Z' },
    },
    {
      name: 'no expiry and no creation date',
      key: { expiresTime: null, createdAt: null },
      message: 'never expires; it stays valid until someone deletes it',
    },
  ],
});
