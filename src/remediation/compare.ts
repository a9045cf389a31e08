import type { Suppression } from '../config/types.js';
import type { NormalizedKey } from '../keys/types.js';
import { isSuppressionActive } from '../lifecycle/suppressions.js';
import type { PlannedKey } from './types.js';

/** What the re-listing says about one planned key. */
export interface CurrentKey {
  /** The key as listed now, or null when the listing no longer has it. */
  active: NormalizedKey | null;
  /** Set when the listing still has the key but marks it deleted. */
  deletedAt: Date | null;
}

/**
 * Why a planned key must not be deleted now, or null when it may be: it
 * still exists with the same `clientId`, `expiresTime` and `lastUsedAt` as
 * when the plan was made, and no suppression names it. Pure.
 *
 * A changed `lastUsedAt` is exactly the case where deleting would break
 * something: the key was used after a person reviewed it as unused.
 */
export function skipReason(planned: PlannedKey, current: CurrentKey, suppressions: readonly Suppression[], now: Date): string | null {
  const key = current.active;
  if (key === null) {
    return current.deletedAt ? `no longer exists (deleted at ${current.deletedAt.toISOString()})` : 'no longer exists';
  }
  const unreadable = (['expiresTime', 'lastUsedAt'] as const).filter((field) => key.invalidFields.includes(field));
  if (unreadable.length > 0) {
    return `${unreadable.join(' and ')} cannot be read now, so it cannot be confirmed unchanged since the plan`;
  }
  const changes: string[] = [];
  const lastUsedAt = iso(key.lastUsedAt);
  if (lastUsedAt !== planned.lastUsedAt) {
    changes.push(`used since the plan: lastUsedAt changed from ${shown(planned.lastUsedAt)} to ${shown(lastUsedAt)}`);
  }
  const expiresTime = iso(key.expiresTime);
  if (expiresTime !== planned.expiresTime) {
    changes.push(`expiresTime changed from ${shown(planned.expiresTime)} to ${shown(expiresTime)}`);
  }
  if (key.clientId !== planned.clientId) {
    changes.push(`clientId changed from ${JSON.stringify(planned.clientId)} to ${JSON.stringify(key.clientId)}`);
  }
  if (changes.length > 0) return changes.join('; ');

  const suppression = suppressions.find(
    (s) => isSuppressionActive(s, now) && s.credential !== '' && (s.credential === key.id || s.credential === key.clientId),
  );
  if (suppression) return `a suppression now names this key (rule ${suppression.rule}: ${suppression.reason})`;
  return null;
}

function iso(date: Date | null): string | null {
  return date?.toISOString() ?? null;
}

function shown(value: string | null): string {
  return value ?? 'never';
}
