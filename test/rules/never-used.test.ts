import { neverUsed } from '../../src/rules/never-used.js';
import { DAY, at } from '../helpers/keys.js';
import { testRule } from '../helpers/rule-tester.js';

// Default: neverUsedGraceDays 7.
testRule(neverUsed, {
  valid: [
    { name: 'created exactly the grace period ago', key: { lastUsedAt: null, createdAt: at(-7 * DAY) } },
    { name: 'created today', key: { lastUsedAt: null, createdAt: at(-1) } },
    { name: 'used once', key: { lastUsedAt: at(-200 * DAY), createdAt: at(-300 * DAY) } },
    { name: 'creation date unknown', key: { lastUsedAt: null, createdAt: null } },
  ],
  invalid: [
    {
      name: 'created grace + 1 ms ago',
      key: { lastUsedAt: null, createdAt: at(-7 * DAY - 1) },
      evidence: { daysSinceCreation: 7, graceDays: 7, lastUsedAt: null },
    },
    {
      name: 'created 30 days ago',
      key: { lastUsedAt: null, createdAt: at(-30 * DAY) },
      message: 'never used since it was created 30 days ago (2026-10-27; grace period 7 days)',
    },
  ],
});
