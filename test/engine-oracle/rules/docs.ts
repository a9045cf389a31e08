/**
 * Where C1 documents the settings the rules are about; each rule's
 * `reference` points at the page (and section) that explains its setting, so
 * a reader of a finding lands where the fix is described.
 */

/** The C1 page on personal API keys: creating one (name, expiry, "Limit source IPs", scope) and managing all of a tenant's keys. */
export const API_KEYS_DOCS_URL = 'https://www.conductorone.com/docs/conductorone-api/api';

/** Creating a key: step 3 chooses whether and when it expires. */
export const KEY_EXPIRY_DOCS_URL = `${API_KEYS_DOCS_URL}#create-a-personal-api-key`;

/** Creating a key: step 4, "Limit source IPs" (addresses and CIDRs). */
export const KEY_SOURCE_IPS_DOCS_URL = `${API_KEYS_DOCS_URL}#create-a-personal-api-key`;

/** Admin → Settings → API keys: every key of the tenant with its usage, where unused keys are found and deleted. */
export const KEY_USAGE_DOCS_URL = `${API_KEYS_DOCS_URL}#view-and-manage-all-api-keys-for-your-conductorone-tenant`;

/** What each C1 role (Super Administrator, Basic User, …) may do: the permissions a key's scope keeps or drops. */
export const ROLES_DOCS_URL = 'https://www.conductorone.com/docs/product/set-up/user-roles';

/** Where a user manages their own keys in the C1 web app. */
export const API_KEYS_PAGE = 'C1 (profile menu → API keys; admins see every key under Admin → Settings → API keys)';
