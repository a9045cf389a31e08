import { longLived } from '../../src/rules/long-lived.js';
import { DAY, at } from '../helpers/keys.js';
import { testRule } from '../helpers/rule-tester.js';

const created = at(-10 * DAY);

// Default: maxDays 365.
testRule(longLived, {
  valid: [
    { name: 'lifetime exactly maxDays', key: { createdAt: created, expiresTime: new Date(created.getTime() + 365 * DAY) } },
    { name: 'lifetime 90 days', key: { createdAt: created, expiresTime: new Date(created.getTime() + 90 * DAY) } },
    { name: 'no expiry (that is no-expiry)', key: { createdAt: created, expiresTime: null } },
    { name: 'creation date unknown', key: { createdAt: null, expiresTime: at(1000 * DAY) } },
  ],
  invalid: [
    {
      name: 'lifetime maxDays + 1 ms',
      key: { createdAt: created, expiresTime: new Date(created.getTime() + 365 * DAY + 1) },
      evidence: { lifetimeDays: 365, maxDays: 365 },
    },
    {
      name: 'lifetime two years',
      key: { createdAt: created, expiresTime: new Date(created.getTime() + 730 * DAY) },
      message: 'valid for 730 days (created 2026-11-16, expires 2028-11-15), longer than the 365-day maximum',
      evidence: { createdAt: '2026-11-16T10:00:00.000Z', expiresTime: '2028-11-15T10:00:00.000Z' },
    },
  ],
});
