import { createC1Client, type C1Client } from '../c1/client.js';
import { OwnerLookup, type OwnerLookupResult } from '../c1/owner-lookup.js';
import type { C1Credentials, AppConfig } from '../config/types.js';
import { HygieneError } from '../errors.js';
import type { KeyWarning, Owner, RawPersonalClient } from '../keys/types.js';
import type { Logger } from '../logger.js';
import type { RoleInfo } from '../rules/types.js';
import type { Clock } from '../clock.js';

export interface Collected {
  scope: AppConfig['c1']['scope'];
  /**
   * Every usable key, in API order; in `self` scope keys without a `userId`
   * carry the caller's (they are the caller's keys). Empty when the keys were
   * handed to a page consumer instead (see `collectFromC1`).
   */
  items: RawPersonalClient[];
  /** Items the API sent that could not be used at all (not an object, no id, listed twice). */
  rejected: KeyWarning[];
  /** False when some item could not even be identified: then an absent key may just be that item. */
  listingComplete: boolean;
  roles: ReadonlyMap<string, RoleInfo>;
  /** False when `broadRoles.roles` could only be matched by id (roles could not be listed). */
  rolesResolved: boolean;
  /** Owners by user id, as C1's user lookup returned them; an id missing here was not returned. */
  owners: ReadonlyMap<string, Owner>;
  /** False when the owner lookup failed: every owner is then unknown and `owner-inactive` does not run. */
  ownersResolved: boolean;
  warnings: KeyWarning[];
}

/** What a page consumer needs besides the keys: the roles `broad-roles` matches names against. */
export interface ListingContext {
  roles: ReadonlyMap<string, RoleInfo>;
  rolesResolved: boolean;
}

/**
 * Takes one page of keys (owners not yet known) as the listing goes. Pages
 * arrive in API order, one at a time, each only after the previous one was
 * taken (a returned promise settled): a consumer may wait for its own code
 * to load before judging the first page.
 */
export type PageConsumer = (keys: readonly RawPersonalClient[], context: ListingContext) => void | Promise<void>;

/** User lookups in flight at once: enough to hide their latency behind the listing, few enough to be polite. */
const OWNER_LOOKUP_CONCURRENCY = 4;

/** A C1 client with every `c1.*` setting of the configuration applied: timeouts, retries, paging and listing bounds. */
export function c1ClientFor(config: AppConfig, credentials: C1Credentials, deps: { logger: Logger; clock: Clock }): C1Client {
  if (!config.c1.apiUrl) {
    throw new HygieneError('CONFIG_INVALID', 'no C1 API URL: set C1_CLIENT_ID (the URL derives from it) or C1_API_URL');
  }
  return createC1Client({
    baseUrl: config.c1.apiUrl,
    credentials,
    timeoutMs: config.c1.timeoutMs,
    maxRetries: config.c1.maxRetries,
    pageSize: config.c1.pageSize,
    maxPages: config.c1.maxPages,
    maxKeys: config.c1.maxKeys,
    bounds: { maxResponseBytes: config.c1.maxResponseBytes, maxPageTokenBytes: config.c1.maxPageTokenBytes, maxListingBytes: config.c1.maxListingBytes },
    logger: deps.logger,
    clock: deps.clock,
  });
}

/**
 * The source stage: everything the audit needs from C1, fetched once. Keys
 * are listed in the configured scope while their owners are looked up as the
 * pages arrive. Roles are only needed to match `broadRoles.roles` by name;
 * a key without permission to read roles still gets an audit, matched by
 * role id only. Owners are only needed for reports, routing and
 * `owner-inactive`; a failed owner lookup leaves them unknown rather than
 * failing the audit.
 *
 * With `consumePage`, each page of keys is handed over as it arrives and not
 * held (`items` stays empty): a tenant of 100,000 keys is judged page by page
 * instead of sitting in memory whole. Pages wait for the roles and, in
 * `self` scope, for the caller's user id (both asked for at once, beside the
 * first page), so every page is judged with the same context.
 */
export async function collectFromC1(
  config: AppConfig,
  credentials: C1Credentials,
  deps: { logger: Logger; clock: Clock },
  consumePage?: PageConsumer,
): Promise<Collected> {
  const { scope } = config.c1;
  const client = c1ClientFor(config, credentials, deps);
  const lookup = new OwnerLookup({ fetchBatch: (ids) => client.searchUsersById(ids), concurrency: OWNER_LOOKUP_CONCURRENCY });
  // Kept apart and joined at the end, so the report lists them in one order however the requests interleave.
  const callerWarnings: KeyWarning[] = [];
  const rolesWarnings: KeyWarning[] = [];
  const ownerWarnings: KeyWarning[] = [];
  try {
    // In self scope the keys are the caller's: ask who that is while the listing runs.
    const caller: Promise<CallerLookup | null> =
      scope === 'self'
        ? callerUserId(client).then((who) => {
            // Every key is the caller's: their owner is the one lookup there is to make.
            if (who.ok && who.userId !== null) {
              lookup.add([who.userId]);
              lookup.flush();
            }
            return who;
          })
        : Promise.resolve(null);
    const roles = resolveRoles(config, () => client.listRoles(), deps.logger, rolesWarnings);
    const ready = Promise.all([roles, caller]).then(([resolved, who]) => ({
      context: { roles: resolved.byId, rolesResolved: resolved.resolved },
      callerId: who?.ok ? who.userId : null,
      who,
    }));
    // The first failure of the roles or of judging a page; the listing stops at its next page and throws it.
    let failure: { error: unknown } | null = null;
    const noteFailure = (error: unknown): void => {
      failure ??= { error };
    };
    // Observed at once: the roles may fail before any page arrives.
    ready.catch(noteFailure);
    // One page at a time, in order, each once the context is known; a failure stops the rest and is thrown below.
    let consumed: Promise<unknown> = ready;
    const listing = await client.listPersonalClients({
      scope,
      keepItems: consumePage === undefined,
      onKeys: (keys) => {
        if (failure !== null) throw failure.error;
        lookup.add(keys.flatMap((key) => (key.userId ? [key.userId] : [])));
        if (consumePage === undefined) return;
        consumed = consumed
          .then(() => ready)
          .then(afterPendingIo)
          .then(({ context, callerId }) => consumePage(withCaller(keys, callerId), context));
        // Observed here so a failure while the listing still runs is not an unhandled rejection; awaited below.
        consumed.catch(noteFailure);
      },
    }).catch(async (err: unknown) => {
      await Promise.allSettled([ready, consumed]);
      throw err;
    });
    await consumed;
    const { context, callerId, who } = await ready;
    // Said only once the listing worked: an audit that failed has one error to tell, not this too.
    if (who !== null && callerId === null) noteMissingCaller(who, deps.logger, callerWarnings);

    const owners = await lookup.finish();
    logOwnerLookup(owners, deps.logger, ownerWarnings);
    return {
      scope,
      items: withCaller(listing.items, callerId),
      rejected: listing.skipped,
      listingComplete: listing.skipped.every((skipped) => skipped.credentialId !== null),
      roles: context.roles,
      rolesResolved: context.rolesResolved,
      owners: owners.ok ? owners.owners : new Map(),
      ownersResolved: owners.ok,
      warnings: [...listing.warnings, ...callerWarnings, ...rolesWarnings, ...ownerWarnings],
    };
  } finally {
    lookup.stop();
    await client.close();
  }
}

/**
 * Resolves after the callbacks already queued, among them those that send the
 * request for the next page: judging a page then overlaps the wait for the
 * next one instead of delaying its request.
 */
function afterPendingIo<T>(value: T): Promise<T> {
  return new Promise((resolve) => setImmediate(resolve, value));
}

/** In self scope every key is the caller's: one without a `userId` gets the caller's. */
function withCaller(keys: readonly RawPersonalClient[], callerId: string | null): RawPersonalClient[] {
  if (callerId === null) return keys as RawPersonalClient[];
  return keys.map((key) => (key.userId ? key : { ...key, userId: callerId }));
}

/** Why keys without a `userId` have no owner: the caller's user id could not be read. */
function noteMissingCaller(who: CallerLookup, logger: Logger, warnings: KeyWarning[]): void {
  const why = who.ok ? 'C1 did not say' : who.error.message;
  logger.warn({ reason: why }, 'could not tell whose keys these are; keys without a userId have no owner');
  warnings.push({ credentialId: null, field: 'owner', message: `the caller's user id could not be read from C1 (${why}); keys without a userId have no owner` });
}

type CallerLookup = { ok: true; userId: string | null } | { ok: false; error: Error };

/** Never rejects: who the caller is only names an owner; the audit does not depend on it. */
function callerUserId(client: C1Client): Promise<CallerLookup> {
  return client.introspect().then(
    ({ userId }) => ({ ok: true, userId }),
    (err: unknown) => ({ ok: false, error: err instanceof Error ? err : new Error(String(err)) }),
  );
}

function logOwnerLookup(result: OwnerLookupResult, logger: Logger, warnings: KeyWarning[]): void {
  if (result.ok) {
    logger.info({ owners: result.requested, found: result.owners.size, batches: result.batches }, 'looked up key owners');
    return;
  }
  const code = (result.error as { code?: unknown }).code;
  logger.warn({ code, owners: result.requested, batches: result.batches }, 'could not look up key owners; owners are unknown and owner-inactive does not run');
  warnings.push({
    credentialId: null,
    field: 'owner',
    message: `key owners could not be looked up (${result.error.message}); every owner is null and owner-inactive did not run`,
  });
}

async function resolveRoles(
  config: AppConfig,
  listRoles: () => Promise<RoleInfo[]>,
  logger: Logger,
  warnings: KeyWarning[],
): Promise<{ byId: ReadonlyMap<string, RoleInfo>; resolved: boolean }> {
  const broadRolesOn = !config.rules.disabled.includes('broad-roles') && config.rules.options.broadRoles.roles.length > 0;
  if (!broadRolesOn) return { byId: new Map(), resolved: true };
  try {
    const roles = await listRoles();
    return { byId: new Map(roles.map((role) => [role.id, role])), resolved: true };
  } catch (err) {
    if (err instanceof HygieneError && (err.code === 'C1_FORBIDDEN' || err.code === 'C1_NOT_FOUND')) {
      logger.warn({ code: err.code }, 'could not list IAM roles; broad-roles matches role ids only');
      warnings.push({
        credentialId: null,
        field: 'scopedRoles',
        message: `IAM roles could not be listed (${err.message}); rules.broadRoles.roles matched by role id only`,
      });
      return { byId: new Map(), resolved: false };
    }
    throw err;
  }
}
