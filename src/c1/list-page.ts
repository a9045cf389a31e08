import { z } from 'zod';
import { HygieneError } from '../errors.js';

/**
 * The envelope every C1 list endpoint answers with:
 * `{"list": [...] | null, "nextPageToken": "..."}`. Only the envelope is
 * checked here; items are validated by the caller, one by one, so one bad
 * item does not cost the others.
 */
export interface ListPage {
  /** `null` and an absent `list` both become []. */
  items: unknown[];
  /** '' when this is the last page. */
  nextPageToken: string;
}

const envelopeSchema = z.object({
  list: z.array(z.unknown()).nullish(),
  // Protobuf JSON omits empty strings; null is tolerated as the same "no more pages".
  nextPageToken: z.string().nullish(),
});

/** `resource` names the endpoint in errors, e.g. `personal_clients`. */
export function parseListPage(body: unknown, resource: string): ListPage {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badPage(`C1 returned a ${resource} page that is not a JSON object`, resource, null);
  }
  const result = envelopeSchema.safeParse(body);
  if (!result.success) {
    const field = String(result.error.issues[0]?.path[0] ?? 'list');
    const expected = field === 'nextPageToken' ? 'a string' : 'an array';
    throw badPage(`C1 returned a ${resource} page whose "${field}" is not ${expected}`, resource, field);
  }
  return { items: result.data.list ?? [], nextPageToken: result.data.nextPageToken ?? '' };
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
