import { readCidrEntry } from './cidr.js';
import { parseTimestamp, plainInstant, UNSET_INSTANT } from './timestamp.js';
import type { CidrEntry, DateField, KeyField, KeyWarning, NormalizedKey, RawPersonalClient } from './types.js';

/**
 * Raw API JSON → the typed key every rule reads. This is the one place where
 * strings become dates and CIDRs; bad values become null plus a warning, so a
 * single broken field never stops the audit of the other keys.
 */

/** The order of `invalidFields`, so the same input always gives the same report; the date fields first, in the order `readKey` reads them. */
const KEY_FIELDS: readonly KeyField[] = ['createdAt', 'updatedAt', 'deletedAt', 'expiresTime', 'lastUsedAt', 'allowSourceCidr', 'scopedRoles'];
/** Bad values are quoted in warnings so they can be found in the API; long ones are cut. */
const MAX_QUOTED_LENGTH = 64;

export interface NormalizedKeyResult {
  key: NormalizedKey;
  warnings: KeyWarning[];
}

export function normalizeKey(raw: RawPersonalClient, index: number): NormalizedKeyResult {
  const warnings: KeyWarning[] = [];
  return { key: readKey(raw, index, warnings), warnings };
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
  const nowMs = now.getTime();
  raws.forEach((raw, index) => {
    const key = readKey(raw, index, result.warnings);
    if (key.deletedAt !== null && key.deletedAt.getTime() <= nowMs) result.deleted.push(key);
    else result.active.push(key);
  });
  return result;
}

/** Marks a date field whose text is not a date-time (already warned about). */
const NOT_A_DATE = false;

/**
 * One key, its warnings appended to `warnings`. This runs for every key of
 * every page, so the common case allocates nothing beyond the key itself:
 * no warning text, no set of invalid fields, no intermediate arrays.
 */
function readKey(raw: RawPersonalClient, index: number, warnings: KeyWarning[]): NormalizedKey {
  const credentialId = raw.id === '' ? null : raw.id;
  const createdAt = readDate(raw.createdAt, 'createdAt', credentialId, index, warnings);
  const updatedAt = readDate(raw.updatedAt, 'updatedAt', credentialId, index, warnings);
  const deletedAt = readDate(raw.deletedAt, 'deletedAt', credentialId, index, warnings);
  const expiresTime = readDate(raw.expiresTime, 'expiresTime', credentialId, index, warnings);
  const lastUsedAt = readDate(raw.lastUsedAt, 'lastUsedAt', credentialId, index, warnings);
  // Wrong-typed fields were dropped and warned about by the shape check; they are only marked here.
  const malformed = raw.malformed?.invalidFields ?? NO_FIELDS;
  const anyBadDate =
    createdAt === NOT_A_DATE || updatedAt === NOT_A_DATE || deletedAt === NOT_A_DATE || expiresTime === NOT_A_DATE || lastUsedAt === NOT_A_DATE;

  return {
    id: raw.id,
    clientId: raw.clientId ?? '',
    displayName: raw.displayName ?? '',
    userId: raw.userId ? raw.userId : null,
    createdAt: createdAt || null,
    updatedAt: updatedAt || null,
    deletedAt: deletedAt || null,
    expiresTime: expiresTime || null,
    lastUsedAt: lastUsedAt || null,
    allowSourceCidr: normalizeCidrs(raw.allowSourceCidr, raw.malformed?.nonStringCidrEntries ?? NO_POSITIONS),
    scopedRoles: normalizeRoles(raw.scopedRoles),
    invalidFields:
      malformed.length === 0 && !anyBadDate
        ? []
        : listInvalidFields([createdAt, updatedAt, deletedAt, expiresTime, lastUsedAt], malformed),
    owner: null,
  };
}

const NO_FIELDS: readonly KeyField[] = [];

/** `dates` in the order of `KEY_FIELDS`' date fields. */
function listInvalidFields(dates: ReadonlyArray<Date | null | typeof NOT_A_DATE>, malformed: readonly KeyField[]): KeyField[] {
  return KEY_FIELDS.filter((field, i) => dates[i] === NOT_A_DATE || malformed.includes(field));
}
const NO_POSITIONS: readonly number[] = [];

/** The date, null when unset, or `NOT_A_DATE` after warning that the text is not a date-time. */
function readDate(
  value: string | undefined,
  field: DateField,
  credentialId: string | null,
  index: number,
  warnings: KeyWarning[],
): Date | null | typeof NOT_A_DATE {
  if (value === undefined || value === '') return null;
  const instant = plainInstant(value);
  if (instant === UNSET_INSTANT) return null;
  if (!Number.isNaN(instant)) return new Date(instant);
  const parsed = parseTimestamp(value);
  if (parsed.kind === 'valid') return parsed.date;
  if (parsed.kind === 'unset') return null;
  const message = `key ${describeKey(credentialId, index)}: ${field} ${quote(value)} is not a valid RFC 3339 date-time (${parsed.reason}); rules reading ${field} were skipped for this key`;
  warnings.push(credentialId === null ? { credentialId, index, field, message } : { credentialId, field, message });
  return NOT_A_DATE;
}

/** `nonString`: positions holding the JSON text of a value that was not a string; never parsed. */
function normalizeCidrs(entries: string[] | null | undefined, nonString: readonly number[]): NormalizedKey['allowSourceCidr'] {
  if (!entries || entries.length === 0) return null;
  if (entries.length === 1) {
    // The usual case, kept apart so each list is allocated at its size (a push would reserve room for 16).
    const entry = entries[0] as string;
    const parsed = nonString.includes(0) ? null : readCidrEntry(entry);
    return parsed !== null && typeof parsed !== 'string' ? { valid: [parsed], invalid: [] } : { valid: [], invalid: [entry] };
  }
  const valid: CidrEntry[] = [];
  const invalid: string[] = [];
  for (let position = 0; position < entries.length; position += 1) {
    const entry = entries[position] as string;
    const parsed = nonString.length > 0 && nonString.includes(position) ? null : readCidrEntry(entry);
    if (parsed !== null && typeof parsed !== 'string') valid.push(parsed);
    else invalid.push(entry);
  }
  return { valid, invalid };
}

/** Blank role ids carry no scope, so a list of only blanks is the same as no list. */
function normalizeRoles(roles: string[] | null | undefined): string[] | null {
  if (!roles) return null;
  const trimmed = roles.map((role) => role.trim());
  const cleaned = trimmed.includes('') ? trimmed.filter((role) => role !== '') : trimmed;
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
