import type { DateField, KeyField, KeyWarning, MalformedFields, RawPersonalClient } from '../keys/types.js';
import { jsonPreview } from './json-preview.js';
import { jsonTypeOf } from './list-page.js';

/**
 * Checks the JSON shape of personal clients from `GET
 * /api/v1/iam/personal_clients` or the tenant-wide search: strings are strings, lists are lists of
 * strings. Values are not parsed here (dates, CIDRs): normalisation does that.
 *
 * Only an item that cannot be told apart from the others is skipped: one that
 * is not an object, has no usable string `id`, or repeats an id already
 * listed. Any other wrong-typed field costs that field, not the key: a key
 * that vanished from the audit over one odd field would escape every rule,
 * alert and `--fail-on`. What happens to such a field:
 * - `clientId`, `displayName`, `userId`: treated as absent (they feed no rule);
 * - a date: listed in `invalidFields`, so rules reading it are skipped for the key;
 * - `allowSourceCidr`: each non-string entry (or a whole non-list value)
 *   becomes an invalid entry, its JSON text, so `invalid-cidr` reports it and
 *   the string entries are still judged;
 * - `scopedRoles`: only its string entries are kept and it is listed in
 *   `invalidFields`, so `broad-roles` is skipped rather than judged on half a list.
 * Each such field gets a warning naming the key and the field.
 */

const STRING_FIELDS = ['clientId', 'displayName', 'userId'] as const;
const DATE_FIELDS: readonly DateField[] = ['createdAt', 'updatedAt', 'deletedAt', 'expiresTime', 'lastUsedAt'];

/** As in normalisation's warnings: enough to find the key, short enough for one log line. */
const MAX_QUOTED_ID_LENGTH = 64;

type Fields = Omit<RawPersonalClient, 'id' | 'malformed'>;

export interface CheckedItems {
  /** Usable items, in API order; wrong-typed fields neutralised (see `RawPersonalClient.malformed`). */
  clients: RawPersonalClient[];
  /** One per wrong-typed field of a kept item. */
  warnings: KeyWarning[];
  /** One per item left out: not an object, no usable id, or an id listed before. */
  skipped: KeyWarning[];
}

/**
 * Checks a whole listing page by page. Indexes in warnings count across
 * pages, and an id seen on an earlier page (or earlier on the same page) is
 * skipped: a list that changed while being paged, or a server bug, must not
 * count or judge one key twice.
 */
export class PersonalClientChecker {
  readonly #result: CheckedItems = { clients: [], warnings: [], skipped: [] };
  /** id → index of the item kept for it. */
  readonly #firstIndexById = new Map<string, number>();
  #nextIndex = 0;
  readonly #keepItems: boolean;

  /**
   * `keepItems: false` for a listing consumed page by page: each page's items
   * are handed back by `addPage` and not held, so a large tenant's listing
   * never sits in memory whole (`result.clients` then stays empty).
   */
  constructor(options: { keepItems?: boolean } = {}) {
    this.#keepItems = options.keepItems ?? true;
  }

  /** Checks one page; returns the items of it that were kept. */
  addPage(items: readonly unknown[]): RawPersonalClient[] {
    const kept: RawPersonalClient[] = [];
    for (const item of items) {
      const client = this.#add(item, this.#nextIndex++);
      if (client !== null) kept.push(client);
    }
    if (this.#keepItems) this.#result.clients.push(...kept);
    return kept;
  }

  get result(): CheckedItems {
    return this.#result;
  }

  #add(item: unknown, index: number): RawPersonalClient | null {
    const checked = checkSafely(item, index);
    if (checked.kind === 'skipped') {
      this.#result.skipped.push(checked.warning);
      return null;
    }
    const { client, warnings } = checked;
    const first = this.#firstIndexById.get(client.id);
    if (first !== undefined) {
      this.#result.skipped.push({
        credentialId: client.id,
        index,
        field: 'id',
        message: `personal client ${quote(client.id)} (#${index}) listed more than once (first at #${first}); skipped`,
      });
      return null;
    }
    this.#firstIndexById.set(client.id, index);
    this.#result.warnings.push(...warnings);
    return client;
  }
}

/**
 * The checks are written not to throw on any JSON value; should one still do
 * so (a case not foreseen), that item is skipped with a warning and the
 * others are audited, rather than one odd key ending the whole audit.
 */
function checkSafely(item: unknown, index: number): CheckedItem {
  try {
    return checkPersonalClient(item, index);
  } catch (error) {
    const id = typeof item === 'object' && item !== null && typeof (item as { id?: unknown }).id === 'string' ? (item as { id: string }).id : null;
    const problem = error instanceof Error ? error.name : 'error';
    return {
      kind: 'skipped',
      warning: {
        credentialId: id === '' ? null : id,
        index,
        field: '(item)',
        message: `personal client ${id ? quote(id) : ''}#${index} could not be checked (${problem}); skipped`,
      },
    };
  }
}

type CheckedItem = { kind: 'kept'; client: RawPersonalClient; warnings: KeyWarning[] } | { kind: 'skipped'; warning: KeyWarning };

function checkPersonalClient(item: unknown, index: number): CheckedItem {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    return {
      kind: 'skipped',
      warning: {
        credentialId: null,
        index,
        field: '(item)',
        message: `personal client #${index} is not a JSON object (got ${jsonTypeOf(item)}); skipped`,
      },
    };
  }
  const record = item as Record<string, unknown>;
  const id = record.id;
  if (typeof id !== 'string' || id === '') {
    const got = typeof id === 'string' ? 'an empty string' : jsonTypeOf(id);
    return {
      kind: 'skipped',
      warning: { credentialId: null, index, field: 'id', message: `personal client #${index} has no usable "id" (got ${got}); skipped` },
    };
  }

  const fields: Fields = {};
  const malformed: MalformedFields = { invalidFields: [], nonStringCidrEntries: [] };
  const warnings: KeyWarning[] = [];
  const warn = (field: string, problem: string, consequence: string): void => {
    warnings.push({ credentialId: id, index, field, message: `personal client ${quote(id)} (#${index}): ${problem}; ${consequence}` });
  };

  for (const field of STRING_FIELDS) {
    const value = record[field];
    if (isAbsent(value)) continue;
    if (typeof value === 'string') fields[field] = value;
    else warn(field, `"${field}" is not a string (got ${jsonTypeOf(value)})`, 'treated as absent');
  }

  for (const field of DATE_FIELDS) {
    const value = record[field];
    if (isAbsent(value)) continue;
    if (typeof value === 'string') {
      fields[field] = value;
    } else {
      malformed.invalidFields.push(field);
      warn(field, `"${field}" is not a string (got ${jsonTypeOf(value)})`, skippedRules(field));
    }
  }

  const cidrs = record.allowSourceCidr;
  if (cidrs === null) fields.allowSourceCidr = null;
  else if (cidrs !== undefined) {
    if (Array.isArray(cidrs)) {
      fields.allowSourceCidr = (cidrs as unknown[]).map((entry, position) => {
        if (typeof entry === 'string') return entry;
        malformed.nonStringCidrEntries.push(position);
        // Bounded: a value nested thousands deep must cost this key a warning, not the audit its stack.
        return jsonPreview(entry);
      });
      if (malformed.nonStringCidrEntries.length > 0) {
        warn('allowSourceCidr', describeNonStrings('allowSourceCidr', cidrs), 'reported as invalid entries');
      }
    } else {
      // Even a lone string that reads as a CIDR: the API did not send a list, so what it means is a guess.
      fields.allowSourceCidr = [jsonPreview(cidrs)];
      malformed.nonStringCidrEntries.push(0);
      warn('allowSourceCidr', `"allowSourceCidr" is not a list of strings (got ${jsonTypeOf(cidrs)})`, 'reported as an invalid entry');
    }
  }

  const roles = record.scopedRoles;
  if (roles === null) fields.scopedRoles = null;
  else if (roles !== undefined) {
    if (!Array.isArray(roles)) {
      malformed.invalidFields.push('scopedRoles');
      warn('scopedRoles', `"scopedRoles" is not a list of strings (got ${jsonTypeOf(roles)})`, skippedRules('scopedRoles'));
    } else {
      const list = roles as unknown[];
      fields.scopedRoles = list.filter((role): role is string => typeof role === 'string');
      if (fields.scopedRoles.length < list.length) {
        malformed.invalidFields.push('scopedRoles');
        warn('scopedRoles', describeNonStrings('scopedRoles', list), skippedRules('scopedRoles'));
      }
    }
  }

  const wrongTyped = malformed.invalidFields.length > 0 || malformed.nonStringCidrEntries.length > 0;
  return { kind: 'kept', client: { id, ...fields, ...(wrongTyped ? { malformed } : {}) }, warnings };
}

/** null for a field is read as "absent": protobuf JSON never sends it, but it means nothing else. */
function isAbsent(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

function skippedRules(field: KeyField): string {
  return `rules reading ${field} were skipped for this key`;
}

/** `"scopedRoles[1]" is not a string (got number)`, or a count when several entries are wrong. */
function describeNonStrings(field: string, list: readonly unknown[]): string {
  const bad = list.flatMap((entry, position) => (typeof entry === 'string' ? [] : [position]));
  const first = bad[0] ?? 0;
  const more = bad.length > 1 ? ` and ${bad.length - 1} more entr${bad.length === 2 ? 'y' : 'ies'}` : '';
  return `"${field}[${first}]" is not a string (got ${jsonTypeOf(list[first])})${more}`;
}

/** An id from the API, quoted and shortened: it is untrusted text headed for logs and reports. */
function quote(id: string): string {
  const short = id.length > MAX_QUOTED_ID_LENGTH ? `${id.slice(0, MAX_QUOTED_ID_LENGTH)}…` : id;
  return JSON.stringify(short);
}
