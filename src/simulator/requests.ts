/**
 * What the simulator accepts in a request, as strictly as C1 documents it:
 * query parameters outside a route's documented set, and JSON body fields
 * outside a search request's message, are refused with 400 (gRPC code 3).
 * A client that sends something the real API does not document then fails
 * in tests, not against a tenant.
 */

/** A request the simulator refuses, with the sentence for the 400 body. */
export class BadRequest extends Error {}

/** Throws BadRequest for the first query parameter not in `allowed`. */
export function checkQuery(query: URLSearchParams, allowed: readonly string[], what: string): void {
  for (const name of query.keys()) {
    if (!allowed.includes(name)) {
      const documented = allowed.length === 0 ? 'it takes no query parameters' : `it takes ${allowed.join(', ')}`;
      throw new BadRequest(`unknown query parameter ${JSON.stringify(name)} for ${what} (${documented})`);
    }
  }
}

type FieldKind = 'integer' | 'string' | 'string-list' | 'id-refs';

/** The body of `POST /api/v1/search/iam/personal_clients`. */
export interface PersonalClientSearch {
  pageSize?: number;
  pageToken?: string;
  query?: string;
  users?: Array<{ id: string }>;
}

/** The body of `POST /api/v1/search/users`. */
export interface UserSearch {
  refs?: Array<{ id: string }>;
  email?: string;
  query?: string;
  userStatuses?: string[];
  pageSize?: number;
  pageToken?: string;
}

const PERSONAL_CLIENT_SEARCH_FIELDS: Record<keyof PersonalClientSearch, FieldKind> = {
  pageSize: 'integer',
  pageToken: 'string',
  query: 'string',
  users: 'id-refs',
};

const USER_SEARCH_FIELDS: Record<keyof UserSearch, FieldKind> = {
  refs: 'id-refs',
  email: 'string',
  query: 'string',
  userStatuses: 'string-list',
  pageSize: 'integer',
  pageToken: 'string',
};

export function parsePersonalClientSearch(body: string, contentType: string | undefined): PersonalClientSearch {
  return parseMessage(body, contentType, PERSONAL_CLIENT_SEARCH_FIELDS) as PersonalClientSearch;
}

export function parseUserSearch(body: string, contentType: string | undefined): UserSearch {
  return parseMessage(body, contentType, USER_SEARCH_FIELDS) as UserSearch;
}

/**
 * A JSON request message: an object whose every field is known and of the
 * right type. Protobuf JSON allows int fields as numeric strings and null
 * for "unset"; both are accepted here as the server would.
 */
function parseMessage(body: string, contentType: string | undefined, fields: Record<string, FieldKind>): Record<string, unknown> {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (body.trim() === '') return {};
  if (type !== 'application/json') throw new BadRequest('request body must be application/json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new BadRequest('request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new BadRequest('request body must be a JSON object');
  const message: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(parsed)) {
    const kind = fields[name];
    if (kind === undefined) throw new BadRequest(`unknown field ${JSON.stringify(name)} in the request body`);
    if (value === null) continue;
    message[name] = readField(name, kind, value);
  }
  return message;
}

function readField(name: string, kind: FieldKind, value: unknown): unknown {
  switch (kind) {
    case 'integer': {
      const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
      if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 0) {
        throw new BadRequest(`${name} must be a non-negative integer`);
      }
      return number;
    }
    case 'string':
      if (typeof value !== 'string') throw new BadRequest(`${name} must be a string`);
      return value;
    case 'string-list':
      if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string')) {
        throw new BadRequest(`${name} must be a list of strings`);
      }
      return value;
    case 'id-refs':
      if (!Array.isArray(value)) throw new BadRequest(`${name} must be a list of {"id": …} objects`);
      return value.map((ref, index) => {
        if (typeof ref !== 'object' || ref === null || Array.isArray(ref)) {
          throw new BadRequest(`${name}[${index}] must be an {"id": …} object`);
        }
        const keys = Object.keys(ref);
        const unknown = keys.find((key) => key !== 'id');
        if (unknown !== undefined) throw new BadRequest(`unknown field ${JSON.stringify(unknown)} in ${name}[${index}]`);
        const id = (ref as { id?: unknown }).id;
        if (typeof id !== 'string') throw new BadRequest(`${name}[${index}].id must be a string`);
        return { id };
      });
  }
}
