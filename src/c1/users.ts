import type { Owner } from '../keys/types.js';

/**
 * Users from `POST /api/v1/search/users`, reduced to what a report says
 * about a key's owner. Each list item is a `UserView`: the user is under
 * `user`, not at the top level. An item without a usable `user.id` cannot be
 * matched to a key, so it is skipped (and counted); every other field that is
 * missing or of the wrong type becomes null (or status `UNKNOWN`): an odd
 * field must not cost the owner.
 */

/** An address longer than this is not an address (RFC 5321 allows 254); it is dropped, not cut. */
const MAX_EMAIL_LENGTH = 254;
/** Display names are untrusted free text; a report has no use for more than this. */
const MAX_DISPLAY_NAME_LENGTH = 256;
/** C1's statuses are short enum names; anything longer is cut so it cannot bloat every finding. */
const MAX_STATUS_LENGTH = 64;

export function checkUserViews(items: readonly unknown[]): { owners: Owner[]; skipped: number } {
  const owners: Owner[] = [];
  let skipped = 0;
  for (const item of items) {
    const owner = ownerFromUserView(item);
    if (owner === null) skipped += 1;
    else owners.push(owner);
  }
  return { owners, skipped };
}

function ownerFromUserView(item: unknown): Owner | null {
  const user = field(item, 'user');
  const id = field(user, 'id');
  if (typeof id !== 'string' || id === '') return null;
  const displayName = field(user, 'displayName');
  const status = field(user, 'status');
  return {
    id,
    email: emailOf(user),
    displayName: typeof displayName === 'string' && displayName.trim() !== '' ? displayName.slice(0, MAX_DISPLAY_NAME_LENGTH) : null,
    status: typeof status === 'string' && status.trim() !== '' ? status.trim().slice(0, MAX_STATUS_LENGTH) : 'UNKNOWN',
  };
}

/**
 * `email`, else the first usable entry of `emails`. White space or control
 * characters make an entry unusable: whatever mails an owner must never be
 * handed a value that could break a header.
 */
function emailOf(user: unknown): string | null {
  const candidates = [field(user, 'email'), ...asArray(field(user, 'emails'))];
  for (const candidate of candidates) {
    if (typeof candidate !== 'string') continue;
    const email = candidate.trim();
    if (email !== '' && email.length <= MAX_EMAIL_LENGTH && !/[\s\p{Cc}]/u.test(email)) return email;
  }
  return null;
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[name] : undefined;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
