import { createC1Client } from '../c1/client.js';
import type { C1Credentials, AppConfig } from '../config/types.js';
import { HygieneError } from '../errors.js';
import type { KeyWarning, RawPersonalClient } from '../keys/types.js';
import type { Logger } from '../logger.js';
import type { RoleInfo } from '../rules/types.js';
import type { Clock } from '../clock.js';

export interface Collected {
  items: RawPersonalClient[];
  /** Items the API sent that could not be used at all (not an object, no id, listed twice). */
  rejected: KeyWarning[];
  /** False when some item could not even be identified: then an absent key may just be that item. */
  listingComplete: boolean;
  roles: ReadonlyMap<string, RoleInfo>;
  /** False when `broadRoles.roles` could only be matched by id (roles could not be listed). */
  rolesResolved: boolean;
  warnings: KeyWarning[];
}

/**
 * The source stage: everything the audit needs from C1, fetched once.
 * Roles are only needed to match `broadRoles.roles` by name; a key without
 * permission to read roles still gets an audit, matched by role id only.
 */
export async function collectFromC1(
  config: AppConfig,
  credentials: C1Credentials,
  deps: { logger: Logger; clock: Clock },
): Promise<Collected> {
  if (!config.c1.apiUrl) {
    throw new HygieneError('CONFIG_INVALID', 'no C1 API URL: set C1_CLIENT_ID (the URL derives from it) or C1_API_URL');
  }
  const client = createC1Client({
    baseUrl: config.c1.apiUrl,
    credentials,
    timeoutMs: config.c1.timeoutMs,
    maxRetries: config.c1.maxRetries,
    pageSize: config.c1.pageSize,
    maxPages: config.c1.maxPages,
    bounds: { maxResponseBytes: config.c1.maxResponseBytes, maxPageTokenBytes: config.c1.maxPageTokenBytes, maxListingBytes: config.c1.maxListingBytes },
    logger: deps.logger,
    clock: deps.clock,
  });
  try {
    const listing = await client.listPersonalClients();
    const warnings: KeyWarning[] = [...listing.warnings];
    const roles = await resolveRoles(config, () => client.listRoles(), deps.logger, warnings);
    return {
      items: listing.items,
      rejected: listing.skipped,
      listingComplete: listing.skipped.every((skipped) => skipped.credentialId !== null),
      roles: roles.byId,
      rolesResolved: roles.resolved,
      warnings,
    };
  } finally {
    await client.close();
  }
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
