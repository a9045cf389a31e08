import { describe, expect, it } from 'vitest';
import { RULE_IDS } from '../../src/rules/ids.js';
import { RULES, ruleById } from '../../src/rules/index.js';
import { ruleCatalogue } from '../../src/rules/evaluate.js';
import { SEVERITIES } from '../../src/severity.js';
import { rulesConfig } from '../helpers/keys.js';

describe('rule catalogue', () => {
  it('holds exactly RULE_IDS, in the contract order', () => {
    expect(RULES.map((rule) => rule.meta.id)).toEqual([...RULE_IDS]);
  });

  it('has the contract default severities', () => {
    expect(Object.fromEntries(RULES.map((rule) => [rule.meta.id, rule.meta.defaultSeverity]))).toEqual({
      expired: 'low',
      'expiring-soon': 'medium',
      'no-expiry': 'high',
      unused: 'medium',
      'never-used': 'medium',
      'missing-cidr': 'medium',
      'broad-cidr': 'high',
      'invalid-cidr': 'medium',
      'broad-roles': 'high',
      'long-lived': 'low',
      'owner-inactive': 'high',
    });
    for (const rule of RULES) expect(SEVERITIES).toContain(rule.meta.defaultSeverity);
  });

  it('points each rule at the C1 page that explains its setting', () => {
    const api = 'https://www.conductorone.com/docs/conductorone-api/api';
    const expiry = `${api}#create-a-personal-api-key`;
    const usage = `${api}#view-and-manage-all-api-keys-for-your-conductorone-tenant`;
    expect(Object.fromEntries(RULES.map((rule) => [rule.meta.id, rule.meta.reference]))).toEqual({
      expired: expiry,
      'expiring-soon': expiry,
      'no-expiry': expiry,
      unused: usage,
      'never-used': usage,
      'missing-cidr': expiry,
      'broad-cidr': expiry,
      'invalid-cidr': expiry,
      'broad-roles': 'https://www.conductorone.com/docs/product/set-up/user-roles',
      'long-lived': expiry,
      // Where an admin finds and deletes the keys of users who left.
      'owner-inactive': usage,
    });
  });

  it('has unique titles', () => {
    expect(new Set(RULES.map((rule) => rule.meta.title)).size).toBe(RULES.length);
  });

  it('finds rules by id', () => {
    expect(ruleById('broad-cidr')?.meta.id).toBe('broad-cidr');
    expect(ruleById('nope')).toBeUndefined();
  });

  it('lists effective severity and enabled state for the report', () => {
    const catalogue = ruleCatalogue(rulesConfig({ disabled: ['unused'], severity: { expired: 'info' } }));
    expect(catalogue).toHaveLength(RULES.length);
    expect(catalogue[0]).toEqual({ id: 'expired', title: 'Key has expired', severity: 'info', enabled: true });
    expect(catalogue.find((entry) => entry.id === 'unused')).toMatchObject({ enabled: false, severity: 'medium' });
  });
});
