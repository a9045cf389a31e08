import { ConfigError } from '../errors.js';
import { clientIdProblem, parseClientId } from './credentials.js';

/**
 * Where the C1 API lives. Like C1's own clients: an explicit endpoint wins,
 * otherwise the tenant host inside the client ID. Plain http is allowed only
 * to loopback (the local simulator), so a typo cannot send a bearer token
 * across a network in clear text.
 */

/** What is wrong with an API base URL, as a sentence (never quoting the URL), or null when it is usable. */
export function apiUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return 'is not an absolute URL (expected e.g. https://acme.conductor.one)';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return 'must start with https:// (or http:// for a loopback host)';
  }
  if (parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname)) {
    return 'may use http:// only for a loopback host (127.0.0.0/8, ::1, localhost); use https://';
  }
  if (parsed.username !== '' || parsed.password !== '') return 'must not contain a user name or password';
  if (parsed.search !== '' || parsed.hash !== '') return 'must not contain a query or fragment';
  return null;
}

/** True for hosts that never leave the machine. `hostname` is as `URL` gives it (IPv6 in brackets). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * The API base URL (no trailing slash) from an explicit URL or the client ID.
 * Throws ConfigError naming C1_API_URL or C1_CLIENT_ID when neither yields one.
 */
export function resolveApiUrl(clientId: string | null, apiUrl: string | null): string {
  if (apiUrl !== null && apiUrl.trim() !== '') {
    const problem = apiUrlProblem(apiUrl);
    if (problem) throw new ConfigError([{ key: 'C1_API_URL', message: problem }]);
    return apiUrl.trim().replace(/\/+$/, '');
  }
  if (clientId !== null && clientId.trim() !== '') {
    const problem = clientIdProblem(clientId);
    if (problem) throw new ConfigError([{ key: 'C1_CLIENT_ID', message: problem }]);
    return `https://${parseClientId(clientId).tenantHost}`;
  }
  throw new ConfigError([
    { key: 'C1_API_URL', message: 'is not set and there is no C1_CLIENT_ID to take the tenant host from; set either' },
  ]);
}

/** The tenant named in reports: the host in the client ID, else the API URL's host. */
export function tenantFor(clientId: string | null, baseUrl: string): string {
  if (clientId !== null && clientIdProblem(clientId) === null) return parseClientId(clientId).tenantHost;
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}
