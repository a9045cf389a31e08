import { describe, expect, it } from 'vitest';
import type { Owner } from '../../src/keys/types.js';
import { evaluateKeys } from '../../src/rules/evaluate.js';
import { ownerInactive } from '../../src/rules/owner-inactive.js';
import { DAY, NOW, at, buildKey, rulesConfig } from '../helpers/keys.js';
import { testRule } from '../helpers/rule-tester.js';

const owner = (status: string, fields: Partial<Owner> = {}): Owner => ({
  id: 'user-1',
  email: 'sam@example.com',
  displayName: 'Sam Doe',
  status,
  ...fields,
});

testRule(ownerInactive, {
  valid: [
    { name: 'an enabled owner', key: { owner: owner('ENABLED') } },
    { name: 'an owner whose status C1 does not know', key: { owner: owner('UNKNOWN') } },
    { name: 'a status C1 may add later', key: { owner: owner('SUSPENDED_FOR_REVIEW') } },
    { name: 'a disabled owner of an expired key (only `expired` speaks for it)', key: { owner: owner('DISABLED'), expiresTime: at(-DAY) } },
    { name: 'an unknown owner of an expired key', key: { owner: null, expiresTime: at(-1) } },
    { name: 'a key that names no owner: nobody to look up', key: { userId: null, owner: null } },
  ],
  invalid: [
    {
      name: 'a disabled owner',
      key: { owner: owner('DISABLED') },
      message: 'belongs to "Sam Doe" <sam@example.com>, whose C1 account is disabled',
      evidence: { reason: 'disabled', userId: 'user-1', ownerStatus: 'DISABLED', ownerEmail: 'sam@example.com' },
    },
    {
      name: 'a deleted owner without a display name',
      key: { owner: owner('DELETED', { displayName: null }) },
      message: 'belongs to "sam@example.com", whose C1 account is deleted',
      evidence: { reason: 'deleted', ownerStatus: 'DELETED' },
    },
    {
      name: 'a disabled owner with neither name nor e-mail',
      key: { owner: owner('DISABLED', { displayName: null, email: null }) },
      message: 'belongs to "user-1", whose C1 account is disabled',
    },
    {
      name: 'an owner the lookup did not return',
      key: { userId: 'user-gone', owner: null },
      message: 'belongs to user "user-gone", whom C1\'s user lookup did not return (deleted or unknown)',
      evidence: { reason: 'not-found', userId: 'user-gone', ownerStatus: null },
    },
    {
      name: 'a never-expiring key of a deleted owner',
      key: { owner: owner('DELETED'), expiresTime: null },
      evidence: { reason: 'deleted' },
    },
    {
      name: 'a hostile display name stays one quoted line',
      key: { owner: owner('DISABLED', { displayName: 'Eve"\nBcc: x@evil.example', email: null }) },
      message: 'belongs to "Eve\\"\\nBcc: x@evil.example", whose C1 account is disabled',
    },
  ],
});

describe('owner-inactive in the engine', () => {
  const run = (ownersResolved: boolean | undefined) =>
    evaluateKeys([buildKey({ id: 'gone', userId: 'u-gone', owner: null, expiresTime: null })], {
      now: NOW,
      rules: rulesConfig(),
      roles: new Map(),
      suppressions: [],
      ...(ownersResolved === undefined ? {} : { ownersResolved }),
    }).findings.map((finding) => finding.ruleId);

  it('runs only when the owner lookup succeeded; other rules fire for the key either way', () => {
    expect(run(true).sort()).toEqual(['no-expiry', 'owner-inactive']);
    expect(run(false)).toEqual(['no-expiry']);
    expect(run(undefined)).toEqual(['no-expiry']);
  });

  it('copies the owner onto every finding of the key', () => {
    const disabled = owner('DISABLED');
    const { findings } = evaluateKeys([buildKey({ owner: disabled, expiresTime: null })], {
      now: NOW,
      rules: rulesConfig(),
      roles: new Map(),
      suppressions: [],
      ownersResolved: true,
    });
    expect(findings.map((finding) => [finding.ruleId, finding.owner])).toEqual([
      ['no-expiry', disabled],
      ['owner-inactive', disabled],
    ]);
  });

  it('can be disabled and re-graded like any rule', () => {
    const key = buildKey({ owner: owner('DISABLED') });
    const input = { now: NOW, roles: new Map(), suppressions: [], ownersResolved: true };
    expect(evaluateKeys([key], { ...input, rules: rulesConfig({ disabled: ['owner-inactive'] }) }).findings).toEqual([]);
    const [finding] = evaluateKeys([key], { ...input, rules: rulesConfig({ severity: { 'owner-inactive': 'critical' } }) }).findings;
    expect(finding).toMatchObject({ ruleId: 'owner-inactive', severity: 'critical' });
  });
});
