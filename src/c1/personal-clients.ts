import { z } from 'zod';
import type { KeyWarning, RawPersonalClient } from '../keys/types.js';
import { jsonTypeOf } from './list-page.js';

/**
 * Checks the JSON shape of personal clients from `GET
 * /api/v1/iam/personal_clients`: strings are strings, lists are lists of
 * strings. Values are not parsed here (dates, CIDRs): normalisation does that.
 * A malformed item is left out with a warning instead of failing the audit,
 * so one broken record cannot hide every other key's findings.
 */

// null for a scalar field is read as "absent": protobuf JSON never sends it, but it means nothing else.
const optionalString = z
  .string()
  .nullish()
  .transform((value) => value ?? undefined);
const optionalStringList = z.array(z.string()).nullish();

// z.object drops unknown keys: C1 adds fields over time and they must not break the audit.
const personalClientSchema = z.object({
  id: z.string().min(1),
  clientId: optionalString,
  displayName: optionalString,
  userId: optionalString,
  createdAt: optionalString,
  updatedAt: optionalString,
  deletedAt: optionalString,
  expiresTime: optionalString,
  lastUsedAt: optionalString,
  allowSourceCidr: optionalStringList,
  scopedRoles: optionalStringList,
});

const STRING_LIST_FIELDS: ReadonlySet<string> = new Set(['allowSourceCidr', 'scopedRoles']);

export interface CheckedItems {
  clients: RawPersonalClient[];
  warnings: KeyWarning[];
}

/**
 * Checks one page's items. `firstIndex` is the position of the first item in
 * the whole listing, so warnings point at the right record across pages.
 */
export function checkPersonalClients(items: readonly unknown[], firstIndex: number): CheckedItems {
  const clients: RawPersonalClient[] = [];
  const warnings: KeyWarning[] = [];
  items.forEach((item, offset) => {
    const index = firstIndex + offset;
    const result = personalClientSchema.safeParse(item);
    if (result.success) clients.push(result.data satisfies RawPersonalClient);
    else warnings.push(describeRejected(item, index, result.error));
  });
  return { clients, warnings };
}

function describeRejected(item: unknown, index: number, error: z.ZodError): KeyWarning {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    return {
      credentialId: null,
      index,
      field: '(item)',
      message: `personal client #${index} is not a JSON object (got ${jsonTypeOf(item)}); skipped`,
    };
  }
  const record = item as Record<string, unknown>;
  const id = record.id;
  if (typeof id !== 'string' || id === '') {
    const got = typeof id === 'string' ? 'an empty string' : jsonTypeOf(id);
    return {
      credentialId: null,
      index,
      field: 'id',
      message: `personal client #${index} has no usable "id" (got ${got}); skipped`,
    };
  }
  const fields = [...new Set(error.issues.map((issue) => String(issue.path[0])))];
  const problems = fields.map((field) => describeField(field, record[field]));
  return {
    credentialId: id,
    index,
    field: fields[0] ?? '(item)',
    message: `personal client ${quote(id)} (#${index}) skipped: ${problems.join('; ')}`,
  };
}

function describeField(field: string, value: unknown): string {
  if (STRING_LIST_FIELDS.has(field)) {
    if (!Array.isArray(value)) return `"${field}" is not a list of strings (got ${jsonTypeOf(value)})`;
    const bad = value.findIndex((entry) => typeof entry !== 'string');
    return `"${field}[${bad}]" is not a string (got ${jsonTypeOf(value[bad])})`;
  }
  return `"${field}" is not a string (got ${jsonTypeOf(value)})`;
}

/** An id from the API, quoted and shortened: it is untrusted text headed for logs and reports. */
function quote(id: string): string {
  const short = id.length > 80 ? `${id.slice(0, 80)}…` : id;
  return JSON.stringify(short);
}
