import { describe, expect, it } from 'vitest';
import {
  cronProblem,
  emailAddressProblem,
  parseSuppressionExpiry,
  smtpUrlProblem,
  timezoneProblem,
} from '../../src/config/checks.js';
import { formatKeyPath } from '../../src/config/problems.js';
import { isRuleId, RULE_IDS } from '../../src/rules/ids.js';

describe('value checks', () => {
  it.each([
    ['0 7 * * *', true],
    ['*/5 * * * *', true],
    ['0 0 7 * * *', true],
    ['*/10 * * * * *', true],
    ['0 7 * * MON-FRI', true],
    ['61 * * * *', false],
    ['* 24 * * *', false],
    ['not a cron', false],
    ['* * * *', false],
    ['0 0 0 7 * * *', false],
    ['', false],
  ])('cron %j valid: %s', (expression, valid) => {
    expect(cronProblem(expression) === null).toBe(valid);
  });

  it.each([
    ['UTC', true],
    ['Europe/Berlin', true],
    ['America/Argentina/Buenos_Aires', true],
    ['Mars/Olympus', false],
    ['', false],
  ])('timezone %j valid: %s', (timezone, valid) => {
    expect(timezoneProblem(timezone) === null).toBe(valid);
  });

  it.each([
    ['smtp://mail.example.com', true],
    ['smtps://u:p@mail.example.com:465', true],
    ['smtp://127.0.0.1:2525', true],
    ['http://mail.example.com', false],
    ['mail.example.com:25', false],
    ['smtp://', false],
  ])('SMTP URL %j valid: %s', (url, valid) => {
    expect(smtpUrlProblem(url) === null).toBe(valid);
  });

  it.each([
    ['a@b', {}, true],
    ['first.last+tag@sub.example.com', {}, true],
    ['Name <a@b.example>', {}, false],
    ['Name <a@b.example>', { allowDisplayName: true }, true],
    ['a@b, c@d', {}, false],
    ['a@b\nBcc: c@d', {}, false],
    ['a b@c', {}, false],
    ['@b', {}, false],
    ['a@', {}, false],
  ])('email %j (%o) valid: %s', (address, options, valid) => {
    expect(emailAddressProblem(address, options) === null).toBe(valid);
  });

  it('a bare expiry date is midnight UTC; a date-time is taken as written', () => {
    expect(parseSuppressionExpiry('2027-01-31').toISOString()).toBe('2027-01-31T00:00:00.000Z');
    expect(parseSuppressionExpiry('2027-01-31T23:30:00-01:00').toISOString()).toBe('2027-02-01T00:30:00.000Z');
  });

  it('formats key paths the way users find them in the file', () => {
    expect(formatKeyPath(['rules', 'disabled', 1])).toBe('rules.disabled[1]');
    expect(formatKeyPath(['suppressions', 0, 'rule'])).toBe('suppressions[0].rule');
    expect(formatKeyPath(['rules', 'severity', 'no-expiry'])).toBe('rules.severity.no-expiry');
    expect(formatKeyPath(['rules', 'severity', 'a.b'])).toBe('rules.severity["a.b"]');
    expect(formatKeyPath([])).toBe('(top level)');
  });

  it('knows exactly the agreed rule ids', () => {
    expect([...RULE_IDS].sort()).toEqual(
      [
        'broad-cidr',
        'broad-roles',
        'expired',
        'expiring-soon',
        'invalid-cidr',
        'long-lived',
        'missing-cidr',
        'never-used',
        'no-expiry',
        'owner-inactive',
        'unused',
      ],
    );
    expect(isRuleId('expired')).toBe(true);
    expect(isRuleId('expird')).toBe(false);
    expect(isRuleId(3)).toBe(false);
  });
});
