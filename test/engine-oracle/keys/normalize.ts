import { parseCidrEntry } from './cidr.js';
import { parseTimestamp } from './timestamp.js';
import type { CidrEntry, DateField, KeyField, KeyWarning, NormalizedKey, RawPersonalClient } from '../../../src/keys/types.js';

/**
 * Raw API JSON → the typed key every rule reads. This is the one place where
 * strings become dates and CIDRs; bad values become null plus a warning, so a
 * single broken field never stops the audit of the other keys.
 */

const DATE_FIELDS: readonly DateField[] = ['createdAt', 'updatedAt', 'deletedAt', 'expiresTime', 'lastUsedAt'];
/** The order of `invalidFields`, so the same input always gives the same report. */
const KEY_FIELDS: readonly KeyField[] = [...DATE_FIELDS, 'allowSourceCidr', 'scopedRoles'];
/** Bad values are quoted in warnings so they can be found in the API; long ones are cut. */
const MAX_QUOTED_LENGTH = 64;

export interface NormalizedKeyResult {
  key: NormalizedKey;
  warnings: KeyWarning[];
}

export function normalizeKey(raw: RawPersonalClient, index: number): NormalizedKeyResult {
  const warnings: KeyWarning[] = [];
  // Wrong-typed fields were dropped and warned about by the shape check; they are only marked here.
  const invalid = new Set<KeyField>(raw.malformed?.invalidFields ?? []);
  const credentialId = raw.id === '' ? null : raw.id;
  const dates = {} as Record<DateField, Date | null>;

  for (const field of DATE_FIELDS) {
    const value = raw[field];
    const parsed = parseTimestamp(value);
    if (parsed.kind === 'valid') {
      dates[field] = parsed.date;
      continue;
    }
    dates[field] = null;
    if (parsed.kind === 'invalid') {
      invalid.add(field);
      warnings.push({
        credentialId,
        ...(credentialId === null ? { index } : {}),
        field,
        message: `key ${describeKey(credentialId, index)}: ${field} ${quote(value ?? '')} is not a valid RFC 3339 date-time (${parsed.reason}); rules reading ${field} were skipped for this key`,
      });
    }
  }

  const key: NormalizedKey = {
    id: raw.id,
    clientId: raw.clientId ?? '',
    displayName: raw.displayName ?? '',
    userId: raw.userId ? raw.userId : null,
    createdAt: dates.createdAt,
    updatedAt: dates.updatedAt,
    deletedAt: dates.deletedAt,
    expiresTime: dates.expiresTime,
    lastUsedAt: dates.lastUsedAt,
    allowSourceCidr: normalizeCidrs(raw.allowSourceCidr, raw.malformed?.nonStringCidrEntries ?? []),
    scopedRoles: normalizeRoles(raw.scopedRoles),
    invalidFields: KEY_FIELDS.filter((field) => invalid.has(field)),
    owner: null,
  };
  return { key, warnings };
}

export interface NormalizedKeys {
  /** Keys to scan. */
  active: NormalizedKey[];
  /** Keys deleted at or before `now`: listed by the API but not scanned. */
  deleted: NormalizedKey[];
  warnings: KeyWarning[];
}

/**
 * Normalises a whole listing and sets deleted keys aside. A `deletedAt` in the
 * future means the key still works until then, so it is scanned. A garbage
 * `deletedAt` (see `invalidFields`) is scanned too: hiding a key that may
 * still work is worse than a finding too many.
 */
export function normalizeKeys(raws: readonly RawPersonalClient[], now: Date): NormalizedKeys {
  const result: NormalizedKeys = { active: [], deleted: [], warnings: [] };
  raws.forEach((raw, index) => {
    const { key, warnings } = normalizeKey(raw, index);
    result.warnings.push(...warnings);
    if (key.deletedAt !== null && key.deletedAt.getTime() <= now.getTime()) result.deleted.push(key);
    else result.active.push(key);
  });
  return result;
}

/** `nonString`: positions holding the JSON text of a value that was not a string; never parsed. */
function normalizeCidrs(entries: string[] | null | undefined, nonString: readonly number[]): NormalizedKey['allowSourceCidr'] {
  if (!entries || entries.length === 0) return null;
  const valid: CidrEntry[] = [];
  const invalid: string[] = [];
  entries.forEach((entry, position) => {
    const parsed = nonString.includes(position) ? null : parseCidrEntry(entry);
    if (parsed?.ok) valid.push(parsed.entry);
    else invalid.push(entry);
  });
  return { valid, invalid };
}

/** Blank role ids carry no scope, so a list of only blanks is the same as no list. */
function normalizeRoles(roles: string[] | null | undefined): string[] | null {
  if (!roles) return null;
  const cleaned = roles.map((role) => role.trim()).filter((role) => role !== '');
  return cleaned.length === 0 ? null : cleaned;
}

function describeKey(credentialId: string | null, index: number): string {
  return credentialId === null ? `#${index} (no id)` : quote(credentialId);
}

/** JSON quoting escapes control characters, so API data cannot break a log or report line. */
function quote(value: string): string {
  const cut = value.length > MAX_QUOTED_LENGTH ? `${value.slice(0, MAX_QUOTED_LENGTH)}…` : value;
  return JSON.stringify(cut);
}
