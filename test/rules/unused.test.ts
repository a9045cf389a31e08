import { unused } from '../../src/rules/unused.js';
import { DAY, at, ruleOptions } from '../helpers/keys.js';
import { testRule } from '../helpers/rule-tester.js';

// Default: days 90.
testRule(unused, {
  valid: [
    { name: 'last used exactly `days` ago', key: { lastUsedAt: at(-90 * DAY) } },
    { name: 'last used yesterday', key: { lastUsedAt: at(-DAY) } },
    { name: 'never used (that is never-used)', key: { lastUsedAt: null, createdAt: at(-400 * DAY) } },
    { name: 'last use in the future (clock skew)', key: { lastUsedAt: at(DAY) } },
    {
      name: 'custom days: 100 days idle with days = 120',
      key: { lastUsedAt: at(-100 * DAY) },
      context: { options: ruleOptions({ unused: { days: 120, neverUsedGraceDays: 7 } }) },
    },
  ],
  invalid: [
    {
      name: 'last used `days` + 1 ms ago',
      key: { lastUsedAt: at(-90 * DAY - 1) },
      evidence: { daysSinceLastUse: 90, thresholdDays: 90 },
    },
    {
      name: 'last used 120 days ago',
      key: { lastUsedAt: at(-120 * DAY) },
      message: 'not used for 120 days (last used 2026-07-29; limit 90 days)',
      evidence: { lastUsedAt: '2026-07-29T10:00:00.000Z', daysSinceLastUse: 120 },
    },
  ],
});
