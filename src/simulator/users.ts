/**
 * The simulator's users, shaped like C1's `User` (`shared/user.go`): what
 * `GET /api/v1/users/{id}` nests under `userView.user` and `POST
 * /api/v1/search/users` lists under `list[].user`.
 */

/** User statuses C1 sends. */
export type SimulatedUserStatus = 'UNKNOWN' | 'ENABLED' | 'DISABLED' | 'DELETED';

export interface SimulatedUser {
  id: string;
  email?: string;
  emails?: string[];
  displayName?: string;
  username?: string;
  status?: SimulatedUserStatus | string;
  type?: string;
  deletedAt?: string;
  [field: string]: unknown;
}

/**
 * An enabled human user for an id, for tenants whose users a test does not
 * spell out: every key owner exists and is active unless the test says
 * otherwise. Addresses are in example.com, which cannot receive mail.
 */
export function defaultUser(id: string): SimulatedUser {
  const local = id.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'user';
  return {
    id,
    email: `${local}@example.com`,
    emails: [`${local}@example.com`],
    displayName: `User ${id}`,
    username: local,
    status: 'ENABLED',
    type: 'USER_TYPE_HUMAN',
  };
}

/** The user ids that own the given raw personal clients (string `userId` fields only), in first-seen order. */
export function ownerIds(personalClients: readonly unknown[]): string[] {
  const ids = new Set<string>();
  for (const item of personalClients) {
    if (typeof item !== 'object' || item === null) continue;
    const userId = (item as { userId?: unknown }).userId;
    if (typeof userId === 'string' && userId !== '') ids.add(userId);
  }
  return [...ids];
}

/** Users by id: raw items without a string `id` are served in searches without refs but cannot be found by id. */
export function indexUsers(users: readonly unknown[]): Map<string, unknown> {
  const byId = new Map<string, unknown>();
  for (const user of users) {
    const id = typeof user === 'object' && user !== null ? (user as { id?: unknown }).id : undefined;
    if (typeof id === 'string' && !byId.has(id)) byId.set(id, user);
  }
  return byId;
}
