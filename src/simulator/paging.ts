/**
 * Page tokens the simulator hands out. They are opaque to clients (base64url
 * of the route and an offset) but decodable here, so a forged or stale token
 * is refused the way C1 refuses one: 400 with gRPC code 3.
 */
const PREFIX = 'sim-page';

export function encodePageToken(route: string, offset: number): string {
  return Buffer.from(`${PREFIX}:${route}:${offset}`, 'utf8').toString('base64url');
}

/** The offset a token points at, or null when the token was not issued for this route. */
export function decodePageToken(route: string, token: string): number | null {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return null;
  const parts = Buffer.from(token, 'base64url').toString('utf8').split(':');
  if (parts.length !== 3 || parts[0] !== PREFIX || parts[1] !== route) return null;
  const offset = Number(parts[2]);
  return Number.isSafeInteger(offset) && offset >= 0 ? offset : null;
}

export interface Page<T> {
  items: T[];
  /** Empty when this is the last page. */
  nextPageToken: string;
}

export function slicePage<T>(route: string, all: readonly T[], offset: number, pageSize: number): Page<T> {
  const items = all.slice(offset, offset + pageSize);
  const next = offset + pageSize;
  return { items, nextPageToken: next < all.length ? encodePageToken(route, next) : '' };
}
