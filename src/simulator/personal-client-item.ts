/**
 * One personal client by id: `GET` and `DELETE /api/v1/iam/personal_clients/{id}`.
 * Kept apart from the server's wiring so the rules of these two endpoints
 * (which item an id names, what a DELETE must carry) are read in one place.
 */

const ITEM_PATH = /^\/api\/v1\/iam\/personal_clients\/([^/]+)$/;

/** The key id an item path names (percent-decoded), or null when the path is not one. */
export function personalClientIdOf(path: string): string | null {
  const match = ITEM_PATH.exec(path);
  if (!match) return null;
  try {
    const id = decodeURIComponent(match[1]!);
    return id === '' ? null : id;
  } catch {
    return null;
  }
}

/** Position of the served item whose string `id` is `id`; garbage items never match. */
export function indexOfPersonalClient(list: readonly unknown[], id: string): number {
  return list.findIndex(
    (item) => typeof item === 'object' && item !== null && !Array.isArray(item) && (item as { id?: unknown }).id === id,
  );
}

/**
 * Why a DELETE body is refused, or null when it is acceptable. C1 documents
 * an optional JSON body (the official clients send `{}` as
 * `application/json`); anything else is what a gRPC gateway answers 400 to.
 */
export function deleteBodyProblem(contentType: string | undefined, body: string): string | null {
  if (body === '') return null;
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') return 'a DELETE body must be application/json';
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'the DELETE body is not valid JSON';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'the DELETE body must be a JSON object';
  return null;
}
