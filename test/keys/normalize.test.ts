import { describe, expect, it } from 'vitest';
import { normalizeKey, normalizeKeys } from '../../src/keys/normalize.js';
import type { RawPersonalClient } from '../../src/keys/types.js';

const NOW = new Date('2026-11-26T10:00:00.000Z');

function raw(overrides: Partial<RawPersonalClient> = {}): RawPersonalClient {
  return {
    id: 'pc-1',
    clientId: 'calm-heron-1@acme.conductor.one/pcc',
    displayName: 'deploy bot',
    userId: 'user-1',
    createdAt: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}

describe('normalizeKey', () => {
  it('parses every date field and keeps identity fields', () => {
    const { key, warnings } = normalizeKey(
      raw({
        updatedAt: '2026-02-01T00:00:00.123456Z',
        deletedAt: '2027-01-01T00:00:00.000Z',
        expiresTime: '2026-12-01T12:00:00+02:00',
        lastUsedAt: '2026-11-25T09:30:00.123456789Z',
      }),
      0,
    );
    expect(warnings).toEqual([]);
    expect(key).toEqual({
      id: 'pc-1',
      clientId: 'calm-heron-1@acme.conductor.one/pcc',
      displayName: 'deploy bot',
      userId: 'user-1',
      createdAt: new Date('2026-01-01T00:00:00.000Z'),
      updatedAt: new Date('2026-02-01T00:00:00.123Z'),
      deletedAt: new Date('2027-01-01T00:00:00.000Z'),
      expiresTime: new Date('2026-12-01T10:00:00.000Z'),
      lastUsedAt: new Date('2026-11-25T09:30:00.123Z'),
      allowSourceCidr: null,
      scopedRoles: null,
      invalidFields: [],
      owner: null,
    });
  });

  it('fills absent text fields', () => {
    const { key } = normalizeKey({ id: 'pc-2' }, 3);
    expect(key).toMatchObject({ clientId: '', displayName: '', userId: null, createdAt: null, expiresTime: null });
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['the protobuf zero value', '0001-01-01T00:00:00Z'],
    ['the zero value with nanoseconds', '0001-01-01T00:00:00.000000000Z'],
    ['the Unix epoch', '1970-01-01T00:00:00Z'],
  ])('reads %s expiresTime/lastUsedAt as unset, without a warning', (_name, value) => {
    const { key, warnings } = normalizeKey(raw({ expiresTime: value, lastUsedAt: value }), 0);
    expect(key.expiresTime).toBeNull();
    expect(key.lastUsedAt).toBeNull();
    expect(key.invalidFields).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('marks a garbage date invalid and warns with the key id, field and value', () => {
    const { key, warnings } = normalizeKey(raw({ expiresTime: '2026-13-45', lastUsedAt: 'yesterday' }), 5);
    expect(key.expiresTime).toBeNull();
    expect(key.lastUsedAt).toBeNull();
    expect(key.invalidFields).toEqual(['expiresTime', 'lastUsedAt']);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toEqual({
      credentialId: 'pc-1',
      field: 'expiresTime',
      message: expect.stringContaining('key "pc-1": expiresTime "2026-13-45" is not a valid RFC 3339 date-time'),
    });
    expect(warnings[1]?.message).toContain('lastUsedAt "yesterday"');
  });

  it('truncates a long bad value and keeps it on one line', () => {
    const long = `${'x'.repeat(100)}\n`;
    const { warnings } = normalizeKey(raw({ createdAt: long }), 0);
    const message = warnings[0]?.message ?? '';
    expect(message).toContain(`"${'x'.repeat(64)}…"`);
    expect(message).not.toContain('x'.repeat(65));
    expect(message).not.toContain('\n');
  });

  it('names a key without id by its position', () => {
    const { warnings } = normalizeKey(raw({ id: '', createdAt: 'garbage' }), 7);
    expect(warnings).toEqual([
      { credentialId: null, index: 7, field: 'createdAt', message: expect.stringContaining('key #7 (no id)') },
    ]);
  });

  it.each([
    ['absent', undefined],
    ['null', null],
    ['empty', []],
  ])('reads %s allowSourceCidr as no limit', (_name, value) => {
    expect(normalizeKey(raw({ allowSourceCidr: value }), 0).key.allowSourceCidr).toBeNull();
  });

  it('splits allowSourceCidr into parsed and invalid entries', () => {
    const entries = ['10.1.2.3/8', ' 203.0.113.7 ', '2001:db8::1', '10.0.0.0/33', 'banana', '', '10.0.0.256'];
    const { key, warnings } = normalizeKey(raw({ allowSourceCidr: entries }), 0);
    expect(key.allowSourceCidr).toEqual({
      valid: [
        { raw: '10.1.2.3/8', version: 4, prefix: 8, cidr: '10.0.0.0/8' },
        { raw: ' 203.0.113.7 ', version: 4, prefix: 32, cidr: '203.0.113.7/32' },
        { raw: '2001:db8::1', version: 6, prefix: 128, cidr: '2001:db8::1/128' },
      ],
      invalid: ['10.0.0.0/33', 'banana', '', '10.0.0.256'],
    });
    // Invalid entries are reported by the invalid-cidr rule, not as data warnings.
    expect(warnings).toEqual([]);
  });

  it.each([
    ['absent', undefined, null],
    ['null', null, null],
    ['empty', [], null],
    ['only blanks', ['', '  '], null],
    ['padded', [' role-1 ', '', 'role-2'], ['role-1', 'role-2']],
  ])('normalises %s scopedRoles', (_name, value, expected) => {
    expect(normalizeKey(raw({ scopedRoles: value }), 0).key.scopedRoles).toEqual(expected);
  });
});

describe('normalizeKey with fields the shape check found wrong-typed', () => {
  it('lists malformed dates and scopedRoles in invalidFields, in field order, without warning again', () => {
    const { key, warnings } = normalizeKey(
      raw({
        createdAt: 'garbage',
        scopedRoles: ['role-1'],
        malformed: { invalidFields: ['scopedRoles', 'expiresTime'], nonStringCidrEntries: [] },
      }),
      0,
    );
    expect(key.expiresTime).toBeNull();
    expect(key.scopedRoles).toEqual(['role-1']);
    expect(key.invalidFields).toEqual(['createdAt', 'expiresTime', 'scopedRoles']);
    // Only the garbage string is normalisation's to report; the listing already warned about the rest.
    expect(warnings.map((warning) => warning.field)).toEqual(['createdAt']);
  });

  it('keeps non-string allowSourceCidr entries invalid in their place, even when the text reads as an address', () => {
    const { key } = normalizeKey(
      raw({
        allowSourceCidr: ['0.0.0.0/0', 'null', '10.0.0.0/8', '7'],
        malformed: { invalidFields: [], nonStringCidrEntries: [1, 2] },
      }),
      0,
    );
    expect(key.allowSourceCidr).toEqual({
      valid: [{ raw: '0.0.0.0/0', version: 4, prefix: 0, cidr: '0.0.0.0/0' }],
      invalid: ['null', '10.0.0.0/8', '7'],
    });
    expect(key.invalidFields).toEqual([]);
  });
});

describe('normalizeKeys', () => {
  it('sets aside keys deleted at or before now and scans the rest', () => {
    const result = normalizeKeys(
      [
        raw({ id: 'deleted-before', deletedAt: '2026-11-25T10:00:00Z' }),
        raw({ id: 'deleted-at-now', deletedAt: '2026-11-26T10:00:00.000Z' }),
        raw({ id: 'deleted-1ms-later', deletedAt: '2026-11-26T10:00:00.001Z' }),
        raw({ id: 'not-deleted' }),
        raw({ id: 'zero-deleted', deletedAt: '0001-01-01T00:00:00Z' }),
        raw({ id: 'garbage-deleted', deletedAt: 'soon' }),
      ],
      NOW,
    );
    expect(result.deleted.map((key) => key.id)).toEqual(['deleted-before', 'deleted-at-now']);
    expect(result.active.map((key) => key.id)).toEqual([
      'deleted-1ms-later',
      'not-deleted',
      'zero-deleted',
      'garbage-deleted',
    ]);
    expect(result.warnings).toEqual([expect.objectContaining({ credentialId: 'garbage-deleted', field: 'deletedAt' })]);
  });

  it('reports a key without id by its index in the listing', () => {
    const result = normalizeKeys([raw(), raw({ id: '', lastUsedAt: 'x' })], NOW);
    expect(result.warnings).toEqual([expect.objectContaining({ credentialId: null, index: 1, field: 'lastUsedAt' })]);
  });
});
