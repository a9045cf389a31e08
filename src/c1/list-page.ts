import { HygieneError } from '../errors.js';

/**
 * The envelope every C1 list endpoint answers with:
 * `{"list": [...] | null, "nextPageToken": "..."}`. Only the envelope is
 * checked here; items are validated by the caller, one by one, so one bad
 * item does not cost the others. Two fields are checked by hand: this runs on
 * every page of every audit and needs no schema library.
 */
export interface ListPage {
  /** `null` and an absent `list` both become []. */
  items: unknown[];
  /** '' when this is the last page. */
  nextPageToken: string;
}

/** `resource` names the endpoint in errors, e.g. `personal_clients`. */
export function parseListPage(body: unknown, resource: string): ListPage {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badPage(`C1 returned a ${resource} page that is not a JSON object`, resource, null);
  }
  const { list, nextPageToken } = body as { list?: unknown; nextPageToken?: unknown };
  if (list !== undefined && list !== null && !Array.isArray(list)) {
    throw badPage(`C1 returned a ${resource} page whose "list" is not an array`, resource, 'list');
  }
  // Protobuf JSON omits empty strings; null is tolerated as the same "no more pages".
  if (nextPageToken !== undefined && nextPageToken !== null && typeof nextPageToken !== 'string') {
    throw badPage(`C1 returned a ${resource} page whose "nextPageToken" is not a string`, resource, 'nextPageToken');
  }
  return { items: list ?? [], nextPageToken: nextPageToken ?? '' };
}

function badPage(message: string, resource: string, field: string | null): HygieneError {
  return new HygieneError('C1_BAD_RESPONSE', message, { details: { resource, field } });
}

/** A JSON value's type for messages: `null`, `array`, or its `typeof`. */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
