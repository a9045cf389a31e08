/**
 * Where C1 documents personal API keys, and where users manage them; rule
 * remediations point here so a reader knows exactly where to act.
 */
export const API_KEYS_DOCS_URL = 'https://www.conductorone.com/docs/conductorone-api/api';

/** Where a user manages their own keys in the C1 web app. */
export const API_KEYS_PAGE = 'C1 (profile menu → API keys; admins see every key under Admin → Settings → API keys)';
