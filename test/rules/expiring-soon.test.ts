import { expiringSoon } from '../../src/rules/expiring-soon.js';
import { DAY, at, ruleOptions } from '../helpers/keys.js';
import { testRule } from '../helpers/rule-tester.js';

// Defaults: days 14, urgentDays 3.
testRule(expiringSoon, {
  valid: [
    { name: 'expires exactly now (that is expired)', key: { expiresTime: at(0) } },
    { name: 'expired a day ago', key: { expiresTime: at(-DAY) } },
    { name: 'expires 1 ms after now + days', key: { expiresTime: at(14 * DAY + 1) } },
    { name: 'no expiry', key: { expiresTime: null } },
    {
      name: 'custom window: 10 days left with days = 7',
      key: { expiresTime: at(10 * DAY) },
      context: { options: ruleOptions({ expiringSoon: { days: 7, urgentDays: 1 } }) },
    },
  ],
  invalid: [
    {
      name: 'expires 1 ms after now (urgent)',
      key: { expiresTime: at(1) },
      message: 'expires in less than a minute (2026-11-26 10:00 UTC)',
      escalateTo: 'high',
    },
    {
      name: 'expires exactly at now + urgentDays (urgent)',
      key: { expiresTime: at(3 * DAY) },
      escalateTo: 'high',
      evidence: { daysLeft: 3, urgent: true, urgentDays: 3 },
    },
    {
      name: 'expires 1 ms after now + urgentDays (not urgent)',
      key: { expiresTime: at(3 * DAY + 1) },
      evidence: { urgent: false },
    },
    {
      name: 'expires in 47 hours: the hours are kept, not rounded down to "1 day"',
      key: { expiresTime: at(2 * DAY - 3_600_000) },
      message: 'expires in 1 day 23 hours (2026-11-28 09:00 UTC)',
      escalateTo: 'high',
    },
    {
      name: 'expires in 2 days',
      key: { expiresTime: at(2 * DAY) },
      message: 'expires in 2 days (2026-11-28 10:00 UTC)',
      escalateTo: 'high',
    },
    {
      name: 'expires in 5 hours',
      key: { expiresTime: at(5 * 3_600_000) },
      message: 'expires in 5 hours (2026-11-26 15:00 UTC)',
      escalateTo: 'high',
    },
    {
      name: 'expires exactly at now + days',
      key: { expiresTime: at(14 * DAY) },
      message: 'expires in 14 days (2026-12-10 10:00 UTC)',
      evidence: { expiresTime: '2026-12-10T10:00:00.000Z', daysLeft: 14, thresholdDays: 14 },
    },
  ],
});
